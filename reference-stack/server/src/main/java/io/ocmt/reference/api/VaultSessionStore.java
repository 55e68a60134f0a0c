package io.ocmt.reference.api;

import java.util.Optional;
import java.util.UUID;

/**
 * Unlocked vault sessions and the per-user unlock backoff. Both replicas must see the same state,
 * so production uses Redis; the in-memory store serves a single replica without REDIS_URL, and tests.
 */
interface VaultSessionStore extends AutoCloseable {

    record VaultSession(UUID userId, byte[] key) {
    }

    /** Stores the unlocked key under a new random token and answers the token. */
    String create(UUID userId, byte[] key, int ttlSeconds);

    Optional<VaultSession> find(String token);

    void delete(String token);

    /** Milliseconds until the user may try again; 0 when not backing off. */
    long backoffRemainingMs(UUID userId);

    /**
     * Counts a failed unlock and starts the next backoff window: base, 2 x base, 4 x base ... capped
     * at max. Answers the window in milliseconds.
     */
    long recordFailure(UUID userId, long baseMs, long maxMs);

    void clearFailures(UUID userId);

    /**
     * Claims the user's single unlock slot for at most {@code ttlMs}; false while another attempt
     * holds it. Without this, many wrong passwords sent at once would all pass the backoff check
     * before the first failure is recorded.
     */
    boolean beginAttempt(UUID userId, long ttlMs);

    void endAttempt(UUID userId);

    @Override
    void close();

    /** Failures are forgotten this long after the last window ends, as a rate-limit window would. */
    long FORGET_AFTER_MS = 15 * 60 * 1000L;

    static long window(long failures, long baseMs, long maxMs) {
        long d = baseMs;
        for (long i = 1; i < failures && d < maxMs; i++) {
            d = d > maxMs / 2 ? maxMs : d * 2;
        }
        return Math.min(d, maxMs);
    }
}
