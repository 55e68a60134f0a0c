package io.ocmt.reference.ratelimit;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Counters in Redis, shared by every replica: the value is the count as an integer string, the TTL
 * the rest of the window. Each step is one Lua script, so check and count happen atomically; OCMT's
 * GET-then-SET lets concurrent requests read the same count and all pass, which a hardened
 * deployment must not.
 */
public final class RedisCounterStore implements CounterStore {

    /*
     * KEYS[1] the counter, ARGV[1] max, ARGV[2] the window in ms; answers {allowed, countBefore, ttl}.
     * A missing key opens a window with this request (SET PX: the TTL runs from the first count,
     * a fixed window). A key without a TTL (PTTL -1) or with an unreadable value would block its
     * client for ever, so it is treated as a fresh window too. A refusal writes nothing.
     */
    static final String TAKE = """
            local count = tonumber(redis.call('GET', KEYS[1]))
            local ttl = redis.call('PTTL', KEYS[1])
            if count == nil or ttl < 0 then
              redis.call('SET', KEYS[1], 1, 'PX', ARGV[2])
              return {1, 0, tonumber(ARGV[2])}
            end
            if count >= tonumber(ARGV[1]) then
              return {0, count, ttl}
            end
            redis.call('INCR', KEYS[1])
            return {1, count, ttl}
            """;

    /*
     * BREAK_RATE_LIMIT_EXPIRY=1: OCMT's GET-then-SET read and write, with the write a plain SET, which
     * drops the key's TTL. The first count opens a window that expires; every later count writes the
     * key back without one, so once a client has sent two requests its window never ends. The answer
     * still names a whole window where the key has none, as a limiter that assumes one would.
     */
    static final String TAKE_WITHOUT_EXPIRY = """
            local count = tonumber(redis.call('GET', KEYS[1]))
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              ttl = tonumber(ARGV[2])
            end
            if count == nil then
              redis.call('SET', KEYS[1], 1, 'PX', ARGV[2])
              return {1, 0, tonumber(ARGV[2])}
            end
            if count >= tonumber(ARGV[1]) then
              return {0, count, ttl}
            end
            redis.call('SET', KEYS[1], count + 1)
            return {1, count, ttl}
            """;

    /* DECR keeps the key's TTL, so the window still ends when it would have. */
    static final String GIVE_BACK = """
            local count = tonumber(redis.call('GET', KEYS[1]))
            if count ~= nil and count > 0 then
              return redis.call('DECR', KEYS[1])
            end
            return 0
            """;

    /** Short, because every limited request waits for Redis and an outage must fail open quickly. */
    private static final int TIMEOUT_MS = 500;

    private final JedisPooled redis;
    private final String where;
    private final String take;

    public RedisCounterStore(URI url) {
        this(url, true);
    }

    /** @param expiring false for BREAK_RATE_LIMIT_EXPIRY=1: counts are written back without the window's expiry */
    public RedisCounterStore(URI url, boolean expiring) {
        this.take = takeScript(expiring);
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(32);
        pool.setMaxWait(Duration.ofMillis(TIMEOUT_MS));
        this.redis = new JedisPooled(pool, url, TIMEOUT_MS, TIMEOUT_MS);
        this.where = url.getHost() + ":" + (url.getPort() < 0 ? 6379 : url.getPort());
    }

    @Override
    public Take take(String key, long max, long windowMs) {
        Object reply = redis.eval(take, List.of(key), List.of(Long.toString(max), Long.toString(windowMs)));
        if (!(reply instanceof List<?> values) || values.size() != 3) {
            throw new IllegalStateException("unexpected reply from the rate-limit script: " + reply);
        }
        return new Take(((Number) values.get(0)).longValue() == 1, ((Number) values.get(1)).longValue(),
                ((Number) values.get(2)).longValue());
    }

    static String takeScript(boolean expiring) {
        return expiring ? TAKE : TAKE_WITHOUT_EXPIRY;
    }

    @Override
    public void giveBack(String key) {
        redis.eval(GIVE_BACK, List.of(key), List.of());
    }

    @Override
    public String describe() {
        // Host and port only: the URL carries the password.
        return "Redis at " + where + (take.equals(TAKE) ? "" : " (counts written back WITHOUT expiry: BREAK_RATE_LIMIT_EXPIRY)");
    }

    @Override
    public void close() {
        redis.close();
    }
}
