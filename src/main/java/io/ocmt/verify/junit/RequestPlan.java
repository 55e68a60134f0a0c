package io.ocmt.verify.junit;

import io.ocmt.verify.auth.LoginNeed;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.SessionLifecycle;
import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.RequestBudget;
import io.ocmt.verify.http.RequestCount;
import io.ocmt.verify.ratelimit.LimitedEndpoint;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Every HTTP request the selected tests would send to the target, per tag: how many, the method and
 * route, and why, derived from the environment's policy and grants and from the run's test plan. The
 * one place that knows what each suite sends: {@code -Docmt.dryRun=true} prints it instead of
 * sending anything, and every run prints its total beside the request budget
 * ({@code policy.run.maxRequests}) before the first test. {@code RequestPlanTest} keeps the table in
 * step with the suites: every test of every suite has its entry, and every entry names a test.
 *
 * <p>Counts are what the run sends when each answer is the one a passing check expects; lines marked
 * "up to" are sent only where an answer calls for them (a connection closed on a foreign Host, a rate
 * limit whose window is waited out). A login moved to another address after a 429, or the shared
 * session logged in again after the target ended it, adds a few more.
 */
public final class RequestPlan {

    /** The tag of the run's own fixtures, which several tags share. */
    public static final String RUN = "run";

    /**
     * Requests of one kind.
     *
     * @param upTo sent only where an answer calls for it: the plan's bound, not its count
     */
    public record Request(int count, boolean upTo, String method, String scheme, String route, String why) {

        /** "GET https /api/auth/me": as {@link RequestCount} counts it. */
        public String key() {
            return method + " " + scheme + " " + route;
        }
    }

    /**
     * What one test, a suite's set-up or one of the run's fixtures sends.
     *
     * @param what the test method, "Suite (before its tests)" or the fixture
     * @param note why it sends nothing, where it sends nothing (not run here, judges what others fetched)
     */
    public record Entry(String tag, String what, List<Request> requests, String note) {

        public int count() {
            return requests.stream().filter(r -> !r.upTo()).mapToInt(Request::count).sum();
        }

        public int atMost() {
            return requests.stream().mapToInt(Request::count).sum();
        }
    }

    /** The plan of one run: its entries, in the order the run meets them. */
    public record Plan(Environment env, List<Entry> entries) {

        /** Requests the plan counts on. */
        public int count() {
            return entries.stream().mapToInt(Entry::count).sum();
        }

        /** The same with every "up to" line sent. */
        public int atMost() {
            return entries.stream().mapToInt(Entry::atMost).sum();
        }

        /** Requests per "METHOD scheme /route", as {@link RequestCount} counts them (the plan's count, not its bound). */
        public Map<String, Integer> byRoute() {
            Map<String, Integer> out = new TreeMap<>();
            entries.forEach(e -> e.requests().stream().filter(r -> !r.upTo()).forEach(r -> out.merge(r.key(), r.count(), Integer::sum)));
            return out;
        }

        /** The tags in the plan, in the order met. */
        public List<String> tags() {
            return entries.stream().map(Entry::tag).distinct().toList();
        }
    }

    /** What a test sends under an environment, or why it sends nothing. */
    private record Sends(List<Request> requests, String note) {
    }

    @FunctionalInterface
    private interface Rule {
        Sends of(Policy p, Environment env);
    }

    /**
     * The table: "Suite.method" for a test, "Suite" for what the suite sends before its tests. Keyed by
     * name, since the suites live with the tests; {@code RequestPlanTest} fails an entry without a test
     * and a test without an entry.
     */
    static final Map<String, Rule> TABLE = table();

    private RequestPlan() {
    }

    // ---------------------------------------------------------------------------------------------
    // The table
    // ---------------------------------------------------------------------------------------------

