package io.ocmt.reference.ratelimit;

/** Where fixed-window counters live: Redis (shared by all replicas) or process memory. */
public interface CounterStore extends AutoCloseable {

    /** The state of a window after counting one more request in it. */
    record Count(long count, long ttlMs) {
    }

    /**
     * Counts one request against {@code key}, starting a window of {@code windowMs} if none is
     * open, atomically with respect to every other caller sharing the store.
     *
     * @throws RuntimeException when the store cannot be reached; callers fail open
     */
    Count hit(String key, long windowMs);

    /** For the startup log. */
    String describe();

    @Override
    default void close() {
    }
}
