package io.ocmt.reference.ratelimit;

import org.junit.jupiter.api.Test;

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

    private final AtomicLong now = new AtomicLong(START);
    private final RateLimitSettings settings = RateLimitSettings.defaults();

    private RateLimiter limiter(Set<String> disabled) {
        return new RateLimiter(settings, disabled, new MemoryCounterStore(now::get), now::get);
    }

    @Test
    void theSixthAttemptInTheWindowIsTheFirstRefusal() {
        RateLimiter rl = limiter(Set.of());
        List<Long> remaining = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            RateLimiter.Outcome o = rl.check(List.of(Limiter.STRICT_AUTH), "198.51.100.1");
            assertFalse(o.refused(), "attempt " + i);
            remaining.add(o.shown().orElseThrow().remaining());
            now.addAndGet(1000);
        }
        // OCMT shows the budget before the current request: the first response says 5.
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L), remaining);
        RateLimiter.Outcome sixth = rl.check(List.of(Limiter.STRICT_AUTH), "198.51.100.1");
        assertTrue(sixth.refused());
        assertEquals(0, sixth.shown().orElseThrow().remaining());
        assertEquals(6, sixth.shown().orElseThrow().count());
        assertTrue(rl.check(List.of(Limiter.STRICT_AUTH), "198.51.100.1").refused(), "seventh");
    }

    @Test
    void resetIsTheAbsoluteEndOfTheWindowAndRetryAfterTheSecondsLeft() {
        RateLimiter rl = limiter(Set.of());
        RateLimiter.Decision first = rl.check(List.of(Limiter.STRICT_AUTH), "ip").shown().orElseThrow();
        long windowEnd = START + FIFTEEN_MINUTES;
        assertEquals((windowEnd + 999) / 1000, first.resetEpochSeconds());
        assertEquals(900, first.retryAfterSeconds());
        assertEquals(5, first.limiter().max());

        now.set(START + FIFTEEN_MINUTES - 1_500);
        RateLimiter.Decision late = rl.check(List.of(Limiter.STRICT_AUTH), "ip").shown().orElseThrow();
        assertEquals(first.resetEpochSeconds(), late.resetEpochSeconds(), "a fixed window does not slide");
        assertEquals(2, late.retryAfterSeconds(), "1.5 s left rounds up");

        now.set(START + FIFTEEN_MINUTES - 1);
        assertEquals(1, rl.check(List.of(Limiter.STRICT_AUTH), "ip").shown().orElseThrow().retryAfterSeconds());
    }

    @Test
    void aNewWindowBringsTheFullBudgetBack() {
        RateLimiter rl = limiter(Set.of());
        for (int i = 0; i < 6; i++) {
            rl.check(List.of(Limiter.RECOVERY), "ip");
        }
        assertTrue(rl.check(List.of(Limiter.RECOVERY), "ip").refused());
        now.addAndGet(60 * 60_000L);
        RateLimiter.Outcome fresh = rl.check(List.of(Limiter.RECOVERY), "ip");
        assertFalse(fresh.refused());
        assertEquals(3, fresh.shown().orElseThrow().remaining());
    }

    @Test
    void clientsAndLimitersHaveSeparateBudgets() {
        RateLimiter rl = limiter(Set.of());
        for (int i = 0; i < 5; i++) {
            rl.check(List.of(Limiter.STRICT_AUTH), "198.51.100.1");
        }
        assertTrue(rl.check(List.of(Limiter.STRICT_AUTH), "198.51.100.1").refused());
        assertFalse(rl.check(List.of(Limiter.STRICT_AUTH), "198.51.100.2").refused());
        assertFalse(rl.check(List.of(Limiter.VAULT_UNLOCK), "198.51.100.1").refused());
    }

    @Test
    void headersShowTheLimiterClosestToRefusing() {
        RateLimiter rl = limiter(Set.of());
        List<String> verify = List.of(Limiter.STRICT_AUTH, Limiter.GENERAL_API);
        RateLimiter.Outcome first = rl.check(verify, "ip");
        assertEquals(2, first.decisions().size(), "both budgets are counted");
        assertEquals(Limiter.STRICT_AUTH, first.shown().orElseThrow().limiter().name());

        // 97 other API calls leave the general budget at 2 while strictAuth still has 4.
        for (int i = 0; i < 97; i++) {
            rl.check(List.of(Limiter.GENERAL_API), "ip");
        }
        RateLimiter.Decision shown = rl.check(verify, "ip").shown().orElseThrow();
        assertEquals(Limiter.GENERAL_API, shown.limiter().name());
        assertEquals(2, shown.remaining());
    }

    @Test
    void aRefusalOutranksAPassAndTheLongestWaitWins() {
        Limiter shortOne = new Limiter("a", 1, 10_000);
        Limiter longOne = new Limiter("b", 1, 20_000);
        RateLimiter.Decision passing = RateLimiter.Decision.of(longOne, new CounterStore.Count(1, 20_000), 0);
        RateLimiter.Decision refusedShort = RateLimiter.Decision.of(shortOne, new CounterStore.Count(2, 10_000), 0);
        RateLimiter.Decision refusedLong = RateLimiter.Decision.of(longOne, new CounterStore.Count(2, 20_000), 0);
        assertEquals(refusedShort, new RateLimiter.Outcome(List.of(passing, refusedShort)).shown().orElseThrow());
        assertEquals(refusedLong, new RateLimiter.Outcome(List.of(refusedShort, refusedLong)).shown().orElseThrow());
    }

    @Test
    void aDisabledLimiterNeitherCountsNorShows() {
        RateLimiter rl = limiter(Set.of(Limiter.STRICT_AUTH));
        for (int i = 0; i < 20; i++) {
            RateLimiter.Outcome o = rl.check(List.of(Limiter.STRICT_AUTH, Limiter.GENERAL_API), "ip");
            assertFalse(o.refused());
            assertEquals(Limiter.GENERAL_API, o.shown().orElseThrow().limiter().name());
        }
    }

    @Test
    void aFailingStoreLetsRequestsThrough() {
        CounterStore broken = new CounterStore() {
            @Override
            public Count hit(String key, long windowMs) {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public String describe() {
                return "nowhere";
            }
        };
        RateLimiter rl = new RateLimiter(settings, Set.of(), broken, now::get);
        for (int i = 0; i < 10; i++) {
            RateLimiter.Outcome o = rl.check(List.of(Limiter.STRICT_AUTH, Limiter.GENERAL_API), "ip");
            assertFalse(o.refused());
            assertTrue(o.shown().isEmpty());
        }
    }

    @Test
    void keysFollowOcmtsFormat() {
        RateLimiter rl = limiter(Set.of());
        assertEquals("ocmt:ratelimit:management:strictAuth:198.51.100.1", rl.key(Limiter.STRICT_AUTH, "198.51.100.1"));
        RateLimiter relay = new RateLimiter(RateLimitSettings.fromEnvironment(Map.of("SERVICE_NAME", "relay")),
                Set.of(), new MemoryCounterStore(now::get), now::get);
        assertEquals("ocmt:ratelimit:relay:generalApi:2001:db8::1", relay.key(Limiter.GENERAL_API, "2001:db8::1"));
    }

    @Test
    void limitsComeFromTheEnvironment() {
        RateLimitSettings s = RateLimitSettings.fromEnvironment(Map.of(
                "RATE_LIMIT_STRICTAUTH_MAX", "2", "RATE_LIMIT_STRICTAUTH_WINDOW_MS", "20000"));
        RateLimiter rl = new RateLimiter(s, Set.of(), new MemoryCounterStore(now::get), now::get);
        assertFalse(rl.check(List.of(Limiter.STRICT_AUTH), "ip").refused());
        assertFalse(rl.check(List.of(Limiter.STRICT_AUTH), "ip").refused());
        RateLimiter.Decision third = rl.check(List.of(Limiter.STRICT_AUTH), "ip").shown().orElseThrow();
        assertFalse(third.allowed());
        assertEquals(20, third.retryAfterSeconds());
        now.addAndGet(20_000);
        assertFalse(rl.check(List.of(Limiter.STRICT_AUTH), "ip").refused());
    }
}
