package io.ocmt.reference.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {

    /** 2026-01-01T00:00:00.250Z: not on a second boundary, so rounding shows. */
    private static final long START = 1_767_225_600_250L;
    private static final long FIFTEEN_MINUTES = 15 * 60_000L;
    private static final String IP = "198.51.100.1";

    private final AtomicLong now = new AtomicLong(START);

    private RateLimiter limiter(Set<String> disabled) {
        return new RateLimiter(RateLimitSettings.defaults(), disabled, new MemoryCounterStore(now::get), now::get);
    }

    private static RateLimiter.Decision decide(RateLimiter rl, String limiter, String ip) {
        return rl.check(limiter, ip).orElseThrow();
    }

    @Test
    void theSixthAttemptInTheWindowIsTheFirstRefusal() {
        RateLimiter rl = limiter(Set.of());
        List<Long> remaining = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            RateLimiter.Decision d = decide(rl, Limiter.STRICT_AUTH, IP);
            assertTrue(d.allowed(), "attempt " + i);
            remaining.add(d.remaining());
            now.addAndGet(1000);
        }
        // OCMT shows the budget before the current request: the first response says 5.
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L), remaining);
        RateLimiter.Decision sixth = decide(rl, Limiter.STRICT_AUTH, IP);
        assertFalse(sixth.allowed());
        assertEquals(0, sixth.remaining());
        assertEquals(5, sixth.countBefore());
    }

    @Test
    void refusalsAreNotCountedSoOneGiveBackReopensTheWindow() {
        RateLimiter rl = limiter(Set.of());
        for (int i = 0; i < 5; i++) {
            decide(rl, Limiter.STRICT_AUTH, IP);
        }
        for (int i = 0; i < 20; i++) {
            RateLimiter.Decision refused = decide(rl, Limiter.STRICT_AUTH, IP);
            assertFalse(refused.allowed());
            assertEquals(5, refused.countBefore(), "refusal " + i + " left the count alone");
        }
        rl.giveBack(Limiter.STRICT_AUTH, IP);
        RateLimiter.Decision again = decide(rl, Limiter.STRICT_AUTH, IP);
        assertTrue(again.allowed());
        assertEquals(1, again.remaining());
        assertFalse(decide(rl, Limiter.STRICT_AUTH, IP).allowed());
    }

    @Test
    void resetIsTheAbsoluteEndOfTheWindowAndRetryAfterTheSecondsLeft() {
        RateLimiter rl = limiter(Set.of());
        RateLimiter.Decision first = decide(rl, Limiter.STRICT_AUTH, "ip");
        long windowEnd = START + FIFTEEN_MINUTES;
        assertEquals((windowEnd + 999) / 1000, first.resetEpochSeconds());
        assertEquals(900, first.retryAfterSeconds());
        assertEquals(5, first.limiter().max());

        now.set(START + FIFTEEN_MINUTES - 1_500);
        RateLimiter.Decision late = decide(rl, Limiter.STRICT_AUTH, "ip");
        assertEquals(first.resetEpochSeconds(), late.resetEpochSeconds(), "a fixed window does not slide");
        assertEquals(2, late.retryAfterSeconds(), "1.5 s left rounds up");

        now.set(START + FIFTEEN_MINUTES - 1);
        assertEquals(1, decide(rl, Limiter.STRICT_AUTH, "ip").retryAfterSeconds());
    }

    @Test
    void aNewWindowBringsTheFullBudgetBack() {
        RateLimiter rl = limiter(Set.of());
        for (int i = 0; i < 3; i++) {
            assertTrue(decide(rl, Limiter.RECOVERY, "ip").allowed());
        }
        assertFalse(decide(rl, Limiter.RECOVERY, "ip").allowed());
        now.addAndGet(30 * 60_000L - 1);
        assertFalse(decide(rl, Limiter.RECOVERY, "ip").allowed(), "OCMT's recovery window is 30 minutes");
        now.addAndGet(1);
        RateLimiter.Decision fresh = decide(rl, Limiter.RECOVERY, "ip");
        assertTrue(fresh.allowed());
        assertEquals(3, fresh.remaining());
    }

    @Test
    void clientsAndLimitersHaveSeparateBudgets() {
        RateLimiter rl = limiter(Set.of());
        for (int i = 0; i < 5; i++) {
            decide(rl, Limiter.STRICT_AUTH, "198.51.100.1");
        }
        assertFalse(decide(rl, Limiter.STRICT_AUTH, "198.51.100.1").allowed());
        assertTrue(decide(rl, Limiter.STRICT_AUTH, "198.51.100.2").allowed());
        assertTrue(decide(rl, Limiter.VAULT_UNLOCK, "198.51.100.1").allowed());
        assertEquals(10, decide(rl, Limiter.LOGIN, "198.51.100.1").remaining(), "login is not verify's budget");
    }

    @Test
    void giveBackLeavesTheWindowsEndAndNeverGoesBelowZero() {
        RateLimiter rl = limiter(Set.of());
        RateLimiter.Decision first = decide(rl, Limiter.GENERAL_API, "ip");
        now.addAndGet(60_000);
        rl.giveBack(Limiter.GENERAL_API, "ip");
        rl.giveBack(Limiter.GENERAL_API, "ip");
        RateLimiter.Decision next = decide(rl, Limiter.GENERAL_API, "ip");
        assertEquals(1000, next.remaining());
        assertEquals(first.resetEpochSeconds(), next.resetEpochSeconds());
    }

    @Test
    void aDisabledLimiterNeitherCountsNorDecides() {
        RateLimiter rl = limiter(Set.of(Limiter.STRICT_AUTH));
        for (int i = 0; i < 20; i++) {
            assertTrue(rl.check(Limiter.STRICT_AUTH, "ip").isEmpty());
        }
        assertEquals(1000, decide(rl, Limiter.GENERAL_API, "ip").remaining(), "the other limiters still work");
    }

    @Test
    void aFailingStoreLetsRequestsThroughAndGiveBackDoesNotThrow() {
        CounterStore broken = new CounterStore() {
            @Override
            public Take take(String key, long max, long windowMs) {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public void giveBack(String key) {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public String describe() {
                return "nowhere";
            }
        };
        RateLimiter rl = new RateLimiter(RateLimitSettings.defaults(), Set.of(), broken, now::get);
        for (int i = 0; i < 10; i++) {
            assertTrue(rl.check(Limiter.STRICT_AUTH, "ip").isEmpty());
            rl.giveBack(Limiter.GENERAL_API, "ip");
        }
    }

    @Test
    void keysFollowOcmtsFormatWithItsLimiterNames() {
        RateLimiter rl = limiter(Set.of());
        assertEquals("ocmt:ratelimit:management:strict-auth:198.51.100.1", rl.key(Limiter.STRICT_AUTH, "198.51.100.1"));
        RateLimiter relay = new RateLimiter(RateLimitSettings.fromEnvironment(Map.of("SERVICE_NAME", "relay")),
                Set.of(), new MemoryCounterStore(now::get), now::get);
        assertEquals("ocmt:ratelimit:relay:general-api:2001:db8::1", relay.key(Limiter.GENERAL_API, "2001:db8::1"));
    }

    @Test
    void limitsComeFromTheEnvironment() {
        RateLimitSettings s = RateLimitSettings.fromEnvironment(Map.of(
                "RATE_LIMIT_STRICT_AUTH_MAX", "2", "RATE_LIMIT_STRICT_AUTH_WINDOW_MS", "20000"));
        RateLimiter rl = new RateLimiter(s, Set.of(), new MemoryCounterStore(now::get), now::get);
        assertTrue(decide(rl, Limiter.STRICT_AUTH, "ip").allowed());
        assertTrue(decide(rl, Limiter.STRICT_AUTH, "ip").allowed());
        RateLimiter.Decision third = decide(rl, Limiter.STRICT_AUTH, "ip");
        assertFalse(third.allowed());
        assertEquals(20, third.retryAfterSeconds());
        now.addAndGet(20_000);
        assertTrue(decide(rl, Limiter.STRICT_AUTH, "ip").allowed());
    }
}
