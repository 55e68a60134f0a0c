package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;
import static io.ocmt.verify.selftest.BrokenStack.runWith;

import io.ocmt.verify.suites.RateLimitIT;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each rate-limit control, broken alone on the reference servers, fails the check for it. */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: rate-limit checks fail when the control is broken")
class RateLimitSelfTestIT {

    private static final String EXACT = ": exactly the limit passes, summed over every replica, and the next request gets 429";
    private static final String LOGIN = "authentication (login) (POST /api/auth/login)";
    private static final String VERIFY = "authentication (magic link) (GET /api/auth/verify)";
    private static final String LOGIN_EXACT = LOGIN + EXACT;
    private static final String VERIFY_EXACT = VERIFY + EXACT;
    private static final String UNLOCK_EXACT = "vault unlock (POST /api/vault/unlock)" + EXACT;
    private static final String RECOVER_EXACT = "vault recovery (POST /api/vault/recover)" + EXACT;
    private static final String GENERAL_EXACT = "api general (GET /api/auth/me)" + EXACT;
    private static final String BYPASS = VERIFY + ": forwarding headers and other spellings of the path get no fresh budget";
    private static final String REDIS = "countersLiveInRedis";
    /**
     * OCMT's windows (15 minutes and longer) are longer than the run may wait, so they are judged by
     * their counters in Redis; where a switch keeps the counters out of Redis, they cannot be.
     */
    private static final String WINDOWS = "windowsEnd";

    /** The checklist's own rate-limit table (defaults.yaml), as a policy override. */
    private static final Map<String, String> CHECKLIST_POLICY = Map.of("policy.rateLimits", "["
            + "{name: authentication (login), method: POST, path: /api/auth/login, limit: 5, windowSeconds: 900}, "
            + "{name: authentication (magic link), method: GET, path: /api/auth/verify, limit: 5, windowSeconds: 900}, "
            + "{name: vault unlock, method: POST, path: /api/vault/unlock, limit: 5, windowSeconds: 900}, "
            + "{name: api general, method: GET, path: /api/auth/me, limit: 100, windowSeconds: 900}, "
            + "{name: password reset, method: POST, path: /api/vault/recover, limit: 3, windowSeconds: 3600}]");

    @Test
    void verificationLimitOff() {
        // The bypass check fails too: it needs the verification budget used up, and with the limit
        // off request limit + 1 is not refused, so there is nothing a bypass could get around.
        assertThat(run(RateLimitIT.class, "rate-limit-auth-off")).failedOnly(VERIFY_EXACT, BYPASS)
                .withMessage(VERIFY_EXACT, VERIFY, "request 6 was not refused", "429 on request 6")
                .withMessage(BYPASS, "did not refuse request 6", "the limit itself does not hold");
    }

    @Test
    void countedPerReplica() {
        // Every limit passes twice its budget behind the round-robin proxy, so every exact-limit
        // check fails, the bypass check cannot use the verification budget up, and Redis holds no counter.
        assertThat(run(RateLimitIT.class, "rate-limit-per-replica")).abortedOnly(WINDOWS)
                .failedOnly(UNLOCK_EXACT, RECOVER_EXACT, LOGIN_EXACT, VERIFY_EXACT, GENERAL_EXACT, BYPASS, REDIS)
                .withMessage(VERIFY_EXACT, VERIFY, "request 6 was not refused", "RateLimit-Remaining", "each replica")
                .withMessage(RECOVER_EXACT, "request 4 was not refused")
                .withMessage(LOGIN_EXACT, "request 11 was not refused")
                .withMessage(REDIS, "none changed");
    }

    /** Counters in each process's memory, with every client pinned to one replica: every limit holds, and only Redis shows it. */
    @Test
    void countedInMemory() {
        assertThat(run(RateLimitIT.class, "rate-limit-in-memory")).abortedOnly(WINDOWS).failedOnly(REDIS)
                .withMessage(REDIS, "Distributed rate limiting (Redis)", "ocmt:ratelimit:*", "none changed", "each process's memory");
    }

    /** The general limit off: only its check, counted with a logged-in session, can see it. */
    @Test
    void generalLimitOff() {
        assertThat(run(RateLimitIT.class, "rate-limit-general-off")).failedOnly(GENERAL_EXACT)
                .withMessage(GENERAL_EXACT, "request 1001 was not refused", "RateLimit-Limit: 1000");
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
                .failedOnly(UNLOCK_EXACT, RECOVER_EXACT, LOGIN_EXACT, VERIFY_EXACT, GENERAL_EXACT)
                .withMessage(VERIFY_EXACT, VERIFY, "Retry-After", "has no Retry-After header")
                .withMessage(GENERAL_EXACT, "has no Retry-After header");
    }

    /**
     * The checklist's table against a server that limits like OCMT: exactly the rows where OCMT is
     * looser fail (login 10 not 5, the general limit 1000 per hour not 100 per 15 minutes, recovery
     * every 30 minutes not every hour), which is what a run against a real OCMT reports.
     */
    @Test
    void checklistPolicyOnOcmtLimits() {
        String reset = "password reset (POST /api/vault/recover)" + EXACT;
        assertThat(runWith(RateLimitIT.class, CHECKLIST_POLICY))
                .failedOnly(LOGIN_EXACT, GENERAL_EXACT, reset)
                .withMessage(LOGIN_EXACT, "request 6 was not refused")
                .withMessage(GENERAL_EXACT, "request 101 was not refused")
                .withMessage(reset, "a window of 3600 s", "the same budget comes back every 180");
    }

    /** The server switched to the checklist's limits passes the checklist's table: both behaviours are exercised. */
    @Test
    void checklistPolicyOnChecklistLimits() {
        assertThat(runWith(RateLimitIT.class, CHECKLIST_POLICY, "checklist-limits")).failedOnly();
    }
}
