package io.ocmt.verify.referencestack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every way the reference stack can be started with one hardening control broken. Each switch sets
 * one or more environment variables, each on one component (one control can need two containers to
 * agree, e.g. per-replica counters and nginx pinning clients to a replica); the README's switch
 * table lists exactly these, and a unit test keeps the two in step.
 */
public enum Switch {
    HSTS_MISSING(Component.SERVER, "BREAK_HSTS", "missing", "Strict-Transport-Security is not sent"),
    HSTS_SHORT(Component.SERVER, "BREAK_HSTS", "short", "HSTS max-age=86400 without includeSubDomains and preload"),
    CSP_UNSAFE_INLINE(Component.SERVER, "BREAK_CSP", "unsafe-inline", "CSP script-src allows 'unsafe-inline'"),
    CSP_MISSING(Component.SERVER, "BREAK_CSP", "missing", "no Content-Security-Policy"),
    CSP_REPORT_ONLY(Component.SERVER, "BREAK_CSP", "report-only", "CSP sent only as Content-Security-Policy-Report-Only"),
    FRAME_OPTIONS_MISSING(Component.SERVER, "BREAK_FRAME_OPTIONS", "missing", "X-Frame-Options is not sent"),
    NOSNIFF_MISSING(Component.SERVER, "BREAK_NOSNIFF", "missing", "X-Content-Type-Options is not sent"),
    REFERRER_UNSAFE(Component.SERVER, "BREAK_REFERRER_POLICY", "unsafe-url", "Referrer-Policy: unsafe-url"),
    POWERED_BY(Component.SERVER, "BREAK_POWERED_BY", "on", "X-Powered-By: Express is sent"),
    COOP_ALLOW_POPUPS(Component.SERVER, "BREAK_COOP", "allow-popups", "Cross-Origin-Opener-Policy: same-origin-allow-popups (loosened for OAuth popups)"),
    CROSS_DOMAIN_POLICIES_MISSING(Component.SERVER, "BREAK_CROSS_DOMAIN_POLICIES", "missing", "X-Permitted-Cross-Domain-Policies is not sent"),
    HEALTH_LEAKY(Component.SERVER, "BREAK_HEALTH", "leaky", "/health shows runtime versions and the Redis URL with its password"),
    HEALTH_TEXT(Component.SERVER, "BREAK_HEALTH", "text", "/health answers text/plain instead of JSON"),
    HEALTH_DEGRADED(Component.SERVER, "BREAK_HEALTH", "degraded", "/health answers 503 while the agent relay is down"),
    MAGIC_LINK_REUSE(Component.SERVER, "BREAK_MAGIC_LINK_REUSE", "1", "magic links can be used more than once"),
    MAGIC_LINK_EXPIRY(Component.SERVER, "BREAK_MAGIC_LINK_EXPIRY", "1", "magic links never expire"),
    MAGIC_LINK_ERRORS(Component.SERVER, "BREAK_MAGIC_LINK_ERRORS", "development", "magic-link errors as in development mode: a 500 with the error's detail for a malformed token, 'Magic link not found' for an unknown one"),
    LOGIN_LINK_ELSEWHERE(Component.SERVER, "USER_UI_URL", "http://localhost:5173", "USER_UI_URL left at a development address: mailed login links lead to http://localhost:5173"),
    SESSION_COOKIE_LOOSE(Component.SERVER, "BREAK_SESSION_COOKIE", "loose", "the session cookie is set without Secure, HttpOnly and SameSite, on Path=/api"),
    SESSION_LIFETIME(Component.SERVER, "BREAK_SESSION_LIFETIME", "1", "the absolute session lifetime is not enforced"),
    SESSION_LIFETIME_LONG(Component.SERVER, "BREAK_SESSION_LIFETIME", "long", "sessions live 30 times the policy's lifetime (cookie, expiresAt and enforcement agree)"),
    LOGOUT(Component.SERVER, "BREAK_LOGOUT", "1", "logout answers 200 but the session stays valid"),
    SESSION_LIMIT(Component.SERVER, "BREAK_SESSION_LIMIT", "1", "MAX_SESSIONS_PER_USER evicts nothing"),
    SESSION_FIXATION(Component.SERVER, "BREAK_SESSION_FIXATION", "1", "a login adopts a session token the client planted instead of issuing a fresh one"),
    QUERY_TOKEN(Component.SERVER, "BREAK_QUERY_TOKEN", "1", "a session token in the query string is accepted"),
    BEARER_SESSION(Component.SERVER, "BREAK_BEARER_SESSION", "1", "a session token sent as Authorization: Bearer is accepted"),
    SESSION_TOKEN_FIRST_HALF(Component.SERVER, "BREAK_SESSION_TOKEN_CHECK", "first-half", "sessions are found by their token's first 32 characters alone"),
    ME_OPTIONAL_AUTH(Component.SERVER, "BREAK_ME_AUTH", "optional", "GET /api/auth/me answers 200 {\"user\":null} to any request without a live session"),
    REVOKE_BY_ID(Component.SERVER, "BREAK_SESSION_REVOKE", "by-id", "revoking a session by id answers 200 but the session stays valid"),
    REVOKE_OTHERS(Component.SERVER, "BREAK_SESSION_REVOKE", "others", "revoking all other sessions answers 200 but they stay valid"),
    ENUMERATION(Component.SERVER, "BREAK_ENUMERATION", "1", "the login answer tells new addresses from known ones"),
    ADMIN_GUARD(Component.SERVER, "BREAK_ADMIN_GUARD", "1", "admin endpoints answer without a token"),
    ADMIN_IP_ALLOWLIST(Component.SERVER, "BREAK_ADMIN_IP_ALLOWLIST", "1", "the admin_ip_allowlist table is not enforced: any address reaches the admin endpoints it guards"),
    ADMIN_TOKEN_UNSET(Component.SERVER, "INTERNAL_ADMIN_TOKEN", "", "INTERNAL_ADMIN_TOKEN is unset: no Bearer token opens the admin API, the right one neither"),
    INTERNAL_API_OPEN(Component.SERVER, "BREAK_INTERNAL_GUARD", "1", "the internal API (/api/internal) answers without the agent server token"),
    CSRF(Component.SERVER, "BREAK_CSRF", "1", "state-changing requests from foreign origins are accepted"),
    SECRETS_PLAINTEXT(Component.SERVER, "BREAK_SECRETS_PLAINTEXT", "1", "integration API keys are stored in plaintext"),
    SESSION_TOKENS_RAW(Component.SERVER, "BREAK_SESSION_TOKENS_RAW", "1", "session and magic-link tokens are stored raw, not as SHA-256"),
    ENCRYPTION_KEY_PATTERN(Component.SERVER, "ENCRYPTION_KEY", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "ENCRYPTION_KEY is a typed pattern (0123456789abcdef four times), not random"),
    TRUST_ANY_PROXY(Component.SERVER, "BREAK_TRUST_ANY_PROXY", "1", "X-Forwarded-For is trusted from anyone"),
    CHECKLIST_LIMITS(Component.SERVER, "RATE_LIMIT_PROFILE", "checklist", "the server's rate limits as the hardening checklist says where it is stricter than OCMT"),
    RATE_LIMIT_AUTH_OFF(Component.SERVER, "BREAK_RATE_LIMIT", "strict-auth", "the magic-link verification rate limit is off"),
    RATE_LIMIT_GENERAL_OFF(Component.SERVER, "BREAK_RATE_LIMIT", "general-api", "the general API rate limit is off"),
    RATE_LIMIT_PER_REPLICA(Component.SERVER, "BREAK_RATE_LIMIT_PER_REPLICA", "1", "rate limits are counted per replica, not in Redis"),
    RATE_LIMIT_IN_MEMORY("rate limits are counted in process memory, not Redis, with each client pinned to one replica so every limit still holds",
            new Setting(Component.SERVER, "BREAK_RATE_LIMIT_PER_REPLICA", "1"), new Setting(Component.NGINX, "UPSTREAM_BALANCE", "ip-hash")),
    RETRY_AFTER_MISSING(Component.SERVER, "BREAK_RETRY_AFTER", "1", "429 answers carry no Retry-After"),
    VAULT_BACKOFF_OFF(Component.SERVER, "BREAK_VAULT_BACKOFF", "1", "failed vault unlocks start no backoff"),
    RATE_LIMIT_NO_EXPIRY(Component.SERVER, "BREAK_RATE_LIMIT_EXPIRY", "1", "rate-limit counts are written back to Redis without expiry: a window two requests in never ends"),
    VERIFY_WINDOW_20S(Component.SERVER, "RATE_LIMIT_STRICT_AUTH_WINDOW_MS", "20000", "none: the magic-link verification window is 20 s instead of 15 minutes, so a run can wait it out"),
    NO_HTTPS_REDIRECT(Component.NGINX, "HTTP_MODE", "plain", "port 80 serves the application over plain HTTP"),
    REDIRECT_302(Component.NGINX, "HTTP_MODE", "redirect-302", "port 80 redirects with a temporary 302"),
    REDIRECT_FOLLOWS_HOST(Component.NGINX, "HTTP_MODE", "redirect-follows-host", "port 80 redirects to the host named by X-Forwarded-Host or Host, not the public host"),
    SERVER_VERSION(Component.NGINX, "SERVER_TOKENS", "on", "the Server header carries nginx's version"),
    HTTP_HOP_BANNER(Component.NGINX, "HTTP_BANNER", "on", "the port-80 answers carry nginx's version in Server and X-Powered-By: Express"),
    TLS_LEGACY_PROTOCOLS(Component.NGINX, "TLS_PROFILE", "legacy-protocols", "TLS 1.0 and 1.1 accepted (with the CBC suites they need)"),
    TLS_CBC(Component.NGINX, "TLS_PROFILE", "cbc", "TLS 1.2 CBC suites accepted"),
    TLS_STATIC_RSA(Component.NGINX, "TLS_PROFILE", "static-rsa", "static-RSA key exchange accepted (no forward secrecy)"),
    TLS_ARIA(Component.NGINX, "TLS_PROFILE", "aria", "ARIA suites accepted"),
    TLS_PERMISSIVE(Component.NGINX, "TLS_PROFILE", "permissive", "everything nginx's OpenSSL can do: TLS 1.0-1.3, ALL:@SECLEVEL=0"),
    TLS_NO_TLS13(Component.NGINX, "TLS_PROFILE", "no-tls13", "TLS 1.3 is not offered: every client gets TLS 1.2"),
    TLS_EXTRA_GROUPS(Component.NGINX, "TLS_GROUPS", "extra", "key-exchange groups beyond X25519, prime256v1, secp384r1: secp521r1, X448, ffdhe2048, secp224r1"),
    CERT_WRONG_HOST(Component.CERTIFICATE, "CERT_HOSTS", "other.example", "the certificate is issued for another host"),
    CERT_EXPIRING(Component.CERTIFICATE, "CERT_DAYS_LEFT", "10", "the certificate expires in 10 days"),
    CERT_LEGACY("a legacy CA's certificate: valid 825 days, RSA 1024, SHA-1 (nginx at OpenSSL security level 0 to serve it)",
            new Setting(Component.CERTIFICATE, "CERT_PROFILE", "legacy"), new Setting(Component.NGINX, "TLS_SECURITY_LEVEL", "0")),
    BACKUP_UNENCRYPTED(Component.BACKUP, "BREAK_BACKUP", "unencrypted", "backups are written as plain gzipped SQL"),
    BACKUP_STALE(Component.BACKUP, "BREAK_BACKUP", "stale", "the newest backup is 3 days old and no more are made"),
    BACKUP_CORRUPT(Component.BACKUP, "BREAK_BACKUP", "corrupt", "the backup file is truncated to half its size"),
    REDIS_NO_PASSWORD(Component.REDIS, "BREAK_REDIS_PASSWORD", "1", "Redis accepts commands without a password"),
    REDIS_DEFAULTS(Component.REDIS, "BREAK_REDIS_CONFIG", "defaults", "Redis as Debian ships it: appendonly no, no maxmemory, noeviction"),
    POSTGRES_PLAINTEXT(Component.POSTGRES, "BREAK_POSTGRES_PLAINTEXT", "1", "PostgreSQL accepts network connections without TLS"),
    SECURITY_LOG_OFF(Component.SERVER, "BREAK_SECURITY_LOG", "1", "security events reach the servers' stdout only, never the security log file"),
    CONTAINER_DEFAULTS(Component.DOCKER, "CONTAINER_DEFAULTS", "server-2", "server-2 created as a bare docker run would: as root, without memory or CPU limits, health check or log rotation"),
    POSTGRES_PUBLIC(Component.DOCKER, "PUBLISH_POSTGRES", "public-host", "PostgreSQL published on the public host (127.0.0.1) at the port the stack keeps for it");