    private static Map<String, Rule> table() {
        Map<String, Rule> t = new LinkedHashMap<>();

        // health
        t.put("HealthCheckIT", (p, env) -> sends(get(p.health().path(), 1, "fetched once before the tests, which all judge that answer")));
        for (String m : List.of("answers200", "answersJson", "disclosesNoSecrets", "disclosesNoVersions")) {
            t.put("HealthCheckIT." + m, (p, env) -> judgesFetched());
        }

        // headers
        t.put("SecurityHeadersIT", (p, env) -> new Sends(p.headers().responses().stream()
                .map(r -> https(r.method(), r.path(), 1, "policy.headers.responses '" + r.name() + "', fetched once before the tests"))
                .toList(), null));
        for (String m : List.of("strictTransportSecurity", "contentSecurityPolicy", "frameOptions", "contentTypeOptions", "referrerPolicy",
                "otherRequiredHeaders")) {
            t.put("SecurityHeadersIT." + m, (p, env) -> judgesFetched());
        }
        t.put("SecurityHeadersIT.headerGrade", (p, env) -> new Sends(p.grades().headers().pages().stream()
                .flatMap(path -> Stream.of(plain(path, 1, "its plain-HTTP address, as the Observatory's retriever starts "
                                + "(policy.grades.headers.pages)"),
                        get(path, 2, "the page over https, and where the plain chain's redirect leads"),
                        new Request(18, true, "GET", "https", route(path), "further redirects, at most 10 followed per chain"),
                        https("OPTIONS", path, 1, "the CORS preflight the Observatory sends")))
                .toList(), null));
        t.put("SecurityHeadersIT.noVersionBanners", (p, env) -> new Sends(p.redirect().paths().stream()
                .map(path -> plain(path, 1, "its plain-HTTP first hop, judged for version banners (policy.redirect.paths)")).toList(), null));

        // redirect
        t.put("HttpsRedirectIT.firstHopIsPermanentRedirectToHttps", (p, env) -> new Sends(p.redirect().paths().stream()
                .map(path -> plain(path, 1, "the first hop (policy.redirect.paths)")).toList(), null));
        t.put("HttpsRedirectIT.redirectTargetAnswersOverTls", (p, env) -> sends(
                plain(p.health().path(), 1, "the first hop of the health path"),
                get(p.health().path(), 1, "the https address its Location names (the same path where the redirect is right)")));
        t.put("HttpsRedirectIT.redirectIgnoresForeignHost", (p, env) -> new Sends(p.redirect().paths().stream()
                .flatMap(path -> Stream.of(plain(path, 2, "with a foreign name in Host, then in X-Forwarded-Host"),
                        new Request(2, true, "GET", "http", route(path), "without it, where the target closed the connection on one")))
                .toList(), null));

        // tls
        for (String m : List.of("TlsIT", "TlsIT.protocols", "TlsIT.cipherSuites", "TlsIT.keyExchangeGroups", "TlsIT.negotiatedDefaults",
                "TlsIT.certificate")) {
            t.put(m, (p, env) -> none("no HTTP request: TLS handshakes, not counted by " + RequestBudget.KEY + " (the raw ClientHello "
                    + "enumeration opens at most policy.tls.maxProbeConnections=" + p.tls().maxProbeConnections() + " connections, "
                    + p.tls().maxParallelProbes() + " at a time)"));
        }

        t.put("TlsIT.tlsGrade", (p, env) -> sends(get(p.health().path(), 1, "its Strict-Transport-Security, which an A+ needs")));

        // auth
        t.put("MagicLinkAuthIT.magicLinkLogsIn", (p, env) -> sends(get("/api/auth/me", 1, "the run's shared session works")));
        t.put("MagicLinkAuthIT.sessionCookieAttributes", (p, env) -> none("judges the shared session's login answer"));
        t.put("MagicLinkAuthIT.loginIssuesAFreshSessionToken", (p, env) -> sends(
                post(LimitedEndpoint.LOGIN, 2, "two logins of one identity (@Spends, see the login plan)"),
                get(LimitedEndpoint.VERIFY, 2, "each link verified, with a planted and then the live token"),
                get("/api/auth/me", 1, "the planted token after the login"),
                post("/api/auth/logout", 2, "its sessions ended when it is done")));
        t.put("MagicLinkAuthIT.magicLinkIsSingleUse", (p, env) -> sends(get(LimitedEndpoint.VERIFY, 1,
                "the shared session's link a second time (@Spends)")));
        t.put("MagicLinkAuthIT.expiredMagicLinkIsRefused", (p, env) -> p.auth().magicLinkTtlSeconds() > p.session().maxWaitSeconds()
                ? none("not verified here: policy.auth.magicLinkTtlSeconds=" + p.auth().magicLinkTtlSeconds()
                + " is longer than policy.session.maxWaitSeconds=" + p.session().maxWaitSeconds() + ", so it sends nothing")
                : sends(post(LimitedEndpoint.LOGIN, 1, "a link asked for (@Spends)"),
                get(LimitedEndpoint.VERIFY, 1, "the link once its " + p.auth().magicLinkTtlSeconds() + " s lifetime has passed")));
        t.put("MagicLinkAuthIT.malformedAndUnknownTokensAreRefused", (p, env) -> sends(get(LimitedEndpoint.VERIFY, 6,
                "five malformed or unknown tokens and none at all (@Spends; grants.destructive)")));
        t.put("MagicLinkAuthIT.loginDoesNotRevealAccounts", (p, env) -> sends(post(LimitedEndpoint.LOGIN, 2 * p.auth().enumerationSamples(),
                "a known and an unknown address, policy.auth.enumerationSamples=" + p.auth().enumerationSamples() + " times (@Spends)")));

        // session
        t.put("SessionLifetimeIT.absoluteLifetimeIsEnforced", RequestPlan::lifetime);
        t.put("SessionLifetimeIT.visibleLifetimeMatchesPolicy", (p, env) -> sends(get("/api/auth/sessions", 1,
                "the shared session's sessions list (expiresAt)")));
        for (String m : List.of("sessionLimitEvictsLeastRecentlyActive", "logoutEndsThatSession", "revocationEndsThatSession",
                "revokeOthersEndsExactlyTheOthers")) {
            t.put("SessionLifetimeIT." + m, (p, env) -> none("judges the run's session lifecycle (see " + RUN + ")"));
        }
        t.put("TokenRejectionIT.rejectionMatrix", (p, env) -> sends(get("/api/auth/me", 7,
                "no, an empty, a random, a truncated and an altered token, the live one as Bearer and in the query string; "
                        + "the ended ones are the session lifecycle's answers")));

        // csrf
        t.put("CsrfOriginIT.foreignOriginIsRefused", (p, env) -> sends(https("DELETE", "/api/auth/sessions/{id}", 2,
                "with the shared session, a foreign Origin, then only a foreign Referer (a session id that exists nowhere)")));

        // admin
        t.put("AdminGuardIT.adminRefusesMissingToken", (p, env) -> each(p.admin().paths(), 1, "without a token (policy.admin.paths)"));
        t.put("AdminGuardIT.adminRefusesWrongToken", (p, env) -> each(p.admin().paths(), 1, "with a wrong Bearer token"));
        t.put("AdminGuardIT.adminAnswersRightToken", (p, env) -> adminToken(env)
                .orElseGet(() -> each(p.admin().paths(), 1, "with the right Bearer token (secret adminToken)")));
        t.put("AdminGuardIT.adminRefusesAddressOutsideAllowlist", (p, env) -> adminToken(env)
                .orElseGet(() -> each(p.admin().allowlistPaths(), 1, "with the right token through grants.outsideProxy "
                        + "(policy.admin.allowlistPaths)")));
        t.put("AdminGuardIT.internalApiNeedsAgentToken", (p, env) -> each(p.admin().internalPaths(), 3,
                "without a token, with a wrong Bearer token and a wrong x-auth-token (policy.admin.internalPaths)"));

        // encryption
        t.put("SecretsAtRestIT.canaryIsEncryptedAtRest", (p, env) -> sends(
                post(LimitedEndpoint.LOGIN, 1, "a login of its own (@Spends)"),
                get(LimitedEndpoint.VERIFY, 1, "its link"),
                post("/api/integrations", 1, "the canary stored as an integration API key"),
                post("/api/vault/setup", 1, "a vault for the vault canary"),
                post(LimitedEndpoint.VAULT_UNLOCK, 1, "unlocked with its right password"),
                https("PUT", "/api/vault/data", 2, "the vault canary stored, then overwritten"),
                get("/api/integrations/{id}", 1, "the canary read back"),
                https("DELETE", "/api/integrations/{id}", 1, "the canary deleted"),
                post("/api/vault/lock", 1, "the vault session ended"),
                post("/api/auth/logout", 1, "its session ended")));
        t.put("SecretsAtRestIT.tokensAreStoredHashed", (p, env) -> none("reads the database (grants.database); the shared session is the run's"));
        t.put("SecretsAtRestIT.encryptionKeyIsStrong", (p, env) -> none("judges secret encryptionKey, sends nothing"));

        // backup, datastore
        for (String m : List.of("newestBackupIsFresh", "newestBackupIsEncrypted", "newestBackupRestores")) {
            t.put("BackupIT." + m, (p, env) -> none("no HTTP request: reads grants.backups.directory and the database, restores into a "
                    + "PostgreSQL container on this machine"));
        }
        for (String m : List.of("redisRequiresPassword", "redisPersistenceAndMemoryLimits", "postgresRefusesPlaintext")) {
            t.put("DataStoreIT." + m, (p, env) -> none("no HTTP request: Redis and PostgreSQL connections (grants.redis, grants.postgres)"));
        }

        // ratelimit
        t.put("RateLimitIT.vault", RequestPlan::vaultLimits);
        t.put("RateLimitIT.publicEndpoints", RequestPlan::publicLimits);
        t.put("RateLimitIT.sessionEndpoints", RequestPlan::sessionLimits);
        t.put("RateLimitIT.countersLiveInRedis", (p, env) -> none("reads Redis (grants.redis) while the checks above spend their budgets"));
        t.put("RateLimitIT.windowsEnd", (p, env) -> new Sends(p.rateLimits().stream().filter(l -> l.windowSeconds() <= p.session().maxWaitSeconds())
                .map(l -> new Request(1, true, l.method().toUpperCase(Locale.ROOT), "https", route(l.path()), LimitedEndpoint.describe(l)
                        + " asked again once its " + l.windowSeconds() + " s window has passed")).toList(),
                "windows longer than policy.session.maxWaitSeconds are judged in Redis, without a request"));

        // containers, privatenetwork, securitylog
        for (String m : List.of("ContainerSecurityIT", "ContainerSecurityIT.runAsNonRoot", "ContainerSecurityIT.resourceLimits",
                "ContainerSecurityIT.healthChecks", "ContainerSecurityIT.logRotation")) {
            t.put(m, (p, env) -> none("no request to the target: GET /containers/json and /containers/{id}/json of the read-only "
                    + "Docker Engine API (grants.containers)"));
        }
        t.put("PrivateNetworkIT.databasePortsClosedOnPublicHost", (p, env) -> none("no HTTP request: one TCP connect per address and "
                + "port of policy.privateNetwork.ports on the public host"));
        t.put("SecurityLogIT.failedAuthenticationIsLogged", (p, env) -> sends(new Request(1, false, "GET", "https",
                route(p.securityLog().failedAuthPath().replace("{marker}", "0")), "with a wrong Bearer token, marked to be found in "
                + "the security log (policy.securityLog.failedAuthPath)")));
        t.put("RateLimitLoggingIT.rateLimitViolationIsLogged", (p, env) -> {
            String method = p.securityLog().rateLimitMethod().toUpperCase(Locale.ROOT);
            String route = route(p.securityLog().rateLimitPath());
            int most = p.securityLog().maxRateLimitRequests();
            return sends(new Request(1, false, method, "https", route, "until one is refused with 429, after the ratelimit tag "
                            + "spent its budget (policy.securityLog.rateLimitPath)"),
                    new Request(most - 1, true, method, "https", route, "more where none was refused yet "
                            + "(policy.securityLog.maxRateLimitRequests=" + most + ")"));
        });
        return Map.copyOf(t);
    }

