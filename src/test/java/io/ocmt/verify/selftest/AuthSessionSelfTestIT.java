package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;
import static io.ocmt.verify.selftest.BrokenStack.runTests;

import java.util.List;

import io.ocmt.verify.suites.AdminGuardIT;
import io.ocmt.verify.suites.MagicLinkAuthIT;
import io.ocmt.verify.suites.SessionLifetimeIT;
import io.ocmt.verify.suites.TokenRejectionIT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each authentication and session control, broken alone on the reference server, fails the check
 * for it. Only the tests that judge the broken control run: the others wait out expiries and
 * rate-limit windows and would prove nothing about this switch.
 */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: auth, session and admin checks fail when the control is broken")
class AuthSessionSelfTestIT {

    @Test
    void reusableMagicLink() {
        assertThat(runTests(MagicLinkAuthIT.class, List.of("magicLinkLogsIn", "magicLinkIsSingleUse"), "magic-link-reuse")).failedOnly("magicLinkIsSingleUse")
                .withMessage("magicLinkIsSingleUse", "used a second time must be refused");
    }

    @Test
    void sessionFixation() {
        assertThat(runTests(MagicLinkAuthIT.class, List.of("magicLinkLogsIn", "loginIssuesAFreshSessionToken"), "session-fixation"))
                .failedOnly("loginIssuesAFreshSessionToken")
                .withMessage("loginIssuesAFreshSessionToken", "planted ocmt_session cookie", "session fixation",
                        "with the planted cookie after the victim's login");
    }

    @Test
    void accountEnumeration() {
        assertThat(runTests(MagicLinkAuthIT.class, List.of("magicLinkLogsIn", "loginDoesNotRevealAccounts"), "enumeration")).failedOnly("loginDoesNotRevealAccounts")
                .withMessage("loginDoesNotRevealAccounts", "body for an unknown address vs a known one", "created your account");
    }

    @Test
    void lifetimeNotEnforced() {
        assertThat(runTests(SessionLifetimeIT.class, List.of("absoluteLifetimeIsEnforced", "agedSessionIsRefused",
                "visibleLifetimeMatchesPolicy", "logoutEndsThatSession"), "session-lifetime"))
                .failedOnly("absoluteLifetimeIsEnforced", "agedSessionIsRefused")
                .withMessage("absoluteLifetimeIsEnforced", "is still accepted", "absolute lifetime is 20 s")
                .withMessage("agedSessionIsRefused", "/api/auth/me", "with a session moved [created_at", "back by 80 s",
                        "expected: 401", "but was: 200");
    }

    /** Cookie, sessions list and enforcement agree on a lifetime 30 times the policy's: what a client sees gives it away. */
    @Test
    void lifetimeTooLong() {
        assertThat(runTests(SessionLifetimeIT.class, List.of("visibleLifetimeMatchesPolicy", "agedSessionIsRefused",
                "logoutEndsThatSession"), "session-lifetime-long"))
                .failedOnly("visibleLifetimeMatchesPolicy", "agedSessionIsRefused")
                .withMessage("visibleLifetimeMatchesPolicy", "expiresAt - createdAt", "ocmt_session cookie's Max-Age/Expires", "policy 20 s")
                .withMessage("agedSessionIsRefused", "moved", "back by 80 s");
    }

    @Test
    void logoutNotRevoking() {
        assertThat(runTests(SessionLifetimeIT.class, List.of("logoutEndsThatSession", "revokeOthersEndsExactlyTheOthers"), "logout")).failedOnly("logoutEndsThatSession")
                .withMessage("logoutEndsThatSession", "the logged-out session");
        assertThat(run(TokenRejectionIT.class, "logout")).failedOnly("logged-out token")
                .withMessage("logged-out token", "must be refused with 401");
    }

    @Test
    void sessionLimitOff() {
        assertThat(runTests(SessionLifetimeIT.class, List.of("sessionLimitEvictsLeastRecentlyActive", "logoutEndsThatSession"), "session-limit")).failedOnly("sessionLimitEvictsLeastRecentlyActive")
                .withMessage("sessionLimitEvictsLeastRecentlyActive", "least recently active");
    }

    @Test
    void tokenInQueryString() {
        assertThat(run(TokenRejectionIT.class, "query-token")).failedOnly("live token in the query string")
                .withMessage("live token in the query string", "must be refused with 401");
    }

    /** The token check off, the allowlist still on: the request through the outside proxy is still refused. */
    @Test
    void adminUnguarded() {
        assertThat(run(AdminGuardIT.class, "admin-guard")).failedOnly("adminRefusesMissingToken", "adminRefusesWrongToken")
                .withMessage("adminRefusesMissingToken", "/api/admin/users", "without a token")
                .withMessage("adminRefusesWrongToken", "with a wrong token");
    }

    /** The allowlist off, the token check on: only the request from outside the allowlist shows it. */
    @Test
    void adminAllowlistIgnored() {
        assertThat(run(AdminGuardIT.class, "admin-ip-allowlist")).failedOnly("adminRefusesAddressOutsideAllowlist")
                .withMessage("adminRefusesAddressOutsideAllowlist", "GET https://localhost:",
                        "/api/admin/security/ip-allowlist → 200", "through the outside proxy http://localhost:",
                        "the admin API answered a client outside its allowlist", "expected 403 with code ADMIN_IP_NOT_ALLOWED");
    }
}
