package io.ocmt.reference.ratelimit;

/** One fixed-window budget: at most {@code max} requests per client per {@code windowMs}. */
public record Limiter(String name, long max, long windowMs) {

    public static final String STRICT_AUTH = "strictAuth";
    public static final String VAULT_UNLOCK = "vaultUnlock";
    public static final String RECOVERY = "recovery";
    public static final String GENERAL_API = "generalApi";

    public Limiter {
        if (max < 1 || windowMs < 1) {
            throw new IllegalArgumentException(name + ": max and window must be positive");
        }
    }

    /** The infix of its RATE_LIMIT_&lt;LIMITER&gt;_MAX / _WINDOW_MS variables. */
    public String envName() {
        return name.toUpperCase(java.util.Locale.ROOT);
    }
}