    private static Sends lifetime(Policy p, Environment env) {
        long lifetime = p.session().absoluteLifetimeSeconds();
        if (lifetime <= p.session().maxWaitSeconds()) {
            return sends(post(LimitedEndpoint.LOGIN, 1, "a login of its own (@Spends)"), get(LimitedEndpoint.VERIFY, 1, "its link"),
                    new Request((int) lifetime + 10, true, "GET", "https", "/api/auth/me", "polled every second until refused, "
                            + "policy.session.absoluteLifetimeSeconds=" + lifetime + " and a few seconds' slack"),
                    post("/api/auth/logout", 1, "its session ended"));
        }
        Optional<String> writer = env.target().embedded() ? Optional.empty() : Grant.DATABASE_WRITE.missing(env);
        if (writer.isPresent()) {
            return none("not verified here: the lifetime (" + lifetime + " s) is longer than policy.session.maxWaitSeconds and "
                    + writer.get() + "; it sends nothing");
        }
        return sends(post(LimitedEndpoint.LOGIN, 1, "a login of its own (@Spends)"), get(LimitedEndpoint.VERIFY, 1, "its link"),
                get("/api/auth/me", 2, "before and after its session row is aged past the lifetime (grants.database.writerUsernameSecret)"),
                post("/api/auth/logout", 1, "its session ended"));
    }

