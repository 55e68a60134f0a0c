package io.ocmt.reference.api;

import io.ocmt.reference.crypto.Tokens;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** One replica's vault sessions and backoff, for a server without REDIS_URL and for tests. */
final class MemoryVaultSessionStore implements VaultSessionStore {

    private record Entry(VaultSession session, long expiresAtMs) {
    }

    private record Backoff(long failures, long untilMs, long forgetAtMs) {
    }

    private final Clock clock;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final Map<UUID, Backoff> backoff = new ConcurrentHashMap<>();
    private final Map<UUID, Long> attempts = new ConcurrentHashMap<>();

    MemoryVaultSessionStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String create(UUID userId, byte[] key, int ttlSeconds) {
        String token = Tokens.newToken();
        long now = clock.millis();
        sessions.values().removeIf(e -> e.expiresAtMs <= now);
        sessions.put(Tokens.sha256Hex(token), new Entry(new VaultSession(userId, key.clone()), now + ttlSeconds * 1000L));
        return token;
    }

    @Override
    public Optional<VaultSession> find(String token) {
        Entry e = sessions.get(Tokens.sha256Hex(token));
        if (e == null || e.expiresAtMs <= clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(e.session);
    }

    @Override
    public void delete(String token) {
        sessions.remove(Tokens.sha256Hex(token));
    }

    @Override
    public long backoffRemainingMs(UUID userId) {
        Backoff b = backoff.get(userId);
        return b == null ? 0 : Math.max(0, b.untilMs - clock.millis());
    }

    @Override
    public long recordFailure(UUID userId, long baseMs, long maxMs) {
        long now = clock.millis();
        Backoff next = backoff.compute(userId, (id, b) -> {
            long failures = (b == null || b.forgetAtMs <= now ? 0 : b.failures) + 1;
            long window = VaultSessionStore.window(failures, baseMs, maxMs);
            return new Backoff(failures, now + window, now + window + FORGET_AFTER_MS);
        });
        return next.untilMs - now;
    }

    @Override
    public void clearFailures(UUID userId) {
        backoff.remove(userId);
    }

    @Override
    public boolean beginAttempt(UUID userId, long ttlMs) {
        long now = clock.millis();
        long[] claimed = {0};
        attempts.compute(userId, (id, until) -> {
            if (until != null && until > now) {
                return until;
            }
            claimed[0] = 1;
            return now + ttlMs;
        });
        return claimed[0] == 1;
    }

    @Override
    public void endAttempt(UUID userId) {
        attempts.remove(userId);
    }

    @Override
    public void close() {
        sessions.clear();
    }
}
