package io.ocmt.reference;

import io.ocmt.reference.ratelimit.Limiter;

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
    // degraded: /health answers 503 while the agent relay is down, as a health route that depends on it does.
    HEALTH("BREAK_HEALTH", "leaky", "text", "degraded"),
    // helmet's cross-origin isolation loosened for OAuth popups, and its Flash/PDF policy header turned off.
    COOP("BREAK_COOP", "allow-popups"),
    CROSS_DOMAIN_POLICIES("BREAK_CROSS_DOMAIN_POLICIES", "missing"),
    // Read by io.ocmt.reference.net.ProxyTrust; listed here so the server accepts the variable.
    TRUST_ANY_PROXY("BREAK_TRUST_ANY_PROXY", "1"),
    // Rate limits (io.ocmt.reference.ratelimit): one limiter off (by its OCMT name), counting per
    // replica, no Retry-After.
    RATE_LIMIT("BREAK_RATE_LIMIT", Limiter.NAMES),
    RATE_LIMIT_PER_REPLICA("BREAK_RATE_LIMIT_PER_REPLICA", "1"),
    RETRY_AFTER("BREAK_RETRY_AFTER", "1"),
    // Counts in Redis written back with a plain SET, which drops the window's expiry.
    RATE_LIMIT_EXPIRY("BREAK_RATE_LIMIT_EXPIRY", "1"),
    // Read by io.ocmt.reference.api: each breaks one control of sessions, secrets or access.
    SESSION_LIFETIME("BREAK_SESSION_LIFETIME", "1", "long"),
    LOGOUT("BREAK_LOGOUT", "1"),
    MAGIC_LINK_REUSE("BREAK_MAGIC_LINK_REUSE", "1"),
    SESSION_LIMIT("BREAK_SESSION_LIMIT", "1"),
    SESSION_FIXATION("BREAK_SESSION_FIXATION", "1"),
    ADMIN_GUARD("BREAK_ADMIN_GUARD", "1"),
    ADMIN_IP_ALLOWLIST("BREAK_ADMIN_IP_ALLOWLIST", "1"),
    SECRETS_PLAINTEXT("BREAK_SECRETS_PLAINTEXT", "1"),
    SESSION_TOKENS_RAW("BREAK_SESSION_TOKENS_RAW", "1"),
    QUERY_TOKEN("BREAK_QUERY_TOKEN", "1"),
    ENUMERATION("BREAK_ENUMERATION", "1"),
    CSRF("BREAK_CSRF", "1"),
    // The session cookie written by hand, without OCMT's attributes (Secure, HttpOnly, SameSite) and on /api only.
    SESSION_COOKIE("BREAK_SESSION_COOKIE", "loose"),
    // Magic links: the expiry never checked; errors answered as in development mode.
    MAGIC_LINK_EXPIRY("BREAK_MAGIC_LINK_EXPIRY", "1"),
    MAGIC_LINK_ERRORS("BREAK_MAGIC_LINK_ERRORS", "development"),
    // Session credentials: /api/auth/me with optional authentication, a Bearer header accepted, tokens
    // compared on their first half only, revocation that answers 200 and revokes nothing.
    ME_AUTH("BREAK_ME_AUTH", "optional"),
    BEARER_SESSION("BREAK_BEARER_SESSION", "1"),
    SESSION_TOKEN_CHECK("BREAK_SESSION_TOKEN_CHECK", "first-half"),
    SESSION_REVOKE("BREAK_SESSION_REVOKE", "by-id", "others"),
    // The internal API's Bearer check fails open; failed vault unlocks get no backoff.
    INTERNAL_GUARD("BREAK_INTERNAL_GUARD", "1"),
    VAULT_BACKOFF("BREAK_VAULT_BACKOFF", "1"),
    // Security events reach stdout only, never the security log file operators read (SecurityLog).
    SECURITY_LOG("BREAK_SECURITY_LOG", "1");

    /** Every switch variable starts with this, so a misspelt one can be recognised and refused. */
    public static final String PREFIX = "BREAK_";

    private final String variable;
    private final List<String> allowedValues;

    Switch(String variable, String... values) {
        this(variable, List.of(values));
    }

    Switch(String variable, List<String> values) {
        this.variable = variable;
        this.allowedValues = List.copyOf(values);
    }

    public String variable() {
        return variable;
    }

    public List<String> allowedValues() {
        return allowedValues;
    }
}
