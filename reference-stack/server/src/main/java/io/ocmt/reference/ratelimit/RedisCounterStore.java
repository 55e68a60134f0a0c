package io.ocmt.reference.ratelimit;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Counters in Redis, shared by every replica. One Lua script does the increment and the expiry in
 * a single step: OCMT's GET-then-SET lets concurrent requests read the same count and all pass.
 */
public final class RedisCounterStore implements CounterStore {

    /*
     * PEXPIRE only on the first hit makes it a fixed window. A key that somehow lost its TTL
     * (PTTL -1) would otherwise block its client for ever, so it gets a fresh window instead.
     */
    static final String SCRIPT = """
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {count, ttl}
            """;

    /** Short, because every limited request waits for Redis and an outage must fail open quickly. */
    private static final int TIMEOUT_MS = 500;

    private final JedisPooled redis;
    private final String where;

    public RedisCounterStore(URI url) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(32);
        pool.setMaxWait(Duration.ofMillis(TIMEOUT_MS));
        this.redis = new JedisPooled(pool, url, TIMEOUT_MS, TIMEOUT_MS);
        this.where = url.getHost() + ":" + (url.getPort() < 0 ? 6379 : url.getPort());
    }

    @Override
    public Count hit(String key, long windowMs) {
        Object reply = redis.eval(SCRIPT, List.of(key), List.of(Long.toString(windowMs)));
        if (!(reply instanceof List<?> values) || values.size() != 2) {
            throw new IllegalStateException("unexpected reply from the rate-limit script: " + reply);
        }
        return new Count(((Number) values.get(0)).longValue(), ((Number) values.get(1)).longValue());
    }

    @Override
    public String describe() {
        // Host and port only: the URL carries the password.
        return "Redis at " + where;
    }

    @Override
    public void close() {
        redis.close();
    }
}
