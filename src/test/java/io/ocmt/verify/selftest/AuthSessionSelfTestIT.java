package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;
import static io.ocmt.verify.selftest.BrokenStack.runTests;
import static io.ocmt.verify.selftest.BrokenStack.runTestsWith;

import java.util.List;
import java.util.Map;

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

    /** The reference lifetime is OCMT's 7 days: the check ages its own session row instead of waiting. */
    @Test
    void lifetimeNotEnforced() {
        assertThat(runTests(SessionLifetimeIT.class, List.of("absoluteLifetimeIsEnforced", "visibleLifetimeMatchesPolicy",
                "logoutEndsThatSession"), "session-lifetime"))
                .failedOnly("absoluteLifetimeIsEnforced")
                .withMessage("absoluteLifetimeIsEnforced", "/api/auth/me", "with a session moved [created_at", "back by 604860 s",
                        "expected: 401", "but was: 200");
    }

    /** A lifetime short enough to wait for (20 s, set on the stack and in the policy): the same check watches a session not die. */
    @Test
    void lifetimeNotEnforcedWaitedFor() {
        assertThat(runTestsWith(SessionLifetimeIT.class, List.of("absoluteLifetimeIsEnforced", "visibleLifetimeMatchesPolicy"),
                Map.of("policy.session.absoluteLifetimeSeconds", "20"), "session-lifetime"))
                .failedOnly("absoluteLifetimeIsEnforced")
                .withMessage("absoluteLifetimeIsEnforced", "is still accepted", "absolute lifetime is 20 s");
    }

    /** Cookie, sessions list and enforcement agree on a lifetime 30 times the policy's: what a client sees gives it away. */
    @Test
    void lifetimeTooLong() {
        assertThat(runTests(SessionLifetimeIT.class, List.of("visibleLifetimeMatchesPolicy", "absoluteLifetimeIsEnforced",
                "logoutEndsThatSession"), "session-lifetime-long"))
                .failedOnly("visibleLifetimeMatchesPolicy", "absoluteLifetimeIsEnforced")
                .withMessage("visibleLifetimeMatchesPolicy", "expiresAt - createdAt", "ocmt_session cookie's Max-Age, or Expires",
                        "policy 604800 s")
                .withMessage("absoluteLifetimeIsEnforced", "moved", "back by 604860 s");
    }

    @Test
    void logoutNotRevoking() {
        assertThat(runTests(SessionLifetimeIT.class, List.of("logoutEndsThatSession", "revokeOthersEndsExactlyTheOthers"), "logout"))
                .failedOnly("logoutEndsThatSession")
                .withMessage("logoutEndsThatSession", "the logged-out session 2", "expected 401", "it answered 200");
        assertThat(run(TokenRejectionIT.class, "logout")).failedOnly("logged-out token")
                .withMessage("logged-out token", "must be refused with 401");
    }

    /** Nothing is evicted: the eviction step and the evicted token of the rejection matrix both show it. */
    @Test
    void sessionLimitOff() {
        assertThat(runTests(SessionLifetimeIT.class, List.of("sessionLimitEvictsLeastRecentlyActive", "logoutEndsThatSession"),
                "session-limit"))
                .failedOnly("sessionLimitEvictsLeastRecentlyActive")
                .withMessage("sessionLimitEvictsLeastRecentlyActive", "the least recently active", "MAX_SESSIONS_PER_USER=5");
        assertThat(run(TokenRejectionIT.class, "session-limit")).failedOnly("token of an evicted session")
                .withMessage("token of an evicted session", "must be refused with 401");
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
