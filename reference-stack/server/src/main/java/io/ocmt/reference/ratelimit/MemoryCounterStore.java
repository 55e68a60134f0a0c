package io.ocmt.reference.ratelimit;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counters in this process only: what OCMT falls back to without Redis, and what the
 * BREAK_RATE_LIMIT_PER_REPLICA switch uses, since every replica then grants its own budget.
 */
public final class MemoryCounterStore implements CounterStore {

    private static final long SWEEP_EVERY_MS = 60_000L;

    private final LongSupplier clock;
    private final Map<String, long[]> windows = new HashMap<>();
    private long nextSweep;

    /** @param clock milliseconds since the epoch; tests pass a fake one */
    public MemoryCounterStore(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Take take(String key, long max, long windowMs) {
        long now = clock.getAsLong();
        sweep(now);
        // {count, expiresAt}
        long[] w = windows.get(key);
        if (w == null || now >= w[1]) {
            w = new long[] {0, now + windowMs};
            windows.put(key, w);
        }
        long before = w[0];
        if (before >= max) {
            return new Take(false, before, w[1] - now);
        }
        w[0]++;
        return new Take(true, before, w[1] - now);
    }

    @Override
    public synchronized void giveBack(String key) {
        long[] w = windows.get(key);
        if (w != null && clock.getAsLong() < w[1] && w[0] > 0) {
            w[0]--;
        }
    }

    /** Expired windows are dropped now and then, so a flood of client addresses cannot grow memory for ever. */
    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + SWEEP_EVERY_MS;
        for (Iterator<long[]> it = windows.values().iterator(); it.hasNext(); ) {
            if (now >= it.next()[1]) {
                it.remove();
            }
        }
    }

    synchronized int size() {
        return windows.size();
    }

    @Override
    public String describe() {
        return "process memory (per replica)";
    }
}
