package io.ocmt.reference.ratelimit;

import java.util.List;
import java.util.Locale;

/**
 * One fixed-window budget: at most {@code max} counted requests per client per {@code windowMs}.
 *
 * @param name               OCMT's limiter name: part of the Redis key, the security event and the
 *                           value of BREAK_RATE_LIMIT
 * @param skipFailedRequests OCMT's option of that name: a request answered with a status of 400 or
 *                           more is given back, so only successful requests use the budget
 */
public record Limiter(String name, long max, long windowMs, boolean skipFailedRequests) {

    public static final String STRICT_AUTH = "strict-auth";
    public static final String LOGIN = "login";
    public static final String VAULT_UNLOCK = "vault-unlock";
    public static final String RECOVERY = "recovery";
    public static final String SESSIONS = "sessions";
    public static final String GENERAL_API = "general-api";

    /** Every limiter, in the order the startup log and the switch's allowed values list them. */
    public static final List<String> NAMES = List.of(STRICT_AUTH, LOGIN, VAULT_UNLOCK, RECOVERY, SESSIONS, GENERAL_API);

    private static final long SECOND = 1000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    public Limiter {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no limiter named " + name);
        }
        if (max < 1 || windowMs < 1) {
            throw new IllegalArgumentException(name + ": max and window must be positive");
        }
    }

    /** The infix of its RATE_LIMIT_&lt;INFIX&gt;_MAX / _WINDOW_MS variables, e.g. STRICT_AUTH. */
    public String envName() {
        return envName(name);
    }

    static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * OCMT's "error" text of this limiter's 429. Where OCMT's text names the window, this one names
     * the window actually in force, so a shortened or checklist window never reads as OCMT's.
     */
    public String message() {
        return switch (name) {
            case STRICT_AUTH -> "Too many authentication attempts. Please try again in " + duration(windowMs) + ".";
            case LOGIN -> "Too many login attempts. Please try again in " + duration(windowMs) + ".";
            case VAULT_UNLOCK -> "Too many vault unlock attempts. Please try again in " + duration(windowMs) + ".";
            case RECOVERY -> "Too many recovery attempts. Please try again in " + duration(windowMs) + ".";
            case SESSIONS -> "Too many session management requests. Please try again later.";
            default -> "API rate limit exceeded. Please slow down.";
        };
    }

    /** "15 minutes", "1 hour", "20 seconds": the largest unit that divides the window, seconds rounded up. */
    static String duration(long ms) {
        if (ms % HOUR == 0) {
            return plural(ms / HOUR, "hour");
        }
        if (ms % MINUTE == 0) {
            return plural(ms / MINUTE, "minute");
        }
        return plural((ms + SECOND - 1) / SECOND, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
