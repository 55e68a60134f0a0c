package io.ocmt.reference.ratelimit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/** Counts a request against its limiters and decides; knows nothing of HTTP. */
public final class RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    /** While Redis is down every request would warn; once per this period is enough to notice. */
    private static final long WARN_EVERY_MS = 10_000L;

    /**
     * One limiter's verdict on one request.
     *
     * @param count             requests in this window, the current one included
     * @param remaining         OCMT's RateLimit-Remaining: the budget left before this request
     *                          (so the first request shows the limit), never below 0
     * @param resetEpochSeconds RateLimit-Reset: when the window ends, absolute, rounded up
     * @param retryAfterSeconds Retry-After: seconds until the window ends, at least 1
     */
    public record Decision(Limiter limiter, long count, boolean allowed, long remaining,
                           long resetEpochSeconds, long retryAfterSeconds) {

        public static Decision of(Limiter limiter, CounterStore.Count c, long nowMs) {
            long ttl = Math.max(0, c.ttlMs());
            long remaining = Math.max(0, Math.min(limiter.max(), limiter.max() - (c.count() - 1)));
            return new Decision(limiter, c.count(), c.count() <= limiter.max(), remaining,
                    ceilDiv(nowMs + ttl, 1000), Math.max(1, ceilDiv(ttl, 1000)));
        }
    }

    /** Which decision a request's headers show when several limiters guard its route. */
    static final Comparator<Decision> MOST_RESTRICTIVE_FIRST = (a, b) -> {
        if (a.allowed() != b.allowed()) {
            return a.allowed() ? 1 : -1;
        }
        if (!a.allowed()) {
            // Among refusals, the one that keeps the client out longest.
            return Long.compare(b.retryAfterSeconds(), a.retryAfterSeconds());
        }
        // Among passes, the one closest to refusing, then the tighter policy.
        int byRemaining = Long.compare(a.remaining(), b.remaining());
        return byRemaining != 0 ? byRemaining : Long.compare(a.limiter().max(), b.limiter().max());
    };

    /** All decisions made for one request, and the one its headers (and any 429) report. */
    public record Outcome(List<Decision> decisions) {
        public Optional<Decision> shown() {
            return decisions.stream().min(MOST_RESTRICTIVE_FIRST);
        }

        public boolean refused() {
            return shown().map(d -> !d.allowed()).orElse(false);
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
     * Counts the request against every named limiter, even once one has refused it: a request is
     * one attempt for each budget that guards the route, whatever the outcome.
     */
    public Outcome check(List<String> limiterNames, String clientIp) {
        List<Decision> decisions = new ArrayList<>(limiterNames.size());
        for (String name : limiterNames) {
            if (disabled.contains(name)) {
                continue;
            }
            Limiter limiter = settings.limiter(name);
            CounterStore.Count count;
            try {
                count = store.hit(key(name, clientIp), limiter.windowMs());
            } catch (RuntimeException e) {
                // OCMT lets requests through when its store fails; so does the reference.
                warnFailOpen(name, e);
                continue;
            }
            decisions.add(Decision.of(limiter, count, clock.getAsLong()));
        }
        return new Outcome(decisions);
    }

    /** ocmt:ratelimit:&lt;service&gt;:&lt;limiter&gt;:&lt;ip&gt;, OCMT's key format. */
    public String key(String limiter, String clientIp) {
        return "ocmt:ratelimit:" + settings.service() + ":" + limiter + ":" + clientIp;
    }

    public CounterStore store() {
        return store;
    }

    private synchronized void warnFailOpen(String limiter, RuntimeException e) {
        long now = clock.getAsLong();
        if (now < nextWarning) {
            suppressedWarnings++;
            return;
        }
        nextWarning = now + WARN_EVERY_MS;
        LOG.warn("Rate limiter {} failed open: {} unavailable ({}); {} similar warnings suppressed",
                limiter, store.describe(), e.toString(), suppressedWarnings);
        suppressedWarnings = 0;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