    private static Sends vaultLimits(Policy p, Environment env) {
        List<Request> r = new ArrayList<>(List.of(
                post(LimitedEndpoint.LOGIN, 1, "the vault user's login (@Spends)"), get(LimitedEndpoint.VERIFY, 1, "its link"),
                post("/api/vault/setup", 1, "its vault"),
                post(LimitedEndpoint.VAULT_UNLOCK, 4, "the backoff check: failed, refused, failed, refused (through the first egress "
                        + "proxy where one is granted)"),
                new Request(1, true, "POST", "https", route(LimitedEndpoint.VAULT_UNLOCK), "the backoff check once more where the "
                        + "unlock right after a failed one took longer than OCMT's first backoff (1 s) could last")));
        p.rateLimits().stream().filter(l -> endpoint(l).isVault()).forEach(l -> r.add(exact(l, p)));
        p.rateLimits().stream().filter(l -> endpoint(l).isVault() && l.windowSeconds() <= p.session().maxWaitSeconds())
                .forEach(l -> r.add(windowRunning(l)));
        r.add(post("/api/auth/logout", 1, "the vault user's session ended"));
        return new Sends(r, null);
    }

    private static Sends publicLimits(Policy p, Environment env) {
        List<Policy.RateLimit> limits = p.rateLimits().stream().filter(l -> !endpoint(l).needsSession())
                .sorted(Comparator.comparingInt(Policy.RateLimit::limit)).toList();
        List<Request> r = new ArrayList<>();
        for (int i = 0; i < limits.size(); i++) {
            Policy.RateLimit l = limits.get(i);
            r.add(exact(l, p));
            if (l.windowSeconds() <= p.session().maxWaitSeconds()) {
                r.add(windowRunning(l));
            }
            if (i == 0) {
                String method = l.method().toUpperCase(Locale.ROOT);
                r.add(new Request(7, false, method, "https", route(l.path()), "the bypass check: its used-up budget shown, then six "
                        + "variants (X-Forwarded-For, X-Real-IP, Forwarded, other case, trailing slash, query string)"));
                r.add(new Request(1, true, method, "https", route(l.path()), "a control, where a variant got through"));
            }
        }
        return new Sends(r, limits.isEmpty() ? "the policy limits no endpoint without a session" : null);
    }

