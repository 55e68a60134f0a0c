package io.ocmt.verify.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The request plan is the one place that knows what each suite sends: complete (every test of every
 * suite has its entry, every entry names a test or a suite's set-up), and derived from the policy and
 * the environment, so a dry run against production lists what production would get.
 */
class RequestPlanTest {

    private static final Path REPO = Path.of("").toAbsolutePath();

    /** Every suite class, as the build compiles them. */
    static List<Class<?>> suites() {
        Path dir = REPO.resolve("target/test-classes/io/ocmt/verify/suites");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith("IT.class"))
                    .<Class<?>>map(f -> load("io.ocmt.verify.suites." + f.substring(0, f.length() - ".class".length())))
                    .filter(c -> AnnotationSupport.isAnnotated(c, OcmtSuite.class))
                    .sorted(Comparator.comparing(Class::getSimpleName)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test methods of {@code suites}, as the run's test plan lists them. */
    static List<Method> tests(List<Class<?>> suites) {
        List<Method> out = new ArrayList<>();
        for (Class<?> suite : suites) {
            Arrays.stream(suite.getDeclaredMethods())
                    .filter(m -> AnnotationSupport.isAnnotated(m, Test.class) || AnnotationSupport.isAnnotated(m, TestFactory.class))
                    .sorted(Comparator.comparing(Method::getName)).forEach(out::add);
        }
        return out;
    }

    @Test
    void everyTestOfEverySuiteHasItsEntryAndEveryEntryATest() {
        List<Class<?>> suites = suites();
        assertThat(suites).hasSizeGreaterThanOrEqualTo(13);
        Set<String> expected = new TreeSet<>();
        for (Method m : tests(suites)) {
            expected.add(m.getDeclaringClass().getSimpleName() + "." + m.getName());
        }
        // A suite that sends before its tests (@BeforeAll with a client of the target) has an entry of its own.
        for (Class<?> suite : suites) {
            boolean sendsBefore = Arrays.stream(suite.getDeclaredMethods())
                    .filter(m -> AnnotationSupport.isAnnotated(m, BeforeAll.class))
                    .anyMatch(m -> Arrays.stream(m.getParameterTypes()).anyMatch(t -> t == io.ocmt.verify.http.Http.class
                            || t == io.ocmt.verify.config.Target.class));
            if (sendsBefore) {
                expected.add(suite.getSimpleName());
            }
        }
        // RateLimitIT's @BeforeAll only builds its client.
        expected.remove("RateLimitIT");
        assertThat(new TreeSet<>(RequestPlan.TABLE.keySet())).as("RequestPlan.TABLE: what each suite test sends")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void productionGetsWhatItsPolicyAndGrantsSayAndNothingDestructive() {
        Environment production = Environments.load("production", REPO, Map.of(), Map.of());
        RequestPlan.Plan plan = RequestPlan.of(tests(suites()), production);
        String text = RequestPlan.describe(plan);

        // headers: the responses of policy.headers.responses, then the plain-HTTP hops of policy.redirect.paths.
        assertThat(entry(plan, "SecurityHeadersIT (before its tests)").requests()).extracting(RequestPlan.Request::key)
                .containsExactly("GET https /health", "GET https /api/auth/me", "GET https /this-route-does-not-exist", "GET https /");
        assertThat(entry(plan, "SecurityHeadersIT.noVersionBanners").requests()).extracting(RequestPlan.Request::key)
                .containsExactly("GET http /", "GET http /health");
        // No mailbox, no destructive grant: those tests are not run, and say why.
        assertThat(entry(plan, "RateLimitIT.publicEndpoints").note()).startsWith("not run: grants.destructive is false in environment 'production'");
        assertThat(entry(plan, "MagicLinkAuthIT.malformedAndUnknownTokensAreRefused").note()).startsWith("not run: grants.mailbox.type is none");
        assertThat(entry(plan, "AdminGuardIT.adminAnswersRightToken").note()).contains("grants no secret adminToken");
        assertThat(plan.entries()).filteredOn(e -> e.tag().equals("ratelimit")).allMatch(e -> e.requests().isEmpty());
        // What production gets is what a reader of the plan sees, within its budget.
        assertThat(plan.atMost()).isPositive().isLessThanOrEqualTo(production.policy().run().maxRequests());
        assertThat(text).contains("  headers: 10 requests, up to 28", "  ratelimit: 0 requests", "policy.run.maxRequests is 500 in environment "
                + "'production': within it.", "TlsIT (before its tests), certificate, cipherSuites, keyExchangeGroups, negotiatedDefaults, "
                + "protocols: no HTTP request: TLS handshakes, not counted by policy.run.maxRequests");
    }

    @Test
    void theRateLimitTagSendsTheSumOfEachLimitPlusOneAndItsSessionsAndChecks() {
        Environment reference = Environments.load("reference", REPO, Map.of(), Map.of());
        List<Class<?>> rateLimit = List.of(load("io.ocmt.verify.suites.RateLimitIT"));
        RequestPlan.Plan plan = RequestPlan.of(tests(rateLimit), reference);
        int limits = reference.policy().rateLimits().stream().mapToInt(l -> l.limit() + 1).sum();
        int ratelimit = plan.entries().stream().filter(e -> e.tag().equals("ratelimit")).mapToInt(RequestPlan.Entry::count).sum();
        // Σ(limit + 1), 4 backoff attempts, 7 bypass requests, two sessions: login, verification and logout each, the vault set up.
        assertThat(ratelimit).isEqualTo(limits + 4 + 7 + 2 * 3 + 1);
        assertThat(RequestPlan.describe(plan)).contains("api general (GET /api/auth/me): the limit (1000 per 3600 s) less the logout");
    }

    @Test
    void theReferenceRunFitsItsBudgetAndTheRunsOwnFixturesAreCountedOnce() {
        Environment reference = Environments.load("reference", REPO, Map.of(), Map.of());
        RequestPlan.Plan plan = RequestPlan.of(tests(suites()), reference);
        assertThat(plan.entries()).filteredOn(e -> e.tag().equals(RequestPlan.RUN)).extracting(RequestPlan.Entry::what)
                .containsExactly("the report's environment widget", "the look at this runner's login budget",
                        "the run's shared session, for 8 tests", "the run's session lifecycle (MAX_SESSIONS_PER_USER=5)");
        assertThat(plan.atMost()).isLessThanOrEqualTo(reference.policy().run().maxRequests());
        // The plan and the login plan agree on logins: POST /api/auth/login per the login plan, the look included.
        int loginPlan = LoginPlan.of(tests(suites()), reference).stream().mapToInt(l -> l.need().logins()).sum();
        int ratelimitLogins = plan.entries().stream().filter(e -> e.tag().equals("ratelimit"))
                .flatMap(e -> e.requests().stream()).filter(r -> r.key().equals("POST https /api/auth/login") && r.why().contains("@Spends"))
                .mapToInt(RequestPlan.Request::count).sum();
        assertThat(plan.entries().stream().filter(e -> !e.tag().equals("ratelimit")).flatMap(e -> e.requests().stream())
                .filter(r -> r.key().equals("POST https /api/auth/login")).mapToInt(RequestPlan.Request::count).sum() + ratelimitLogins)
                .isEqualTo(loginPlan);
    }

    private static RequestPlan.Entry entry(RequestPlan.Plan plan, String what) {
        return plan.entries().stream().filter(e -> e.what().equals(what)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + what + " in " + plan.entries()));
    }
}
