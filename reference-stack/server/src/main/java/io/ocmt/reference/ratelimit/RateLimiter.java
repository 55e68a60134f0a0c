package io.ocmt.reference.ratelimit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/** Counts a request against one limiter and decides; knows nothing of HTTP. */
public final class RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    /** While Redis is down every request would warn; once per this period is enough to notice. */
    private static final long WARN_EVERY_MS = 10_000L;

    /**
     * One limiter's verdict on one request, with OCMT's header values.
     *
     * @param countBefore       requests counted in this window before this one
     * @param remaining         RateLimit-Remaining: max minus countBefore, never below 0, so the
     *                          first request of a window shows the limit and a refused one 0
     * @param resetEpochSeconds RateLimit-Reset: when the window ends, absolute, rounded up
     * @param retryAfterSeconds Retry-After: seconds until the window ends, rounded up, at least 1
     */
    public record Decision(Limiter limiter, boolean allowed, long countBefore, long remaining,
                           long resetEpochSeconds, long retryAfterSeconds) {

        public static Decision of(Limiter limiter, CounterStore.Take t, long nowMs) {
            long ttl = Math.max(0, t.ttlMs());
            return new Decision(limiter, t.allowed(), t.countBefore(), Math.max(0, limiter.max() - t.countBefore()),
                    ceilDiv(nowMs + ttl, 1000), Math.max(1, ceilDiv(ttl, 1000)));
        }
    }

    private final RateLimitSettings settings;
    private final Set<String> disabled;
    private final CounterStore store;
    private final LongSupplier clock;
    private long nextWarning;
    private long suppressedWarnings;

    /**
     * @param disabled limiters switched off (BREAK_RATE_LIMIT)
     * @param clock    milliseconds since the epoch
     */
    public RateLimiter(RateLimitSettings settings, Set<String> disabled, CounterStore store, LongSupplier clock) {
        this.settings = settings;
        this.disabled = Set.copyOf(disabled);
        this.store = store;
        this.clock = clock;
    }

    /**
     * Counts the request unless the window is full (OCMT: refused when the count has reached max;
     * a refusal is not counted). Empty when the limiter is switched off, or when the store failed
     * and the request is let through as OCMT does.
     */
    public Optional<Decision> check(String limiterName, String clientIp) {
        if (disabled.contains(limiterName)) {
            return Optional.empty();
        }
        Limiter limiter = settings.limiter(limiterName);
        CounterStore.Take take;
        try {
            take = store.take(key(limiterName, clientIp), limiter.max(), limiter.windowMs());
        } catch (RuntimeException e) {
            warn(limiterName, "failed open", e);
            return Optional.empty();
        }
        return Optional.of(Decision.of(limiter, take, clock.getAsLong()));
    }

    /** Un-counts a request {@link #check} counted (skipFailedRequests); a failing store only warns. */
    public void giveBack(String limiterName, String clientIp) {
        try {
            store.giveBack(key(limiterName, clientIp));
        } catch (RuntimeException e) {
            // The request stays counted: a lost give-back costs one request of budget, never safety.
            warn(limiterName, "could not give back a failed request", e);
        }
    }

    /** ocmt:ratelimit:&lt;service&gt;:&lt;limiter&gt;:&lt;ip&gt;, OCMT's key format. */
    public String key(String limiter, String clientIp) {
        return "ocmt:ratelimit:" + settings.service() + ":" + limiter + ":" + clientIp;
    }

    public CounterStore store() {
        return store;
    }

    private synchronized void warn(String limiter, String what, RuntimeException e) {
        long now = clock.getAsLong();
        if (now < nextWarning) {
            suppressedWarnings++;
            return;
        }
        nextWarning = now + WARN_EVERY_MS;
        LOG.warn("Rate limiter {} {}: {} unavailable ({}); {} similar warnings suppressed",
                limiter, what, store.describe(), e.toString(), suppressedWarnings);
        suppressedWarnings = 0;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