    private static Sends sessionLimits(Policy p, Environment env) {
        List<Policy.RateLimit> limits = p.rateLimits().stream().filter(l -> endpoint(l).needsSession() && !endpoint(l).isVault()).toList();
        if (limits.isEmpty()) {
            return none("the policy limits no endpoint that needs a session but the vault's");
        }
        List<Request> r = new ArrayList<>(List.of(post(LimitedEndpoint.LOGIN, 1, "a login of its own (@Spends)"),
                get(LimitedEndpoint.VERIFY, 1, "its link")));
        for (int i = 0; i < limits.size(); i++) {
            Policy.RateLimit l = limits.get(i);
            if (i == limits.size() - 1) {
                // The last limit's last allowed request is the session's logout.
                r.add(new Request(l.limit(), false, l.method().toUpperCase(Locale.ROOT), "https", route(l.path()), LimitedEndpoint.describe(l)
                        + ": the limit (" + l.limit() + " per " + l.windowSeconds() + " s) less the logout that ends it, then one refused"));
                r.add(post("/api/auth/logout", 1, "the session's logout, its last allowed request"));
            } else {
                r.add(exact(l, p));
            }
            if (l.windowSeconds() <= p.session().maxWaitSeconds()) {
                r.add(windowRunning(l));
            }
        }
        r.add(post("/api/auth/logout", 1, "its session ended again at cleanup (refused: already over)"));
        return new Sends(r, null);
    }

