package io.ocmt.reference;

import java.util.List;

/**
 * The environment switches that each break exactly one control of the hardened server.
 * Unset (or empty) means hardened.
 */
public enum Switch {
    HSTS("BREAK_HSTS", "missing", "short"),
    CSP("BREAK_CSP", "unsafe-inline", "missing", "report-only"),
    FRAME_OPTIONS("BREAK_FRAME_OPTIONS", "missing"),
    NOSNIFF("BREAK_NOSNIFF", "missing"),
    REFERRER_POLICY("BREAK_REFERRER_POLICY", "unsafe-url"),
    POWERED_BY("BREAK_POWERED_BY", "on"),
    HEALTH("BREAK_HEALTH", "leaky", "text"),
    // Read by io.ocmt.reference.net.ProxyTrust; listed here so the server accepts the variable.
    TRUST_ANY_PROXY("BREAK_TRUST_ANY_PROXY", "1"),
    // Rate limits (io.ocmt.reference.ratelimit): one limiter off, counting per replica, no Retry-After.
    RATE_LIMIT("BREAK_RATE_LIMIT", "strictAuth", "vaultUnlock", "recovery", "generalApi"),
    RATE_LIMIT_PER_REPLICA("BREAK_RATE_LIMIT_PER_REPLICA", "1"),
    RETRY_AFTER("BREAK_RETRY_AFTER", "1");

    /** Every switch variable starts with this, so a misspelt one can be recognised and refused. */
    public static final String PREFIX = "BREAK_";

    private final String variable;
    private final List<String> allowedValues;

    Switch(String variable, String... values) {
        this.variable = variable;
        this.allowedValues = List.of(values);
    }

    public String variable() {
        return variable;
    }

    public List<String> allowedValues() {
        return allowedValues;
    }
}
