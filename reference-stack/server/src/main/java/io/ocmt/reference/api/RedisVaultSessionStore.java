package io.ocmt.reference.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocmt.reference.crypto.SecretBox;
import io.ocmt.reference.crypto.Tokens;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Vault sessions and unlock backoff in Redis, shared by every replica.
 *
 * <p>Sessions live under {@code vault:session:<sha256(token)>} (OCMT's prefix) with the session
 * lifetime as TTL. Unlike OCMT, the key is the token's hash and the vault key is stored encrypted
 * under ENCRYPTION_KEY, so a Redis dump yields neither a usable token nor a vault key.
 */
final class RedisVaultSessionStore implements VaultSessionStore {

    static final String SESSION_PREFIX = "vault:session:";
    static final String BACKOFF_PREFIX = "ocmt:vault:backoff:";
    static final String ATTEMPT_PREFIX = "ocmt:vault:attempt:";

    /**
     * Counting and setting the next window in one script, so concurrent failures on two replicas
     * each double the window instead of overwriting each other.
     */
    private static final String RECORD_FAILURE = String.join("\n",
            "local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)",
            "local base = tonumber(ARGV[1])",
            "local max = tonumber(ARGV[2])",
            "local window = base",
            "for i = 2, failures do",
            "  if window >= max then break end",
            "  window = window * 2",
            "end",
            "if window > max then window = max end",
            "redis.call('HSET', KEYS[1], 'until', tonumber(ARGV[3]) + window)",
            "redis.call('PEXPIRE', KEYS[1], window + tonumber(ARGV[4]))",
            "return window");

    private final JedisPooled redis;
    private final SecretBox secrets;
    private final Clock clock;

    RedisVaultSessionStore(String redisUrl, SecretBox secrets, Clock clock) {
        this.redis = new JedisPooled(URI.create(redisUrl));
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public String create(UUID userId, byte[] key, int ttlSeconds) {
        String token = Tokens.newToken();
        long now = clock.millis();
        ObjectNode value = Http.MAPPER.createObjectNode();
        value.put("userId", userId.toString());
        value.put("vaultKey", secrets.encrypt(Base64.getEncoder().encodeToString(key)));
        value.put("createdAt", now);
        value.put("expiresAt", now + ttlSeconds * 1000L);
        redis.setex(SESSION_PREFIX + Tokens.sha256Hex(token), ttlSeconds, value.toString());
        return token;
    }

    @Override
    public Optional<VaultSession> find(String token) {
        String raw = redis.get(SESSION_PREFIX + Tokens.sha256Hex(token));
        if (raw == null) {
            return Optional.empty();
        }
        try {
            JsonNode value = Http.MAPPER.readTree(raw);
            if (value.path("expiresAt").asLong(0) <= clock.millis()) {
                return Optional.empty();
            }
            byte[] key = Base64.getDecoder().decode(secrets.decrypt(value.path("vaultKey").asText()));
            return Optional.of(new VaultSession(UUID.fromString(value.path("userId").asText()), key));
        } catch (IOException | IllegalArgumentException e) {
            // Written under another ENCRYPTION_KEY, or not by us: treat as no session.
            return Optional.empty();
        }
    }

    @Override
    public void delete(String token) {
        redis.del(SESSION_PREFIX + Tokens.sha256Hex(token));
    }

    @Override
    public long backoffRemainingMs(UUID userId) {
        String until = redis.hget(BACKOFF_PREFIX + userId, "until");
        if (until == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(until) - clock.millis());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public long recordFailure(UUID userId, long baseMs, long maxMs) {
        Object window = redis.eval(RECORD_FAILURE, List.of(BACKOFF_PREFIX + userId),
                List.of(Long.toString(baseMs), Long.toString(maxMs), Long.toString(clock.millis()),
                        Long.toString(FORGET_AFTER_MS)));
        return window instanceof Long l ? l : Long.parseLong(String.valueOf(window));
    }

    @Override
    public void clearFailures(UUID userId) {
        redis.del(BACKOFF_PREFIX + userId);
    }

    @Override
    public boolean beginAttempt(UUID userId, long ttlMs) {
        return "OK".equals(redis.set(ATTEMPT_PREFIX + userId, "1", SetParams.setParams().nx().px(ttlMs)));
    }

    @Override
    public void endAttempt(UUID userId) {
        redis.del(ATTEMPT_PREFIX + userId);
    }

    @Override
    public void close() {
        redis.close();
    }
}