    private static Request exact(Policy.RateLimit l, Policy p) {
        return new Request(l.limit() + 1, false, l.method().toUpperCase(Locale.ROOT), "https", route(l.path()), LimitedEndpoint.describe(l)
                + ": exactly the limit (" + l.limit() + " per " + l.windowSeconds() + " s) passes, then one refused; fewer where the window "
                + "already ran");
    }

    private static Request windowRunning(Policy.RateLimit l) {
        return new Request(1, true, l.method().toUpperCase(Locale.ROOT), "https", route(l.path()),
                "one more before it, where its window is already running and is waited out");
    }

    private static LimitedEndpoint endpoint(Policy.RateLimit l) {
        return new LimitedEndpoint(l, () -> "ocmt-verify@example.invalid");
    }

    /** Not verified before any request where the environment names no admin token (an embedded stack has its own). */
    private static Optional<Sends> adminToken(Environment env) {
        return env.target().embedded() || env.secrets().containsKey("adminToken") ? Optional.empty()
                : Optional.of(none("not verified here: environment '" + env.name() + "' grants no secret adminToken; it sends nothing"));
    }

    private static Sends judgesFetched() {
        return none("judges what its suite fetched before the tests");
    }

    private static Sends sends(Request... requests) {
        return new Sends(List.of(requests), null);
    }

    private static Sends none(String why) {
        return new Sends(List.of(), why);
    }

    private static Sends each(List<String> paths, int n, String why) {
        return new Sends(paths.stream().map(path -> get(path, n, why)).toList(), null);
    }

    private static Request get(String path, int n, String why) {
        return https("GET", path, n, why);
    }

    private static Request post(String path, int n, String why) {
        return https("POST", path, n, why);
    }

    private static Request https(String method, String path, int n, String why) {
        return new Request(n, false, method, "https", route(path), why);
    }

    private static Request plain(String path, int n, String why) {
        return new Request(n, false, "GET", "http", route(path), why);
    }

