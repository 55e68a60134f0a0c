package io.ocmt.reference.ratelimit;

import io.ocmt.reference.ConfigurationException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.ocmt.reference.ratelimit.Limiter.GENERAL_API;
import static io.ocmt.reference.ratelimit.Limiter.LOGIN;
import static io.ocmt.reference.ratelimit.Limiter.RECOVERY;
import static io.ocmt.reference.ratelimit.Limiter.SESSIONS;
import static io.ocmt.reference.ratelimit.Limiter.STRICT_AUTH;
import static io.ocmt.reference.ratelimit.Limiter.VAULT_UNLOCK;

/**
 * The rate-limit configuration read from the environment: a profile of defaults, then
 * RATE_LIMIT_&lt;INFIX&gt;_MAX / _WINDOW_MS for single limiters.
 */
public final class RateLimitSettings {

    public static final String REDIS_URL = "REDIS_URL";
    public static final String SERVICE_NAME = "SERVICE_NAME";
    public static final String PROFILE = "RATE_LIMIT_PROFILE";
    /** OCMT's management server namespaces its keys with this service name. */
    public static final String DEFAULT_SERVICE = "management";

    private static final String PREFIX = "RATE_LIMIT_";
    private static final long MINUTE = 60_000L;

    /** Which defaults the limiters start from. */
    public enum Profile {
        /**
         * OCMT's code (lib/rate-limit.js and routes/sessions.js at d7eab6c0): the stand-in behaves
         * like the real management server, so a suite run against it sees what a run against OCMT
         * would see.
         */
        OCMT("ocmt", List.of(
                new Limiter(STRICT_AUTH, 5, 15 * MINUTE, false),
                new Limiter(LOGIN, 10, 15 * MINUTE, false),
                new Limiter(VAULT_UNLOCK, 5, 15 * MINUTE, false),
                new Limiter(RECOVERY, 3, 30 * MINUTE, false),
                new Limiter(SESSIONS, 20, 15 * MINUTE, false),
                new Limiter(GENERAL_API, 1000, 60 * MINUTE, true))),
        /**
         * The hardening checklist where it is stricter than OCMT: authentication 5 / 15 min (login
         * and verify alike), API 100 / 15 min counting every request, password reset 3 / 1 h.
         * Vault unlock and session management have no stricter checklist row and stay OCMT's.
         */
        CHECKLIST("checklist", List.of(
                new Limiter(STRICT_AUTH, 5, 15 * MINUTE, false),
                new Limiter(LOGIN, 5, 15 * MINUTE, false),
                new Limiter(VAULT_UNLOCK, 5, 15 * MINUTE, false),
                new Limiter(RECOVERY, 3, 60 * MINUTE, false),
                new Limiter(SESSIONS, 20, 15 * MINUTE, false),
                new Limiter(GENERAL_API, 100, 15 * MINUTE, false)));

        private final String value;
        private final List<Limiter> limiters;

        Profile(String value, List<Limiter> limiters) {
            this.value = value;
            this.limiters = limiters;
        }

        public String value() {
            return value;
        }

        public List<Limiter> limiters() {
            return limiters;
        }

        static String allowed() {
            return Arrays.stream(values()).map(Profile::value).collect(Collectors.joining(", "));
        }
    }

    private final Profile profile;
    private final Map<String, Limiter> limiters;
    private final String service;
    private final URI redisUrl;

    private RateLimitSettings(Profile profile, Map<String, Limiter> limiters, String service, URI redisUrl) {
        this.profile = profile;
        this.limiters = Map.copyOf(limiters);
        this.service = service;
        this.redisUrl = redisUrl;
    }

    /** @throws ConfigurationException naming the variable; never echoes REDIS_URL, which holds a password */
    public static RateLimitSettings fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Profile profile = profile(env.get(PROFILE), problems);
        problems.addAll(unknownVariables(env));
        Map<String, Limiter> limiters = new LinkedHashMap<>();
        for (Limiter d : profile.limiters()) {
            long max = positive(env, PREFIX + d.envName() + "_MAX", d.max(), problems);
            long window = positive(env, PREFIX + d.envName() + "_WINDOW_MS", d.windowMs(), problems);
            limiters.put(d.name(), new Limiter(d.name(), max, window, d.skipFailedRequests()));
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
        return new RateLimitSettings(profile, limiters, service, redis);
    }

    /** OCMT's profile, in memory, service "management": for tests. */
    public static RateLimitSettings defaults() {
        return fromEnvironment(Map.of());
    }

    public Profile profile() {
        return profile;
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

    /** For the startup log: the profile and every limit, never Redis's password. */
    public String describe() {
        StringBuilder sb = new StringBuilder("profile ").append(profile.value()).append(": ");
        for (String name : Limiter.NAMES) {
            Limiter l = limiters.get(name);
            sb.append(l.name()).append('=').append(l.max()).append('/').append(l.windowMs()).append("ms");
            if (l.skipFailedRequests()) {
                sb.append(" (failed requests not counted)");
            }
            sb.append(", ");
        }
        sb.append("service=").append(service);
        return sb.toString();
    }

    private static Profile profile(String raw, List<String> problems) {
        String value = blankToNull(raw);
        if (value == null) {
            return Profile.OCMT;
        }
        for (Profile p : Profile.values()) {
            if (p.value().equals(value)) {
                return p;
            }
        }
        problems.add(PROFILE + "=" + value + " is not a known profile; use one of " + Profile.allowed()
                + " (or leave it unset for ocmt)");
        return Profile.OCMT;
    }

    /**
     * A misspelt override (or one of the old names such as RATE_LIMIT_STRICTAUTH_MAX) would silently
     * leave a limit at its default, so every RATE_LIMIT_* variable must be one this server reads.
     */
    private static List<String> unknownVariables(Map<String, String> env) {
        TreeSet<String> known = new TreeSet<>();
        known.add(PROFILE);
        for (String name : Limiter.NAMES) {
            known.add(PREFIX + Limiter.envName(name) + "_MAX");
            known.add(PREFIX + Limiter.envName(name) + "_WINDOW_MS");
        }
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith(PREFIX) && !known.contains(name)) {
                problems.add(name + " is not a known rate-limit variable; known: " + String.join(", ", known));
            }
        }
        return problems;
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
