package io.ocmt.verify.selftest;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.ratelimit.LimitedEndpoint;
import io.ocmt.verify.suites.AdminGuardIT;
import io.ocmt.verify.suites.BackupIT;
import io.ocmt.verify.suites.ContainerSecurityIT;
import io.ocmt.verify.suites.CsrfOriginIT;
import io.ocmt.verify.suites.DataStoreIT;
import io.ocmt.verify.suites.HealthCheckIT;
import io.ocmt.verify.suites.HttpsRedirectIT;
import io.ocmt.verify.suites.MagicLinkAuthIT;
import io.ocmt.verify.suites.PrivateNetworkIT;
import io.ocmt.verify.suites.RateLimitIT;
import io.ocmt.verify.suites.RateLimitLoggingIT;
import io.ocmt.verify.suites.SecretsAtRestIT;
import io.ocmt.verify.suites.SecurityLogIT;
import io.ocmt.verify.suites.SecurityHeadersIT;
import io.ocmt.verify.suites.SessionLifetimeIT;
import io.ocmt.verify.suites.TlsIT;
import io.ocmt.verify.suites.TokenRejectionIT;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every self-test, one row each: a reference stack with the row's switches (and configuration
 * overrides), the real suite run against it (all its tests, or the few the row names), exactly the
 * tests the row lists failing, each failure containing the row's fragments, and nothing else failing
 * or left unverified but what the row declares. {@link SelfTestsIT} runs the rows;
 * {@code SelfTestTableTest} keeps the table complete (every switch has a row, every check fails in
 * some row or is {@link #UNPROVEN} with the reason) and the README's account of it in step.
 */
final class SelfTestTable {

    /** RateLimitIT's dynamic tests, as it names them. */
    static final String EXACT = ": exactly the limit passes, summed over every replica, and the next request gets 429";
    static final String NO_BYPASS = ": forwarding headers and other spellings of the path get no fresh budget";
    static final String BACKOFF = "vault unlock (POST " + LimitedEndpoint.VAULT_UNLOCK + "): the wait grows after each failed unlock";
    private static final String LOGIN = "authentication (login) (POST /api/auth/login)";
    private static final String VERIFY = "authentication (magic link) (GET /api/auth/verify)";
    private static final String LOGIN_EXACT = LOGIN + EXACT;
    private static final String VERIFY_EXACT = VERIFY + EXACT;
    private static final String UNLOCK_EXACT = "vault unlock (POST /api/vault/unlock)" + EXACT;
    private static final String RECOVER_EXACT = "vault recovery (POST /api/vault/recover)" + EXACT;
    private static final String GENERAL_EXACT = "api general (GET /api/auth/me)" + EXACT;
    private static final String BYPASS = VERIFY + NO_BYPASS;
    /** OCMT's windows (15 minutes and longer) are longer than a run may wait: never judged on this stack. */
    private static final String WINDOWS = "windowsEnd";

    /** TokenRejectionIT's cases, as it names them. */
    static final String NO_TOKEN = "no token";
    static final String EMPTY = "empty token";
    static final String RANDOM = "random 64-hex token";
    static final String TRUNCATED = "truncated token";
    static final String CHANGED = "token with one character changed";
    static final String QUERY = "live token in the query string";
    static final String BEARER = "live token as a Bearer header";
    static final String REVOKED = "revoked token";
    static final String LOGGED_OUT = "logged-out token";
    static final String EVICTED = "token of an evicted session";
    static final List<String> TOKEN_CASES = List.of(NO_TOKEN, EMPTY, RANDOM, TRUNCATED, CHANGED, QUERY, BEARER, REVOKED, LOGGED_OUT, EVICTED);

    /** The checklist's own rate-limit table (defaults.yaml), as a policy override. */
    private static final Map<String, String> CHECKLIST_POLICY = Map.of("policy.rateLimits", "["
            + "{name: authentication (login), method: POST, path: /api/auth/login, limit: 5, windowSeconds: 900}, "
            + "{name: authentication (magic link), method: GET, path: /api/auth/verify, limit: 5, windowSeconds: 900}, "
            + "{name: vault unlock, method: POST, path: /api/vault/unlock, limit: 5, windowSeconds: 900}, "
            + "{name: api general, method: GET, path: /api/auth/me, limit: 100, windowSeconds: 900}, "
            + "{name: password reset, method: POST, path: /api/vault/recover, limit: 3, windowSeconds: 3600}]");

    /** The verification limit alone, in a window as short as the verify-window-20s switch gives the servers. */
    private static final Map<String, String> VERIFY_20S = Map.of("policy.rateLimits",
            "[{name: authentication (magic link), method: GET, path: /api/auth/verify, limit: 5, windowSeconds: 20}]");

    /**
     * Checks no row fails, by key {@code Suite.test}, with why the reference stack cannot fail them.
     * The completeness test fails an entry that a row does fail, so this list only ever shrinks.
     */
    static final Map<String, String> UNPROVEN = Map.of();

    /**
     * One self-test.
     *
     * @param switches    the stack's broken controls (ids of referencestack.Switch)
     * @param overrides   configuration keys set for this run, e.g. policy.session.absoluteLifetimeSeconds
     * @param overridden  how the README names the overrides
     * @param only        the suite's test methods to run; empty runs all of them
     * @param failing     each test that must fail, with the fragments its failure must contain
     * @param notVerified the tests that must be aborted or skipped, each for a reason the environment explains
     * @param failedAll   where not null: every test fails with this fragment (the run cannot even open the target)
     */
    record Row(List<String> switches, Map<String, String> overrides, String overridden, Class<?> suite, List<String> only,
               Map<String, List<String>> failing, List<String> notVerified, String failedAll, boolean positive) {

        /** How the README, the report and {@code -Docmt.selftest.rows} name this row. */
        String id() {
            String broken = switches.isEmpty() ? "hardened" : String.join("+", switches);
            return broken + (overridden.isEmpty() ? "" : " (" + overridden + ")") + " → " + suite.getSimpleName();
        }

        /** The tests this row expects to fail, by {@code Suite.test}; none for a row that stops the whole run. */
        List<String> proves() {
            return failedAll != null ? List.of() : failing.keySet().stream().map(t -> suite.getSimpleName() + "." + t).toList();
        }
    }

    /** Builds a row; {@link #fails} may be called once per test. */
    static final class Builder {
        private final Class<?> suite;
        private final List<String> switches;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private String overridden = "";
        private List<String> only = List.of();
        private final Map<String, List<String>> failing = new LinkedHashMap<>();
        private List<String> notVerified = List.of();
        private boolean positive;

        private Builder(Class<?> suite, String... switches) {
            this.suite = suite;
            this.switches = List.of(switches);
        }

        Builder only(String... tests) {
            this.only = List.of(tests);
            return this;
        }

        Builder overriding(String label, Map<String, String> values) {
            this.overridden = label;
            this.overrides.putAll(values);
            return this;
        }

        Builder fails(String test, String... fragments) {
            if (failing.put(test, List.of(fragments)) != null) {
                throw new IllegalStateException(test + " listed twice in one row");
            }
            return this;
        }

        Builder notVerified(String... tests) {
            this.notVerified = List.of(tests);
            return this;
        }

        /** A row whose tests all pass: the behaviour the broken rows are told apart from. */
        Builder failsNothing() {
            this.positive = true;
            return this;
        }

        Row row() {
            if (positive == !failing.isEmpty()) {
                throw new IllegalStateException(suite.getSimpleName() + " " + switches + ": a row either fails some tests or fails nothing");
            }
            return new Row(switches, Map.copyOf(overrides), overridden, suite, only, Collections.unmodifiableMap(failing),
                    notVerified, null, positive);
        }

        Row failsAllWith(String fragment) {
            return new Row(switches, Map.copyOf(overrides), overridden, suite, only, Map.of(), List.of(), fragment, false);
        }
    }

    static Builder on(Class<?> suite, String... switches) {
        return new Builder(suite, switches);
    }

    static final List<Row> ROWS = List.of(
            // Security headers: each header control broken alone fails its own test and no other.
            on(SecurityHeadersIT.class, "hsts-missing").fails("strictTransportSecurity", "Strict-Transport-Security", "/health", "/api/auth/me")
                    .fails("headerGrade", "grade B+, score 80: hsts-not-implemented (-20)").row(),
            on(SecurityHeadersIT.class, "hsts-short").fails("strictTransportSecurity", "max-age=86400", "includeSubDomains").row(),
            on(SecurityHeadersIT.class, "csp-unsafe-inline").fails("contentSecurityPolicy", "Content-Security-Policy", "'unsafe-inline'", "script-src")
                    .fails("headerGrade", "grade B+, score 80: csp-implemented-with-unsafe-inline (-20)").row(),
            on(SecurityHeadersIT.class, "csp-missing").fails("contentSecurityPolicy", "Content-Security-Policy")
                    .fails("headerGrade", "grade B, score 75: csp-not-implemented (-25)").row(),
            on(SecurityHeadersIT.class, "csp-report-only").fails("contentSecurityPolicy", "report-only")
                    .fails("headerGrade", "grade B, score 75: csp-not-implemented-but-reporting-enabled (-25)").row(),
            on(SecurityHeadersIT.class, "frame-options-missing").fails("frameOptions", "X-Frame-Options").row(),
            on(SecurityHeadersIT.class, "nosniff-missing").fails("contentTypeOptions", "X-Content-Type-Options").row(),
            on(SecurityHeadersIT.class, "referrer-unsafe").fails("referrerPolicy", "Referrer-Policy", "unsafe-url").row(),
            on(SecurityHeadersIT.class, "powered-by").fails("noVersionBanners", "X-Powered-By").row(),
            on(SecurityHeadersIT.class, "server-version").fails("noVersionBanners", "Server", "nginx/").row(),
            // Only port 80 sends banners: the HTTPS responses are clean, so the finding must come from the plain-HTTP hop.
            on(SecurityHeadersIT.class, "http-hop-banner").fails("noVersionBanners", "on GET http://localhost:", "Server: \"nginx/",
                    "X-Powered-By: \"Express\"").row(),
            on(SecurityHeadersIT.class, "coop-allow-popups").fails("otherRequiredHeaders", "Cross-Origin-Opener-Policy: \"same-origin-allow-popups\"",
                    "Cross-Origin-Opener-Policy: same-origin, sent once").row(),
            on(SecurityHeadersIT.class, "cross-domain-policies-missing").fails("otherRequiredHeaders", "no X-Permitted-Cross-Domain-Policies header",
                    "/health", "/api/auth/me").row(),

            // Health endpoint.
            on(HealthCheckIT.class, "health-leaky").fails("disclosesNoSecrets", "redisUrl", "<redacted>")
                    .fails("disclosesNoVersions", "node", "20.11.1").row(),
            on(HealthCheckIT.class, "health-text").fails("answersJson", "application/json", "text/plain").row(),
            on(HealthCheckIT.class, "health-degraded").fails("answers200", "GET https://localhost:", "/health", "200 OK", "status 503").row(),

            // HTTP to HTTPS redirect.
            on(HttpsRedirectIT.class, "no-https-redirect").fails("firstHopIsPermanentRedirectToHttps", "GET http://localhost:", "200")
                    .fails("redirectTargetAnswersOverTls", "Location of GET http://localhost:").row(),
            on(HttpsRedirectIT.class, "redirect-302").fails("firstHopIsPermanentRedirectToHttps", "302").row(),
            // nginx builds the Location from X-Forwarded-Host, else Host: each header alone must be caught.
            on(HttpsRedirectIT.class, "redirect-follows-host").fails("redirectIgnoresForeignHost", "GET http://localhost:",
                    "with Host: ocmt-verify-foreign.invalid", "with X-Forwarded-Host: ocmt-verify-foreign.invalid",
                    "Location \"https://ocmt-verify-foreign.invalid", "built from Host", "built from X-Forwarded-Host").row(),

            // TLS: the suite names the exact pair, group or certificate property.
            // TLS 1.0 and 1.1 have no AEAD suites, so turning them on brings CBC suites with them.
            on(TlsIT.class, "tls-legacy-protocols").fails("protocols", "TLSv1.0 is accepted", "TLSv1.1 is accepted")
                    .fails("cipherSuites", "TLSv1.0 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "CBC mode")
                    .fails("tlsGrade", "grade B (score", "B: TLS 1.0 or 1.1 supported (2020)").row(),
            on(TlsIT.class, "tls-cbc").fails("cipherSuites", "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                    "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "CBC mode").row(),
            on(TlsIT.class, "tls-static-rsa").fails("cipherSuites", "TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256",
                    "static RSA key exchange: no forward secrecy").row(),
            on(TlsIT.class, "tls-aria").fails("cipherSuites", "TLSv1.2 TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "ARIA").row(),
            on(TlsIT.class, "tls-permissive").fails("protocols", "TLSv1.0 is accepted", "TLSv1.1 is accepted")
                    .fails("cipherSuites", "TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256", "CBC mode")
                    .fails("tlsGrade", "grade F (score", "F: anonymous (unauthenticated) suite TLS_ECDH_anon_WITH_AES_128_CBC_SHA;",
                            "B: TLS 1.0 or 1.1 supported (2020)").row(),
            on(TlsIT.class, "tls-no-tls13").fails("protocols", "TLSv1.3 offered", "TLSv1.3 is refused")
                    .fails("negotiatedDefaults", "Expected a modern client to negotiate TLSv1.3", "it negotiated TLSv1.2").row(),
            // OpenSSL takes secp224r1 only up to TLS 1.2 and ffdhe2048 as a named group only in TLS 1.3.
            on(TlsIT.class, "tls-extra-groups").fails("keyExchangeGroups", "TLSv1.2 secp521r1 is accepted", "TLSv1.3 secp521r1 is accepted",
                    "TLSv1.2 x448 is accepted", "TLSv1.3 x448 is accepted", "TLSv1.3 ffdhe2048 is accepted",
                    "TLSv1.2 secp224r1 is accepted", "not in policy.tls.allowedGroups [x25519, secp256r1, secp384r1]",
                    "ECDH 224-bit, below policy.tls.minEcdhBits 256").row(),
            on(TlsIT.class, "cert-expiring").fails("certificate", "Certificate expiry", "expires in 10 days").row(),
            on(TlsIT.class, "cert-legacy").fails("certificate", "Certificate lifetime", "it is valid for 825 days",
                    "Certificate key", "RSA 1024 bits", "Certificate signature", "signed with SHA1withRSA")
                    .fails("tlsGrade", "grade T (score", "B: certificate key below 2048 bits (RSA 1024)",
                            "T: certificate signed with SHA1withRSA").row(),
            on(TlsIT.class, "cert-wrong-host").failsAllWith("target.tlsHost must be a name the certificate is issued for"),

            // Magic-link authentication. Only the tests that judge the broken control run: the others
            // wait out expiries and would prove nothing about the switch.
            on(MagicLinkAuthIT.class, "login-link-elsewhere").only("magicLinkLogsIn")
                    .fails("magicLinkLogsIn", "No link starting with https://localhost:", "its links lead to [http://localhost:5173/verify?").row(),
            on(MagicLinkAuthIT.class, "session-cookie-loose").only("magicLinkLogsIn", "sessionCookieAttributes")
                    .fails("sessionCookieAttributes", "ocmt_session", "no Secure", "no HttpOnly", "no SameSite", "Path=/api instead of /").row(),
            on(MagicLinkAuthIT.class, "magic-link-reuse").only("magicLinkLogsIn", "magicLinkIsSingleUse")
                    .fails("magicLinkIsSingleUse", "used a second time must be refused").row(),
            on(MagicLinkAuthIT.class, "magic-link-expiry").only("magicLinkLogsIn", "expiredMagicLinkIsRefused")
                    .fails("expiredMagicLinkIsRefused", "(lifetime 30 s) must be refused", "but was: 200").row(),
            on(MagicLinkAuthIT.class, "magic-link-errors").only("magicLinkLogsIn", "malformedAndUnknownTokensAreRefused")
                    .fails("malformedAndUnknownTokensAreRefused", "but was: 500", "Magic link not found").row(),
            on(MagicLinkAuthIT.class, "session-fixation").only("magicLinkLogsIn", "loginIssuesAFreshSessionToken")
                    .fails("loginIssuesAFreshSessionToken", "planted ocmt_session cookie", "session fixation",
                            "with the planted cookie after the victim's login").row(),
            on(MagicLinkAuthIT.class, "enumeration").only("magicLinkLogsIn", "loginDoesNotRevealAccounts")
                    .fails("loginDoesNotRevealAccounts", "body for an unknown address vs a known one", "created your account").row(),

            // Session lifetime and limits.
            // The reference lifetime is OCMT's 7 days: the check ages its own session row instead of waiting.
            on(SessionLifetimeIT.class, "session-lifetime").only("absoluteLifetimeIsEnforced", "visibleLifetimeMatchesPolicy", "logoutEndsThatSession")
                    .fails("absoluteLifetimeIsEnforced", "/api/auth/me", "with a session moved [created_at", "back by 604860 s",
                            "expected: 401", "but was: 200").row(),
            // A lifetime short enough to wait for (20 s, on the stack and in the policy): the same check watches a session not die.
            on(SessionLifetimeIT.class, "session-lifetime").only("absoluteLifetimeIsEnforced", "visibleLifetimeMatchesPolicy")
                    .overriding("policy.session.absoluteLifetimeSeconds=20", Map.of("policy.session.absoluteLifetimeSeconds", "20"))
                    .fails("absoluteLifetimeIsEnforced", "is still accepted", "absolute lifetime is 20 s").row(),
            // Cookie, sessions list and enforcement agree on a lifetime 30 times the policy's: what a client sees gives it away.
            on(SessionLifetimeIT.class, "session-lifetime-long").only("visibleLifetimeMatchesPolicy", "absoluteLifetimeIsEnforced", "logoutEndsThatSession")
                    .fails("visibleLifetimeMatchesPolicy", "expiresAt - createdAt", "ocmt_session cookie's Max-Age, or Expires", "policy 604800 s")
                    .fails("absoluteLifetimeIsEnforced", "moved", "back by 604860 s").row(),
            on(SessionLifetimeIT.class, "logout").only("logoutEndsThatSession", "revokeOthersEndsExactlyTheOthers")
                    .fails("logoutEndsThatSession", "the logged-out session 2", "expected 401", "it answered 200").row(),
            on(SessionLifetimeIT.class, "session-limit").only("sessionLimitEvictsLeastRecentlyActive", "logoutEndsThatSession")
                    .fails("sessionLimitEvictsLeastRecentlyActive", "the least recently active", "MAX_SESSIONS_PER_USER=5").row(),
            on(SessionLifetimeIT.class, "revoke-by-id").fails("revocationEndsThatSession", "Revoke one session by id",
                    "401 for the revoked session", "it answered 200").row(),
            on(SessionLifetimeIT.class, "revoke-others").fails("revokeOthersEndsExactlyTheOthers", "Revoke other sessions",
                    "401 for an older session after revoke-others", "it answered 200").row(),

            // Session token rejection: each way a credential that is not a live session gets in.
            on(TokenRejectionIT.class, "query-token").fails(QUERY, "must be refused with 401").row(),
            on(TokenRejectionIT.class, "bearer-session").fails(BEARER, "must be refused with 401", "but was: 200").row(),
            on(TokenRejectionIT.class, "session-token-first-half").fails(TRUNCATED, "must be refused with 401", "but was: 200")
                    .fails(CHANGED, "must be refused with 401", "but was: 200").row(),
            on(TokenRejectionIT.class, "revoke-by-id").fails(REVOKED, "must be refused with 401").row(),
            on(TokenRejectionIT.class, "logout").fails(LOGGED_OUT, "must be refused with 401").row(),
            // Nothing is evicted: the eviction step and the evicted token of the rejection matrix both show it.
            on(TokenRejectionIT.class, "session-limit").fails(EVICTED, "must be refused with 401").row(),
            // Optional authentication answers every one of them 200: each case's own check sees it.
            on(TokenRejectionIT.class, "me-optional-auth").fails(NO_TOKEN, "must be refused with 401", "but was: 200")
                    .fails(EMPTY, "must be refused with 401", "but was: 200").fails(RANDOM, "must be refused with 401", "but was: 200")
                    .fails(TRUNCATED, "must be refused with 401").fails(CHANGED, "must be refused with 401")
                    .fails(QUERY, "must be refused with 401").fails(BEARER, "must be refused with 401")
                    .fails(REVOKED, "must be refused with 401").fails(LOGGED_OUT, "must be refused with 401")
                    .fails(EVICTED, "must be refused with 401").row(),

            // Admin and internal API.
            // The token check off, the allowlist still on: the request through the outside proxy is still refused.
            on(AdminGuardIT.class, "admin-guard").fails("adminRefusesMissingToken", "/api/admin/users", "without a token")
                    .fails("adminRefusesWrongToken", "with a wrong token").row(),
            // The allowlist off, the token check on: only the request from outside the allowlist shows it.
            on(AdminGuardIT.class, "admin-ip-allowlist").fails("adminRefusesAddressOutsideAllowlist", "GET https://localhost:",
                    "/api/admin/security/ip-allowlist → 200", "through the outside proxy http://localhost:",
                    "the admin API answered a client outside its allowlist", "expected 403 with code ADMIN_IP_NOT_ALLOWED").row(),
            // The positive control: the allowlist still refuses the outside proxy first, so only the right token's 401 shows it.
            on(AdminGuardIT.class, "admin-token-unset").fails("adminAnswersRightToken", "with the right token (secret adminToken)",
                    "401", "is not the one the target expects").row(),
            on(AdminGuardIT.class, "internal-api-open").fails("internalApiNeedsAgentToken", "/api/internal/metrics/wake",
                    "without a token", "with a wrong token (Authorization: Bearer)", "with a wrong x-auth-token",
                    "AGENT_SERVER_TOKEN is meant to guard").row(),

            // CSRF: the origin check off; both the foreign Origin and the foreign Referer reach the route.
            on(CsrfOriginIT.class, "csrf").fails("foreignOriginIsRefused", "Origin: https://ocmt-verify-foreign.invalid",
                    "Referer: https://ocmt-verify-foreign.invalid/account", "it answered 404", "got past the origin check").row(),

            // Data at rest, backups and data stores: the failure names the column, the file, the setting.
            on(SecretsAtRestIT.class, "secrets-plaintext").fails("canaryIsEncryptedAtRest", "user_integrations.api_key_encrypted",
                    "the integration canary (as is) is there", "is not in the format v<n>").row(),
            on(SecretsAtRestIT.class, "session-tokens-raw").fails("tokensAreStoredHashed", "sessions.token", "the raw session token (as is) is there",
                    "magic_links.token", "the raw magic-link token (as is) is there").row(),
            on(SecretsAtRestIT.class, "encryption-key-pattern").fails("encryptionKeyIsStrong", "secret encryptionKey",
                    "repeats a 16-character pattern", "counting up or down").row(),
            on(BackupIT.class, "backup-stale").fails("newestBackupIsFresh", "it is 72 h", "at most 24 h old", "backups have stopped").row(),
            on(BackupIT.class, "backup-unencrypted").fails("newestBackupIsEncrypted", ".sql.gz", "gzip data, not encrypted").row(),
            on(BackupIT.class, "backup-corrupt").fails("newestBackupRestores", ".sql.gz.gpg is corrupt or truncated", "can never be restored").row(),
            on(DataStoreIT.class, "redis-no-password").fails("redisRequiresPassword", "NOAUTH", "PONG").row(),
            on(DataStoreIT.class, "redis-defaults").fails("redisPersistenceAndMemoryLimits", "appendonly is no", "it is noeviction",
                    "maxmemory is 0").row(),
            on(DataStoreIT.class, "postgres-plaintext").fails("postgresRefusesPlaintext", "sslmode=disable", "SCRAM").row(),

            // Grants: containers, the security log, the public host. One row each breaks every check of its suite.
            on(ContainerSecurityIT.class, "container-defaults").fails("runAsNonRoot", "-server-2", "runs as root", "\"0:0\"")
                    .fails("resourceLimits", "-server-2", "neither a memory nor a CPU limit")
                    .fails("healthChecks", "-server-2", "it has none")
                    .fails("logRotation", "-server-2", "no max-size").row(),
            // The events never reach the file: each check waits its bound out, shortened here to keep the row short.
            on(SecurityLogIT.class, "security-log-off").overriding("events awaited 10 s", Map.of("policy.securityLog.maxDelaySeconds", "10"))
                    .fails("failedAuthenticationIsLogged", "failed authentication", "/api/internal/users/", "none came in 10 s").row(),
            on(RateLimitLoggingIT.class, "security-log-off").overriding("events awaited 10 s", Map.of("policy.securityLog.maxDelaySeconds", "10"))
                    .fails("rateLimitViolationIsLogged", "rate-limit violation", "429", "none came in 10 s").row(),
            on(PrivateNetworkIT.class, "postgres-public").fails("databasePortsClosedOnPublicHost", "Database on private network only",
                    "127.0.0.1", "PostgreSQL answered its SSLRequest").row(),

            // Rate limits: the whole tag. OCMT's windows are longer than a run may wait, so windowsEnd judges them by their
            // counters in Redis; where a switch keeps the counters out of Redis, it cannot, and says so.
            // The bypass check fails too: it needs the verification budget used up, and with the limit
            // off request limit + 1 is not refused, so there is nothing a bypass could get around.
            on(RateLimitIT.class, "rate-limit-auth-off")
                    .fails(VERIFY_EXACT, VERIFY, "request 6 was not refused", "429 on request 6")
                    .fails(BYPASS, "did not refuse request 6", "the limit itself does not hold").row(),
            // Every limit passes twice its budget behind the round-robin proxy, so every exact-limit
            // check fails and the bypass check cannot use the verification budget up. No limit refuses
            // where the checks look, so no window is seen ending: windowsEnd not verified; the limiters answer
            // with the policy's limit but no counter rises in Redis. Which replica the run's first
            // login and verification reached decides whether request 10 or 11, 5 or 6 is the first not
            // refused, so those fragments carry no number.
            on(RateLimitIT.class, "rate-limit-per-replica").notVerified(WINDOWS)
                    .fails("countersLiveInRedis", "Distributed rate limiting (Redis)", "none changed")
                    .fails(UNLOCK_EXACT).fails(RECOVER_EXACT, "request 4 was not refused").fails(LOGIN_EXACT, "was not refused")
                    .fails(VERIFY_EXACT, VERIFY, "was not refused", "RateLimit-Remaining", "each replica")
                    .fails(GENERAL_EXACT).fails(BYPASS).row(),
            // Counters in each process's memory, with every client pinned to one replica: every limit holds, and only Redis
            // shows it; with no counter there, no long window can be seen ending either.
            on(RateLimitIT.class, "rate-limit-in-memory").notVerified(WINDOWS)
                    .fails("countersLiveInRedis", "Distributed rate limiting (Redis)", "ocmt:ratelimit:*", "none changed", "each process's memory").row(),
            // The general limit off: only its check, counted with a logged-in session, can see it.
            on(RateLimitIT.class, "rate-limit-general-off")
                    .fails(GENERAL_EXACT, "request 1001 was not refused", "RateLimit-Limit: 1000").row(),
            on(RateLimitIT.class, "trust-any-proxy")
                    .fails(BYPASS, "Rate-limit bypass", "X-Forwarded-For: 203.0.113.", "a whole new budget").row(),
            // Every limited endpoint's 429 lacks it, so each exact-limit check fails, and nothing else.
            on(RateLimitIT.class, "retry-after-missing")
                    .fails(UNLOCK_EXACT).fails(RECOVER_EXACT).fails(LOGIN_EXACT)
                    .fails(VERIFY_EXACT, VERIFY, "Retry-After", "has no Retry-After header")
                    .fails(GENERAL_EXACT, "has no Retry-After header").row(),
            // Only the vault checks: the backoff is the user's, the other limits are untouched.
            on(RateLimitIT.class, "vault-backoff-off").only("vault")
                    .fails(BACKOFF, "Vault unlock backoff", "429 with code VAULT_BACKOFF", "there is no backoff").row(),
            // The checklist's table against a server that limits like OCMT: exactly the rows where OCMT
            // is looser fail (login 10 not 5, the general limit 1000 per hour not 100 per 15 minutes,
            // recovery every 30 minutes not every hour), which is what a run against a real OCMT reports.
            on(RateLimitIT.class).overriding("the checklist's rate-limit table", CHECKLIST_POLICY)
                    .fails(LOGIN_EXACT, "request 6 was not refused")
                    .fails("api general (GET /api/auth/me)" + EXACT, "request 101 was not refused")
                    .fails("password reset (POST /api/vault/recover)" + EXACT, "a window of 3600 s", "the same budget comes back every 180").row(),
            // The server switched to the checklist's limits passes the checklist's table: both behaviours are exercised.
            on(RateLimitIT.class, "checklist-limits").overriding("the checklist's rate-limit table", CHECKLIST_POLICY)
                    .failsNothing().row(),
            // A window short enough to wait for: every check of the tag is judged, windowsEnd included, and passes.
            on(RateLimitIT.class, "verify-window-20s").overriding("the verification limit alone, 5 per 20 s", VERIFY_20S)
                    .failsNothing().row(),
            // The same window, never ending: a client once limited stays limited, and only the wait and Redis show it.
            on(RateLimitIT.class, "verify-window-20s", "rate-limit-no-expiry").overriding("the verification limit alone, 5 per 20 s", VERIFY_20S)
                    .fails(WINDOWS, "once the window that refused this runner had ended", "it is still refused")
                    .fails("countersLiveInRedis", "a counter that expires with its window", "it has no time to live (PTTL -1)").row());

    private SelfTestTable() {
    }

    /** {@code Suite.test}: how the table names a test (a dynamic test by its display name). */
    static String key(Class<?> suite, String test) {
        return suite.getSimpleName() + "." + test;
    }

    /**
     * The dynamic tests each {@code @TestFactory} makes under {@code policy}, by {@code Suite.method}:
     * the rows name them, and a row that runs a factory checks it made exactly these.
     */
    static Map<String, List<String>> dynamicTests(Policy policy) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put(key(TokenRejectionIT.class, "rejectionMatrix"), TOKEN_CASES);
        List<LimitedEndpoint> endpoints = policy.rateLimits().stream().map(l -> new LimitedEndpoint(l, () -> "")).toList();
        List<String> vault = new ArrayList<>(List.of(BACKOFF));
        endpoints.stream().filter(LimitedEndpoint::isVault).forEach(e -> vault.add(e.describe() + EXACT));
        out.put(key(RateLimitIT.class, "vault"), vault);
        List<LimitedEndpoint> publicOnes = endpoints.stream().filter(e -> !e.needsSession())
                .sorted(Comparator.comparingInt(e -> e.limit().limit())).toList();
        List<String> pub = new ArrayList<>();
        for (int i = 0; i < publicOnes.size(); i++) {
            pub.add(publicOnes.get(i).describe() + EXACT);
            if (i == 0) {
                pub.add(publicOnes.get(i).describe() + NO_BYPASS);
            }
        }
        out.put(key(RateLimitIT.class, "publicEndpoints"), pub);
        out.put(key(RateLimitIT.class, "sessionEndpoints"), endpoints.stream().filter(e -> e.needsSession() && !e.isVault())
                .map(e -> e.describe() + EXACT).toList());
        return out;
    }

    /** The test methods ({@code @Test} and {@code @TestFactory}) of {@code suite}, in name order. */
    static List<Method> testMethods(Class<?> suite) {
        return Arrays.stream(suite.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(TestFactory.class))
                .sorted(Comparator.comparing(Method::getName)).toList();
    }

    /** What a run of {@code suite} may report under {@code policy}: its methods and its factories' dynamic tests. */
    static Set<String> knownTests(Class<?> suite, Policy policy) {
        Set<String> known = new LinkedHashSet<>();
        Map<String, List<String>> dynamic = dynamicTests(policy);
        for (Method m : testMethods(suite)) {
            known.add(m.getName());
            known.addAll(dynamic.getOrDefault(key(suite, m.getName()), List.of()));
        }
        return known;
    }

    /** The dynamic tests a run of {@code row} must show: those of every factory it runs. */
    static Set<String> expectedDynamicTests(Row row, Policy policy) {
        Map<String, List<String>> dynamic = dynamicTests(policy);
        return testMethods(row.suite()).stream().filter(m -> m.isAnnotationPresent(TestFactory.class))
                .filter(m -> row.only().isEmpty() || row.only().contains(m.getName()))
                .flatMap(m -> dynamic.getOrDefault(key(row.suite(), m.getName()), List.of()).stream())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** A test name for the README: RateLimitIT's long suffixes shortened. */
    private static String brief(String test) {
        return test.replace(EXACT, " … exact").replace(NO_BYPASS, " … no bypass");
    }

    /** Which rows fail each test, by {@code Suite.test}. */
    static Map<String, List<Row>> provenBy() {
        Map<String, List<Row>> out = new TreeMap<>();
        for (Row row : ROWS) {
            row.proves().forEach(test -> out.computeIfAbsent(test, k -> new ArrayList<>()).add(row));
        }
        return out;
    }

    /**
     * The README's section on what the self-tests prove, from this table: per row, the switches
     * and overrides, the suite and what fails; then what no row fails, and why.
     */
    static String readmeSection() {
        StringBuilder out = new StringBuilder();
        out.append("### What the self-tests prove\n\n");
        out.append("Generated from `selftest/SelfTestTable.java`, which `SelfTestsIT` runs row by row and ")
                .append("`SelfTestTableTest` keeps complete and in step with this section. Each row starts the reference stack ")
                .append("with its switches, runs the suite (all of it, or the tests named), and passes only if exactly the ")
                .append("checks listed fail, each failure naming what the row expects, and nothing else fails or goes ")
                .append("unverified but what the row declares. `-Docmt.selftest.rows=<switch, suite or row>` runs some rows only.\n\n");
        out.append("| switches (overrides) | suite (tests run) | checks that fail | not verified |\n|---|---|---|---|\n");
        for (Row row : ROWS) {
            out.append("| ").append(row.switches().isEmpty() ? "none" : row.switches().stream().map(s -> "`" + s + "`")
                            .collect(Collectors.joining(", ")))
                    .append(row.overridden().isEmpty() ? "" : " (" + row.overridden() + ")")
                    .append(" | `").append(row.suite().getSimpleName()).append('`')
                    .append(row.only().isEmpty() ? "" : " (" + row.only().stream().map(t -> "`" + t + "`").collect(Collectors.joining(", ")) + ")")
                    .append(" | ").append(row.failedAll() != null ? "every test: the run stops before any check (\"" + row.failedAll() + "\")"
                            : row.failing().isEmpty() ? "none" : row.failing().keySet().stream().map(t -> "`" + brief(t) + "`")
                            .collect(Collectors.joining(", ")))
                    .append(" | ").append(row.notVerified().isEmpty() ? "" : row.notVerified().stream().map(t -> "`" + t + "`")
                            .collect(Collectors.joining(", ")))
                    .append(" |\n");
        }
        out.append("\nIn RateLimitIT's test names *… exact* stands for \"").append(EXACT.substring(2)).append("\" and *… no bypass* for \"")
                .append(NO_BYPASS.substring(2)).append("\".\n");
        if (UNPROVEN.isEmpty()) {
            out.append("\nEvery check of every suite fails in at least one row: none is unproven.\n");
        } else {
            out.append("\nNot proven: no row fails these, and why the reference stack cannot.\n\n");
            out.append("| check | why |\n|---|---|\n");
            new TreeMap<>(UNPROVEN).forEach((test, why) -> out.append("| `").append(test).append("` | ").append(why).append(" |\n"));
        }
        return out.toString();
    }
}