    /** The containers a switch can change; DOCKER: how the stack creates them, read by the stack itself, not an environment variable. */
    public enum Component { SERVER, NGINX, POSTGRES, REDIS, BACKUP, CERTIFICATE, DOCKER }

    /** One environment variable set on one component's container. */
    public record Setting(Component component, String variable, String value) {
        /** {@code BREAK_HSTS=missing on server}, as the switch list prints it. */
        @Override
        public String toString() {
            return variable + "=" + value + " on " + component.name().toLowerCase(Locale.ROOT);
        }
    }

    private final List<Setting> settings;
    private final String breaks;

    Switch(Component component, String variable, String value, String breaks) {
        this(breaks, new Setting(component, variable, value));
    }

    Switch(String breaks, Setting... settings) {
        this.settings = List.of(settings);
        this.breaks = breaks;
    }

    /** The name used on the command line and in self-tests: hsts-missing, no-https-redirect. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public List<Setting> settings() {
        return settings;
    }

    /** What this switch sets on a component; only for a component it is known to change. */
    public String value(Component component) {
        return settings.stream().filter(s -> s.component() == component).map(Setting::value).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(id() + " sets nothing on " + component));
    }

    public String breaks() {
        return breaks;
    }

    public static Switch byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id().equals(id.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown switch '" + id + "'. Known switches: "
                        + Arrays.stream(values()).map(Switch::id).collect(Collectors.joining(", "))));
    }

    public static Set<Switch> byIds(Collection<String> ids) {
        Set<Switch> switches = ids.stream().map(Switch::byId).collect(Collectors.toCollection(() -> java.util.EnumSet.noneOf(Switch.class)));
        // Two switches on one variable would silently cancel each other.
        Map<String, List<Switch>> byVariable = new TreeMap<>();
        for (Switch s : switches) {
            for (Setting setting : s.settings) {
                String variable = setting.variable() + " on " + setting.component().name().toLowerCase(Locale.ROOT);
                byVariable.computeIfAbsent(variable, k -> new ArrayList<>()).add(s);
            }
        }
        byVariable.forEach((variable, v) -> {
            if (v.size() > 1) {
                throw new IllegalArgumentException("Switches " + v.stream().map(Switch::id).toList()
                        + " set the same variable (" + variable + "); choose one.");
            }
        });
        return switches;
    }
}
