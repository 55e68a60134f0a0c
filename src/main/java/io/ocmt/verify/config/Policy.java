package io.ocmt.verify.config;

import java.util.List;
import java.util.Map;

/**
 * What an environment expects of its target. Every threshold the suites judge by lives here and
 * nowhere else; the defaults are in {@code defaults.yaml} beside this class.
 */
public record Policy(HealthPolicy health, HeaderPolicy headers, RedirectPolicy redirect, TlsPolicy tls,
                     CertificatePolicy certificate, AuthPolicy auth, SessionPolicy session, AdminPolicy admin,
                     List<RateLimit> rateLimits, EncryptionPolicy encryption, BackupPolicy backup,
                     DataStorePolicy datastore, ContainerPolicy containers, SecurityLogPolicy securityLog,
                     PrivateNetworkPolicy privateNetwork, RunPolicy run, GradePolicy grades) {

    public record HealthPolicy(String path, String releaseField) {
    }

    public record HeaderPolicy(
            List<ResponseSpec> responses,
            HstsPolicy hsts,
            CspPolicy csp,
            String frameOptions,
            String contentTypeOptions,
            List<String> referrerPolicies,
            List<String> forbiddenHeaders,
            Map<String, String> requiredValues) {
    }

    /** A response the header checks judge, named so findings can say which one. */
    public record ResponseSpec(String name, String method, String path) {
    }

    public record HstsPolicy(long minMaxAge, boolean includeSubDomains, boolean preload) {
    }

    public record CspPolicy(
            List<String> forbiddenScriptSources,
            Map<String, List<String>> requiredDirectives,
            Map<String, List<String>> mustAllow) {
    }

    public record RedirectPolicy(List<String> paths, List<Integer> statuses) {
    }

    /**
     * @param allowedGroups the only key-exchange groups the target may accept, by IANA name
     *                      ({@code secp256r1}; OpenSSL's {@code prime256v1} and {@code P-256} are read as it)
     * @param minDhBits     smallest finite-field group modulus, in bits
     * @param minEcdhBits   smallest elliptic curve, in bits (X25519 counts as 256)
     * @param maxUnansweredOffers ClientHellos of the raw enumeration that may get silence, a reset or a
     *                      close (not an alert) in protocols that never answer, before the enumeration
     *                      is incomplete and its checks not verified
     */
    public record TlsPolicy(
            List<String> requiredProtocols,
            List<String> allowedProtocols,
            String negotiatedProtocol,
            List<String> allowedSuites,
            List<String> allowedGroups,
            int minDhBits,
            int minEcdhBits,
            int maxParallelProbes,
            int maxProbeConnections,
            int maxUnansweredOffers) {
    }

    public record CertificatePolicy(
            int warnDays,
            int failDays,
            int maxLifetimeDays,
            int minRsaBits,
            int minEcBits,
            List<String> forbiddenSignatureAlgorithms) {
    }

    public record AuthPolicy(String uiUrl, long magicLinkTtlSeconds, long mailTimeoutSeconds, long enumerationToleranceMs,
                             int enumerationSamples) {
    }

    public record SessionPolicy(String cookie, String header, long absoluteLifetimeSeconds, int maxPerUser,
                                long maxWaitSeconds) {
    }

    /**
     * @param paths          admin API routes: only the admin token (OCMT: INTERNAL_ADMIN_TOKEN, as a Bearer) gets in
     * @param allowlistPaths admin routes the admin IP allowlist must also guard: the right token from an address
     *                       outside it is refused (OCMT's admin_ip_allowlist table guards /api/admin/security only)
     * @param internalPaths  internal API routes: only the agent server's token (AGENT_SERVER_TOKEN) gets in
     */
    public record AdminPolicy(List<String> paths, List<String> allowlistPaths, List<String> internalPaths) {
    }

    /** One limited endpoint: at most {@code limit} requests per {@code windowSeconds} from one client. */
    public record RateLimit(String name, String method, String path, int limit, long windowSeconds) {
    }

    /**
     * Secrets at rest. Columns are {@code table.column}.
     *
     * @param encryptedColumns        columns whose non-null values must be OCMT's {@code v<n>:iv:tag:ciphertext}
     * @param canaryColumn            where an integration API key stored through the API lands
     * @param vaultColumn             the user vault (JSON, Argon2id + AES-256-GCM)
     * @param hashedTokenColumns      where session and magic-link tokens are kept, as SHA-256 hex only
     * @param minCiphertextEntropyRatio Shannon entropy of a ciphertext, as a fraction of the most its length allows
     * @param keyMinEntropyPerHexChar Shannon entropy per character ENCRYPTION_KEY must exceed (random: about 3.7 of 4)
     * @param scanTimeoutSeconds      bound of one column scan on the live database
     */
    public record EncryptionPolicy(List<String> encryptedColumns, String canaryColumn, String vaultColumn,
                                   int ivBytes, int tagBytes, double minCiphertextEntropyRatio,
                                   Map<String, String> hashedTokenColumns, double keyMinEntropyPerHexChar,
                                   int scanTimeoutSeconds) {
    }

    /**
     * Backups: the newest must be younger than {@code maxAgeHours} plus {@code slackMinutes}, encrypted,
     * and restore to the expected tables with row counts within the tolerance of the live database
     * (the larger of {@code rowCountTolerancePercent} of the live count and {@code rowCountToleranceRows}).
     *
     * @param filePattern glob of backup file names in the granted directory
     */
    public record BackupPolicy(long maxAgeHours, long slackMinutes, String filePattern, List<String> expectedTables,
                               int rowCountTolerancePercent, long rowCountToleranceRows, long maxRestoreMegabytes,
                               int restoreTimeoutSeconds) {
    }

    /**
     * Redis and PostgreSQL as reached from the runner.
     *
     * @param postgresRequireTls  the checklist's sslmode=require: PostgreSQL must refuse connections without TLS
     * @param rateLimitKeyPattern where the rate limiter keeps its counters in Redis (a SCAN pattern)
     */
    public record DataStorePolicy(boolean postgresRequireTls, String redisAppendOnly,
                                  List<String> redisForbiddenMaxmemoryPolicies, boolean redisRequireMaxmemory,
                                  String rateLimitKeyPattern) {
    }

    /**
     * Checklist "Container Security", judged from each granted container's settings.
     *
     * @param maxLogSize the largest json-file {@code max-size} accepted (Docker's units: 100m, 1g)
     * @param minLogFiles the fewest {@code max-file} accepted
     */
    public record ContainerPolicy(String maxLogSize, int minLogFiles) {
    }

    /**
     * Checklist "Configure security event logging": the suite's own refused requests must reach the log.
     *
     * @param maxDelaySeconds   how long an event may take to appear in the granted log
     * @param failedAuthPath    a route that refuses a wrong Bearer token and logs it; {@code {marker}} is
     *                          replaced by a random UUID that lets the test find its own event
     * @param rateLimitMethod   method of the limited route the 429 is asked of
     * @param rateLimitPath     the limited route (OCMT: vault recovery, 3 per 30 minutes, counted without a session)
     * @param maxRateLimitRequests requests sent at most to get one 429
     */
    public record SecurityLogPolicy(long maxDelaySeconds, String failedAuthPath, String rateLimitMethod, String rateLimitPath,
                                    int maxRateLimitRequests) {
    }

    /**
     * Checklist "Database on private network only": nothing answers on these ports of the target's
     * public host.
     *
     * @param host             the public host; null: the host of target.httpsUrl
     * @param ports            PostgreSQL's and Redis's ports as a scanner would try them
     * @param connectTimeoutMs a connect not answered within this is a filtered port, i.e. not reachable
     */
    public record PrivateNetworkPolicy(String host, List<Integer> ports, int connectTimeoutMs) {
    }

    /**
     * What a run may leave unjudged and still pass, and how much it may send.
     *
     * @param allowUnverified tags (e.g. {@code ratelimit}) whose checks may end not verified without the
     *                        build ending with exit status 3; empty: none may. Only the operator's
     *                        acceptance belongs here, for this environment, as a reviewed change
     * @param maxRequests     the most HTTP requests one run may send to its target (every request
     *                        {@link io.ocmt.verify.http.Http} sends, logins and proxied ones included);
     *                        the request that would be one more is not sent and its check, and every
     *                        later one, is not verified. {@code null} or 0: no limit, which only an
     *                        environment (or an override, which the report shows) can say
     * @param notApplicable   checklist items (ids of {@code report/hardening-checklist.yaml}) that do not apply to
     *                        this deployment, each with why: the sign-off summary shows them "not applicable" with
     *                        that reason, and their checks may end not verified without exit status 3 (a check that
     *                        fails still fails). Empty: every item applies
     */
    public record RunPolicy(List<String> allowUnverified, Integer maxRequests, Map<String, String> notApplicable) {

        public RunPolicy {
            allowUnverified = allowUnverified == null ? List.of() : List.copyOf(allowUnverified);
            notApplicable = notApplicable == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(notApplicable));
        }

        /** Whether the run's requests are limited at all. */
        public boolean limitsRequests() {
            return maxRequests != null && maxRequests > 0;
        }
    }

    /**
     * Grades a signer knows (the checklist's "Target grade: A or A+" for securityheaders.com and SSL Labs).
     *
     * @param headers the MDN HTTP Observatory's grade of each page
     * @param tls     the SSL Labs rating guide's grade of the TLS endpoint
     */
    public record GradePolicy(HeaderGradePolicy headers, TlsGradePolicy tls) {
    }

    /**
     * @param minimum          the worst grade that passes (A+ … F)
     * @param pages            the paths graded, the UI's HTML page(s) first: CSP and framing matter most there
     * @param preloadedHosts   host names on the HSTS preload list (the Observatory gives them +5); the suite
     *                         carries no copy of the list, so a signer names them (hstspreload.org)
     */
    public record HeaderGradePolicy(String minimum, List<String> pages, List<String> preloadedHosts) {
    }

    /** @param minimum the worst SSL Labs grade that passes (A+, A, A-, B, C, D, E, F, T) */
    public record TlsGradePolicy(String minimum) {
    }
}