    /** The route as {@link RequestCount} counts it: ids as {id}, no query, lower case. */
    private static String route(String pathAndQuery) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        return RequestCount.route(path.replace("{id}", "0"));
    }

    // ---------------------------------------------------------------------------------------------
    // The plan of a run
    // ---------------------------------------------------------------------------------------------

    /**
     * What {@code tests} (the run's selected test methods, as {@link LoginPlan} collects them) send under
     * {@code env}: the run's own fixtures first, then each suite's set-up and tests, each under its tag.
     */
    public static Plan of(List<Method> tests, Environment env) {
        Policy p = env.policy();
        List<Entry> entries = new ArrayList<>();
        List<Method> suiteTests = tests.stream().filter(m -> AnnotationSupport.isAnnotated(m.getDeclaringClass(), OcmtSuite.class)).toList();
        List<Method> granted = suiteTests.stream().filter(m -> LoginPlan.granted(m.getDeclaringClass(), m, env)).toList();
        if (!suiteTests.isEmpty()) {
            entries.addAll(fixtures(granted, env));
        }
        Set<Class<?>> classes = new LinkedHashSet<>();
        for (Method m : suiteTests) {
            Class<?> suite = m.getDeclaringClass();
            String tag = tag(suite);
            if (classes.add(suite)) {
                Rule before = TABLE.get(suite.getSimpleName());
                Optional<String> classGrant = missing(suite, null, env);
                if (before != null) {
                    entries.add(classGrant.isPresent() ? new Entry(tag, suite.getSimpleName() + " (before its tests)", List.of(),
                            "not run: " + classGrant.get())
                            : entry(tag, suite.getSimpleName() + " (before its tests)", before.of(p, env)));
                }
            }
            String what = suite.getSimpleName() + "." + m.getName();
            Optional<String> notGranted = missing(suite, m, env);
            Rule rule = TABLE.get(what);
            if (notGranted.isPresent()) {
                entries.add(new Entry(tag, what, List.of(), "not run: " + notGranted.get()));
            } else if (rule == null) {
                entries.add(new Entry(tag, what, List.of(), "not planned: RequestPlan has no entry for it (RequestPlanTest says which)"));
            } else {
                entries.add(entry(tag, what, rule.of(p, env)));
            }
        }
        Set<Class<?>> others = tests.stream().map(Method::getDeclaringClass)
                .filter(c -> !AnnotationSupport.isAnnotated(c, OcmtSuite.class)).collect(Collectors.toCollection(LinkedHashSet::new));
        for (Class<?> c : others) {
            entries.add(new Entry(tag(c), c.getSimpleName(), List.of(), "not a suite: a self-test sends its requests to reference stacks "
                    + "of its own, each with a budget of its own, never to this environment's target"));
        }
        return new Plan(env, List.copyOf(entries));
    }

    private static Entry entry(String tag, String what, Sends sends) {
        return new Entry(tag, what, sends.requests(), sends.note());
    }

    /** The run's own requests: the report's look at the release, the look at the login budget, the shared fixtures. */
    private static List<Entry> fixtures(List<Method> granted, Environment env) {
        Policy p = env.policy();
        List<Entry> out = new ArrayList<>();
        out.add(new Entry(RUN, "the report's environment widget", List.of(get(p.health().path(), 1,
                "the target's release (policy.health.releaseField), once when the target opens")), null));
        if (env.grants().mailbox().granted() || env.target().embedded()) {
            out.add(new Entry(RUN, "the look at this runner's login budget", List.of(
                    get(LimitedEndpoint.VERIFY, 1, "without a token, before the first test: what its RateLimit headers leave"),
                    post(LimitedEndpoint.LOGIN, 1, "without an address, the same for logins")), null));
        }
        long shared = granted.stream().filter(m -> takes(m, Session.class, true)).count();
        if (shared > 0) {
            out.add(new Entry(RUN, "the run's shared session, for " + shared + (shared == 1 ? " test" : " tests"), List.of(
                    post(LimitedEndpoint.LOGIN, 1, "one login for the run"), get(LimitedEndpoint.VERIFY, 1, "its link"),
                    get("/api/auth/me", (int) shared - 1, "before each later test that takes it: does it still work"),
                    post("/api/auth/logout", 1, "ended when the run does")), null));
        }
        if (granted.stream().anyMatch(m -> takes(m, SessionLifecycle.class, false))) {
            int max = p.session().maxPerUser();
            LoginNeed need = SessionLifecycle.need(p);
            int logins = need.logins();
            out.add(new Entry(RUN, "the run's session lifecycle (MAX_SESSIONS_PER_USER=" + max + ")", List.of(
                    post(LimitedEndpoint.LOGIN, logins, "one user logged in " + logins + " times, one more than the limit"),
                    get(LimitedEndpoint.VERIFY, logins, "their links"),
                    get("/api/auth/me", 2 * max + 1 + logins, "each session asked after each step: eviction, logout, revocation, revoke-others"),
                    get("/api/auth/sessions", 1, "the id of the session to revoke"),
                    https("DELETE", "/api/auth/sessions/{id}", 1, "one session revoked by id"),
                    https("DELETE", "/api/auth/sessions", 1, "the others revoked"),
                    post("/api/auth/logout", 1 + logins, "one logout step, then each session ended when the run does")), null));
        }
        return out;
    }

    private static boolean takes(Method m, Class<?> type, boolean shared) {
        for (Parameter param : m.getParameters()) {
            if (param.getType() == type && (!shared || param.isAnnotationPresent(SharedLogin.class))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why the environment skips the class ({@code m} null) or the test, from its {@link Requires} as JUnit
     * meets them (the class's first); an embedded stack grants everything when it starts.
     */
    private static Optional<String> missing(Class<?> suite, Method m, Environment env) {
        if (env.target().embedded()) {
            return Optional.empty();
        }
        Optional<String> bySuite = reasons(AnnotationSupport.findAnnotation(suite, Requires.class), env);
        return bySuite.isPresent() || m == null ? bySuite : reasons(AnnotationSupport.findAnnotation(m, Requires.class), env);
    }

    private static Optional<String> reasons(Optional<Requires> requires, Environment env) {
        String reasons = requires.stream().flatMap(r -> Arrays.stream(r.value())).map(g -> g.missing(env)).flatMap(Optional::stream)
                .distinct().collect(Collectors.joining("; "));
        return reasons.isEmpty() ? Optional.empty() : Optional.of(reasons);
    }

    private static String tag(Class<?> suite) {
        return AnnotationSupport.findRepeatableAnnotations(suite, Tag.class).stream().map(Tag::value).findFirst()
                .orElse(suite.getSimpleName());
    }

    // ---------------------------------------------------------------------------------------------
    // Printing
    // ---------------------------------------------------------------------------------------------

    /** Per tag: each test and what it sends, the totals and the budget they are held to. */
    public static String describe(Plan plan) {
        Environment env = plan.env();
        StringBuilder out = new StringBuilder("Requests the selected tests send to environment '" + env.name() + "' ("
                + (env.target().embedded() ? "the embedded reference stack" : env.target().httpsUrl())
                + "), per tag: how many, method, scheme and route, why:\n");
        for (String tag : plan.tags()) {
            List<Entry> entries = plan.entries().stream().filter(e -> e.tag().equals(tag)).toList();
            int count = entries.stream().mapToInt(Entry::count).sum();
            int atMost = entries.stream().mapToInt(Entry::atMost).sum();
            out.append("  ").append(tag).append(tag.equals(RUN) ? " (the run's own, shared by the tags below)" : "").append(": ")
                    .append(requests(count, atMost)).append('\n');
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.requests().isEmpty()) {
                    // Entries that send nothing for the same reason, one line.
                    List<String> names = new ArrayList<>(List.of(e.what()));
                    while (i + 1 < entries.size() && entries.get(i + 1).requests().isEmpty()
                            && String.valueOf(entries.get(i + 1).note()).equals(String.valueOf(e.note()))) {
                        String next = entries.get(++i).what();
                        names.add(suiteOf(next).equals(suiteOf(e.what())) ? shortName(next) : next);
                    }
                    out.append("    ").append(String.join(", ", names)).append(": ").append(e.note()).append('\n');
                    continue;
                }
                out.append("    ").append(e.what()).append('\n');
                for (Request r : e.requests()) {
                    out.append(String.format("      %s%4d  %-6s %-5s %-36s %s%n", r.upTo() ? "up to" : "     ", r.count(), r.method(), r.scheme(),
                            r.route(), r.why()));
                }
                if (!e.requests().isEmpty() && e.note() != null) {
                    out.append("      (").append(e.note()).append(")\n");
                }
            }
        }
        out.append("  In all: ").append(requests(plan.count(), plan.atMost())).append(". ").append(budget(plan)).append('\n');
        out.append("  Counts assume every answer is the one a passing check expects; a login moved to another address after a 429,\n"
                + "  or the shared session logged in again, adds a few.\n");
        return out.toString();
    }

    /** One line for the start of a real run: the budget and what the plan needs of it. */
    public static String budgetLine(Plan plan) {
        return "Request budget: " + RequestBudget.setting(plan.env()) + "; the selected tests plan " + requests(plan.count(), plan.atMost())
                + " (-D" + io.ocmt.verify.http.DryRun.PROPERTY + "=true lists them per tag, sending none)"
                + (fits(plan) ? "." : ": more than the budget, so the checks after it is spent end not verified.");
    }

    private static String budget(Plan plan) {
        return RequestBudget.setting(plan.env()) + (fits(plan) ? ": within it." : ": the run would stop at the budget, and every check "
                + "after it would end not verified.");
    }

    private static boolean fits(Plan plan) {
        Integer max = plan.env().policy().run().maxRequests();
        return max == null || max <= 0 || plan.atMost() <= max;
    }

    /** "TlsIT.protocols" and "TlsIT (before its tests)" → "TlsIT". */
    private static String suiteOf(String what) {
        return what.split("[. ]", 2)[0];
    }

    /** "TlsIT.protocols" → "protocols", after the first of a line has named the suite. */
    private static String shortName(String what) {
        int dot = what.indexOf('.');
        return dot < 0 ? what : what.substring(dot + 1);
    }

    private static String requests(int count, int atMost) {
        return count + (count == 1 ? " request" : " requests") + (atMost > count ? ", up to " + atMost : "");
    }
}
