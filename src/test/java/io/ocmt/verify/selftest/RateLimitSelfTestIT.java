package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;

import io.ocmt.verify.suites.RateLimitIT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each rate-limit control, broken alone on the reference servers, fails the check for it. */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: rate-limit checks fail when the control is broken")
class RateLimitSelfTestIT {

    private static final String EXACT = ": exactly the limit passes, summed over every replica, and the next request gets 429";
    private static final String AUTH = "authentication (POST /api/auth/login)";
    private static final String AUTH_EXACT = AUTH + EXACT;
    private static final String UNLOCK_EXACT = "vault unlock (POST /api/vault/unlock)" + EXACT;
    private static final String RECOVER_EXACT = "password reset (POST /api/vault/recover)" + EXACT;
    private static final String GENERAL_EXACT = "api general (GET /api/auth/me)" + EXACT;
    private static final String BYPASS = AUTH + ": forwarding headers and other spellings of the path get no fresh budget";

    @Test
    void authenticationLimitOff() {
        // The bypass check fails too: it needs the authentication budget used up, and with the limit
        // off request limit + 1 is not refused, so there is nothing a bypass could get around.
        assertThat(run(RateLimitIT.class, "rate-limit-auth-off")).failedOnly(AUTH_EXACT, BYPASS)
                .withMessage(AUTH_EXACT, AUTH, "request 6 was not refused", "429 on request 6")
                .withMessage(BYPASS, "did not refuse request 6", "the limit itself does not hold");
    }

    @Test
    void countedPerReplica() {
        // Every limit passes twice its budget behind the round-robin proxy, so every exact-limit
        // check fails, and the bypass check cannot use the authentication budget up.
        assertThat(run(RateLimitIT.class, "rate-limit-per-replica"))
                .failedOnly(UNLOCK_EXACT, RECOVER_EXACT, AUTH_EXACT, GENERAL_EXACT, BYPASS)
                .withMessage(AUTH_EXACT, AUTH, "request 6 was not refused", "RateLimit-Remaining", "each replica")
                .withMessage(RECOVER_EXACT, "request 4 was not refused")
                .withMessage(GENERAL_EXACT, "request 101 was not refused");
    }

    @Test
    void forwardedForTrustedFromAnyone() {
        assertThat(run(RateLimitIT.class, "trust-any-proxy")).failedOnly(BYPASS)
                .withMessage(BYPASS, "Rate-limit bypass", "X-Forwarded-For: 203.0.113.", "a whole new budget");
    }

    @Test
    void noRetryAfter() {
        // Every limited endpoint's 429 lacks it, so each exact-limit check fails, and nothing else.
        assertThat(run(RateLimitIT.class, "retry-after-missing"))
                .failedOnly(UNLOCK_EXACT, RECOVER_EXACT, AUTH_EXACT, GENERAL_EXACT)
                .withMessage(AUTH_EXACT, AUTH, "Retry-After", "has no Retry-After header")
                .withMessage(GENERAL_EXACT, "has no Retry-After header");
    }
}
