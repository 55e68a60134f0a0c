package io.ocmt.verify.report;

/**
 * What to change on the target when a check fails, where several checks share the fix: each fact
 * is written once here and quoted by the tests' Allure descriptions. Names are OCMT's own
 * variables, tables and routes (see the target notes); nginx lines are for the reference proxy.
 */
public final class Remediation {

    public static final String ADMIN_TOKEN = "Fix: set INTERNAL_ADMIN_TOKEN, which the management server's admin API reads "
            + "from `Authorization: Bearer`, to at least 24 random bytes (`openssl rand -base64 24`) on every replica and "
            + "restart; every /api/admin route must sit behind the admin middleware. (The checklist's ADMIN_TOKEN guards "
            + "only OCMT's separate admin UI; set it too.)";

    public static final String AGENT_TOKEN = "Fix: set AGENT_SERVER_TOKEN on the management server to 32 random bytes (hex); "
            + "its /api/internal routes must take only `Authorization: Bearer <AGENT_SERVER_TOKEN>`. The agent server "
            + "gets the same value as AUTH_TOKEN and checks `x-auth-token` on every route but /health.";

    public static final String ADMIN_ALLOWLIST = "Fix: OCMT has no ADMIN_ALLOWED_IPS variable; its allowlist is the "
            + "admin_ip_allowlist table: list only the operators' egress addresses there, extend its guard from "
            + "/api/admin/security to every admin route the policy names, and set TRUSTED_PROXIES to the real reverse "
            + "proxies only, so X-Forwarded-For cannot claim an allowed address.";

    public static final String SESSION_REJECTION = "Fix: the session middleware must accept only the `ocmt_session` cookie or "
            + "X-Session-Token, look the SHA-256 of the token up in `sessions`, and answer 401 for anything else "
            + "(query-string and Bearer tokens included); logout, revoke and eviction must delete the row.";

    public static final String SESSION_LIFETIME = "Fix: set USER_SESSION_TIMEOUT_MS to the policy's lifetime (checklist: "
            + "604800000, 7 days, or shorter) on every replica; the check is on the session's age from creation, and the "
            + "cookie's Max-Age/Expires and the sessions list's expiresAt must use the same value.";

    public static final String SESSION_LIMIT = "Fix: set MAX_SESSIONS_PER_USER (checklist: 5); a new login must delete the "
            + "least recently active sessions beyond it.";

    public static final String MAGIC_LINK = "Fix: the verify route must consume the `magic_links` row (mark used or delete) in "
            + "the same transaction that creates the session, refuse rows past their expiry (OCMT: 15 min; ASVS: 10 min), "
            + "and answer every bad token with 400 `Invalid or expired magic link`.";

    public static final String TLS_NGINX = "Fix (nginx): `ssl_protocols TLSv1.2 TLSv1.3;`, `ssl_ciphers` set to Mozilla's "
            + "intermediate list (ECDHE with AES-GCM or CHACHA20-POLY1305 only; no CBC, static RSA, CAMELLIA, ARIA, 3DES), "
            + "`ssl_ecdh_curve X25519:prime256v1:secp384r1;`; on a cloud load balancer, pick its TLS 1.2+ GCM-only policy.";

    public static final String CERTIFICATE = "Fix: serve a certificate from a publicly trusted CA for the target's host name, "
            + "RSA >= 2048 or EC >= 256 bits, SHA-256 or better, at most 398 days, renewed automatically (ACME) well before "
            + "the 30-day failure threshold.";

    public static final String HTTPS_REDIRECT = "Fix (nginx): `server { listen 80; return 301 https://$host$request_uri; }`; "
            + "OCMT itself redirects only when X-Forwarded-Proto is not https, so the proxy must set it.";

    public static final String REDIRECT_OWN_HOST = "Fix: build the redirect from the deployment's own name, never from the "
            + "request: nginx `server_name ocmt.example; return 301 https://ocmt.example$request_uri;` (not `$host`, which "
            + "is the Host header the client sent, nor `$http_x_forwarded_host`), or a "
            + "`default_server` that refuses unknown names (`return 444;`); where OCMT itself redirects, from APP_URL, not "
            + "req.hostname, which Express takes from X-Forwarded-Host once `trust proxy` is on.";

    public static final String HELMET_HEADERS = "Fix: OCMT sets these with helmet in the management server; where a proxy sits "
            + "in front, it must pass them through (nginx: no `proxy_hide_header`) and not add a second copy.";

    public static final String RATE_LIMITS = "Fix: set REDIS_URL on every replica so the limits are shared, TRUSTED_PROXIES to "
            + "the real proxies only (no `TRUST_PROXY=true`), and each limiter's limit and window to the policy's table; "
            + "limited answers must carry RateLimit-* headers, and 429s Retry-After and `RATE_LIMIT_EXCEEDED`.";

    public static final String BACKUPS = "Fix: run a daily `pg_dump` of DATABASE_URL, gzip it and encrypt it with gpg "
            + "(symmetric passphrase from the secrets manager) before it leaves the host, keep 30+ days, and restore one into "
            + "a scratch database regularly.";

    public static final String REDIS_CONF = "Fix (redis.conf or the compose command): `requirepass <secret>` matching "
            + "REDIS_URL=redis://:<secret>@host:6379, `maxmemory 256mb`, `maxmemory-policy volatile-lru`, `appendonly yes`.";

    public static final String SECRETS_AT_REST = "Fix: set ENCRYPTION_KEY on every replica (see the key check) and make every "
            + "write of an integration key, token or vault go through OCMT's AES-256-GCM helper; re-encrypt rows written in "
            + "clear, then rotate the exposed secrets.";

    private Remediation() {
    }

    public static final String CONTAINERS = "Fix (compose): `user: \"1000:1000\"`, `deploy.resources.limits` (memory, cpus), a "
            + "`healthcheck`, and `logging: {driver: json-file, options: {max-size: \"100m\", max-file: \"3\"}}` on every service.";
    public static final String SECURITY_LOG = "Fix: write every failed authentication and every 429 as a security event (OCMT: one JSON "
            + "line with type security_event) to the security log the operators read (checklist: /var/log/ocmt/security.log), "
            + "without tokens, links or passwords.";
    public static final String PRIVATE_NETWORK = "Fix: publish no PostgreSQL or Redis port on a public address (compose: no `ports:` "
            + "for them, or `127.0.0.1:` only), and firewall them to the application's private network.";
}
