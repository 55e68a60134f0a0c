package io.ocmt.verify.selftest;

import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;

import io.ocmt.verify.suites.AdminGuardIT;
import io.ocmt.verify.suites.MagicLinkAuthIT;
import io.ocmt.verify.suites.SessionLifetimeIT;
import io.ocmt.verify.suites.TokenRejectionIT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each authentication and session control, broken alone on the reference server, fails the check for it. */
@SelfTest
@DisplayName("Self-test: auth, session and admin checks fail when the control is broken")
class AuthSessionSelfTestIT {

    @Test
    void reusableMagicLink() {
        assertThat(run(MagicLinkAuthIT.class, "magic-link-reuse")).failedOnly("magicLinkIsSingleUse")
                .withMessage("magicLinkIsSingleUse", "used a second time must be refused");
    }

    @Test
    void accountEnumeration() {
        assertThat(run(MagicLinkAuthIT.class, "enumeration")).failedOnly("loginDoesNotRevealAccounts")
                .withMessage("loginDoesNotRevealAccounts", "unknown address", "404");
    }

    @Test
    void lifetimeNotEnforced() {
        assertThat(run(SessionLifetimeIT.class, "session-lifetime")).failedOnly("absoluteLifetimeIsEnforced")
                .withMessage("absoluteLifetimeIsEnforced", "is still accepted", "absolute lifetime is 20 s");
    }

    @Test
    void logoutNotRevoking() {
        assertThat(run(SessionLifetimeIT.class, "logout")).failedOnly("logoutEndsThatSession")
                .withMessage("logoutEndsThatSession", "the logged-out session");
        assertThat(run(TokenRejectionIT.class, "logout")).failedOnly("logged-out token")
                .withMessage("logged-out token", "must be refused with 401");
    }

    @Test
    void sessionLimitOff() {
        assertThat(run(SessionLifetimeIT.class, "session-limit")).failedOnly("sessionLimitEvictsLeastRecentlyActive")
                .withMessage("sessionLimitEvictsLeastRecentlyActive", "least recently active");
    }

    @Test
    void tokenInQueryString() {
        assertThat(run(TokenRejectionIT.class, "query-token")).failedOnly("live token in the query string")
                .withMessage("live token in the query string", "must be refused with 401");
    }

    @Test
    void adminUnguarded() {
        assertThat(run(AdminGuardIT.class, "admin-guard")).failedOnly("adminRefusesMissingToken", "adminRefusesWrongToken")
                .withMessage("adminRefusesMissingToken", "/api/admin/users", "without a token")
                .withMessage("adminRefusesWrongToken", "with a wrong token");
    }
}
