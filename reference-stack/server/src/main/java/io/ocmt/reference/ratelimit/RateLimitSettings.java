package io.ocmt.reference.ratelimit;

import io.ocmt.reference.ConfigurationException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rate-limit configuration read from the environment.
 *
 * <p>Defaults are the hardening checklist's policy (the suite's default), not today's OCMT code:
 * a reference stack that passes with OCMT's looser limits would hide exactly the gap the suite
 * is meant to report.
 */
public final class RateLimitSettings {

    public static final String REDIS_URL = "REDIS_URL";
    public static final String SERVICE_NAME = "SERVICE_NAME";
    /** OCMT's management server namespaces its keys with this service name. */
    public static final String DEFAULT_SERVICE = "management";

    private static final long MINUTE = 60_000L;

    /** Checklist: authentication 5 / 15 min, vault unlock 5 / 15 min, password reset 3 / 1 h, API 100 / 15 min. */
    public static final List<Limiter> DEFAULTS = List.of(
            new Limiter(Limiter.STRICT_AUTH, 5, 15 * MINUTE),
            new Limiter(Limiter.VAULT_UNLOCK, 5, 15 * MINUTE),
            new Limiter(Limiter.RECOVERY, 3, 60 * MINUTE),
            new Limiter(Limiter.GENERAL_API, 100, 15 * MINUTE));

    private final Map<String, Limiter> limiters;
    private final String service;
    private final URI redisUrl;

    private RateLimitSettings(Map<String, Limiter> limiters, String service, URI redisUrl) {
        this.limiters = Map.copyOf(limiters);
        this.service = service;
        this.redisUrl = redisUrl;
    }

    /** @throws ConfigurationException naming the variable; never echoes REDIS_URL, which holds a password */
    public static RateLimitSettings fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, Limiter> limiters = new LinkedHashMap<>();
        for (Limiter d : DEFAULTS) {
            long max = positive(env, "RATE_LIMIT_" + d.envName() + "_MAX", d.max(), problems);
            long window = positive(env, "RATE_LIMIT_" + d.envName() + "_WINDOW_MS", d.windowMs(), problems);
            limiters.put(d.name(), new Limiter(d.name(), Math.max(1, max), Math.max(1, window)));
        }
        String service = blankToNull(env.get(SERVICE_NAME));
        if (service == null) {
            service = DEFAULT_SERVICE;
        } else if (!service.matches("[A-Za-z0-9._-]{1,64}")) {
            problems.add(SERVICE_NAME + " must be 1-64 letters, digits, '.', '_' or '-'; got: " + service);
        }
        URI redis = null;
        String rawRedis = blankToNull(env.get(REDIS_URL));
        if (rawRedis != null) {
            try {
                redis = new URI(rawRedis);
                if (!("redis".equals(redis.getScheme()) || "rediss".equals(redis.getScheme()))
                        || redis.getHost() == null) {
                    problems.add(REDIS_URL + " must look like redis://:password@host:6379");
                    redis = null;
                }
            } catch (URISyntaxException e) {
                problems.add(REDIS_URL + " is not a URL of the form redis://:password@host:6379");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
        return new RateLimitSettings(limiters, service, redis);
    }

    /** The checklist defaults, in memory, service "management": for tests. */
    public static RateLimitSettings defaults() {
        return fromEnvironment(Map.of());
    }

    public Limiter limiter(String name) {
        Limiter l = limiters.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no limiter named " + name);
        }
        return l;
    }

    public String service() {
        return service;
    }

    /** Empty means count in process memory, as OCMT does without REDIS_URL. */
    public Optional<URI> redisUrl() {
        return Optional.ofNullable(redisUrl);
    }

    /** For the startup log: the limits, and where Redis is without its password. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Limiter d : DEFAULTS) {
            Limiter l = limiters.get(d.name());
            sb.append(l.name()).append('=').append(l.max()).append('/').append(l.windowMs()).append("ms ");
        }
        sb.append("service=").append(service);
        return sb.toString();
    }

    private static long positive(Map<String, String> env, String name, long fallback, List<String> problems) {
        String raw = blankToNull(env.get(name));
        if (raw == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(raw);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the offending value
        }
        problems.add(name + " must be a positive whole number; got: " + raw);
        return fallback;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
