package io.ocmt.reference.ratelimit;

/** Where fixed-window counters live: Redis (shared by all replicas) or process memory. */
public interface CounterStore extends AutoCloseable {

    /**
     * What one attempt to count a request found.
     *
     * @param allowed     whether the request was counted; false when the window already held max
     *                    requests, and then nothing was counted
     * @param countBefore requests counted in the window before this one
     * @param ttlMs       what is left of the window
     */
    record Take(boolean allowed, long countBefore, long ttlMs) {
    }

    /**
     * Counts one request against {@code key} unless its window already holds {@code max}, starting a
     * window of {@code windowMs} if none is open. Check and count are one step for every caller
     * sharing the store, so concurrent requests can never all read the same count and all pass.
     *
     * @throws RuntimeException when the store cannot be reached; callers fail open
     */
    Take take(String key, long max, long windowMs);

    /**
     * Takes back one counted request of the open window (never below 0), leaving the window's end
     * where it is.
     *
     * @throws RuntimeException when the store cannot be reached; callers ignore it
     */
    void giveBack(String key);

    /** For the startup log. */
    String describe();

    @Override
    default void close() {
    }
}
