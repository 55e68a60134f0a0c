package io.ocmt.verify.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import io.ocmt.verify.http.CountingServer;
import io.ocmt.verify.http.DryRun;
import io.ocmt.verify.suites.AdminGuardIT;
import io.ocmt.verify.suites.HealthCheckIT;
import io.ocmt.verify.suites.HttpsRedirectIT;
import io.ocmt.verify.suites.MagicLinkAuthIT;
import io.ocmt.verify.suites.RateLimitIT;
import io.ocmt.verify.suites.SecurityHeadersIT;
import io.ocmt.verify.suites.TlsIT;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * The production guard rails with the real suites against a loopback target that counts what reaches
 * it, on HTTPS and plain HTTP, independently of the suite's own count: a dry run sends nothing and
 * prints its plan per tag; {@code grants.destructive: false} leaves the rate-limit tag out as not
 * verified, naming the key, and none of its requests reaches the target. Each has its control: the
 * same run without the guard does reach the target, so the counters can see what the guard stops.
 */
class GuardRailsTest {

    private static final String ENV = "loopback";
    /** As failsafe runs the suites (see the pom): the rate-limit suite after every other one. */
    private static final String ORDER = "junit.jupiter.testclass.order.default";
    private static final String BY_ORDER = "org.junit.jupiter.api.ClassOrderer$OrderAnnotation";

    @TempDir
    static Path project;
    private static CountingServer https;
    private static CountingServer http;
    private final Map<String, String> saved = new HashMap<>();

    @BeforeAll
    static void target() throws IOException {
        https = CountingServer.tls();
        http = new CountingServer();
        Path ca = project.resolve("ca.pem");
        Files.writeString(ca, https.caPem());
        Files.createDirectories(project.resolve("environments"));
        // What a staging or production file says, pointing at the counters; grants.destructive is left at its default, false.
        Files.writeString(project.resolve("environments").resolve(ENV + ".yaml"), "target:\n"
                + "  httpsUrl: https://localhost:" + https.port() + "/\n"
                + "  httpUrl: http://localhost:" + http.port() + "/\n"
                + "  tlsHost: localhost\n"
                + "  tlsPort: " + https.port() + "\n"
                + "  trust: { type: ca-file, caFile: " + ca + " }\n"
                + "  connectTimeoutMs: 2000\n"
                + "  readTimeoutMs: 5000\n"
                + "policy:\n"
                + "  run:\n"
                + "    maxRequests: 40\n");
    }

    @AfterAll
    static void stop() throws IOException {
        https.close();
        http.close();
    }

    @BeforeEach
    void environment() {
        for (String key : List.of("env", "ocmt.project.dir", DryRun.PROPERTY)) {
            saved.put(key, System.getProperty(key));
        }
        System.setProperty("env", ENV);
        System.setProperty("ocmt.project.dir", project.toString());
    }

    @AfterEach
    void restore() {
        saved.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Test
    void aDryRunOfTheSuitesSendsNothingAndPrintsWhatTheyWouldSendPerTag() throws IOException {
        int connections = https.connections();
        int plain = http.connections();
        System.setProperty(DryRun.PROPERTY, "true");

        // Through the launcher, as failsafe runs them: the listener that prints the plan takes part.
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request().selectors(suites()).configurationParameter(ORDER, BY_ORDER).build(), summary);
        TestExecutionSummary result = summary.getSummary();

        assertThat(https.connections()).as("connections to the HTTPS target during the dry run").isEqualTo(connections);
        assertThat(http.connections()).as("connections to the plain-HTTP target during the dry run").isEqualTo(plain);
        assertThat(result.getTestsStartedCount()).as("tests started").isZero();
        assertThat(result.getContainersSkippedCount()).as("suites (and their nested classes) skipped").isGreaterThanOrEqualTo(suites().length);
        String plan = Files.readString(project.resolve("target/request-plan.txt"));
        assertThat(plan).contains("Requests the selected tests send to environment '" + ENV + "' (https://localhost:" + https.port(),
                "  health: 1 request", "GET    https /health", "  headers: ", "GET    http  /", "  redirect: ", "  tls: 1 request",
                "no HTTP request: TLS handshakes", "  ratelimit: 0 requests",
                "RateLimitIT.vault, publicEndpoints, sessionEndpoints, countersLiveInRedis, windowsEnd: not run: grants.destructive is false "
                        + "in environment '" + ENV + "'",
                "policy.run.maxRequests is 40 in environment '" + ENV + "'");
        assertThat(Files.readString(project.resolve("target/requests.txt"))).contains("Dry run: nothing was sent.");

        // Control: the same client code without the dry run reaches the counters.
        System.setProperty(DryRun.PROPERTY, "false");
        List<Event> events = run(Map.of(), selectClass(HealthCheckIT.class));
        assertThat(https.requests()).as("what reached the target without the dry run").contains("GET /health HTTP/1.1");
        assertThat(events).anyMatch(e -> e.getType() == EventType.FINISHED && e.getTestDescriptor().isTest());
    }

    @Test
    void destructiveFalseLeavesTheRateLimitTagOutAsNotVerifiedAndNoneOfItsRequestsIsSent() {
        System.setProperty(DryRun.PROPERTY, "false");
        int before = https.requests().size();

        List<Event> events = run(Map.of(), selectClass(RateLimitIT.class));

        List<Event> skipped = events.stream().filter(e -> e.getType() == EventType.SKIPPED).toList();
        assertThat(skipped).as("RateLimitIT, skipped as a whole").hasSize(1);
        assertThat(skipped.get(0).getPayload(String.class)).hasValueSatisfying(reason -> assertThat(reason).isEqualTo(
                "Not verified: grants.destructive is false in environment '" + ENV + "', expected true: these tests use up the runner's "
                        + "rate-limit budget or send failed credentials that could lock a user or an address out"));
        assertThat(events).noneMatch(e -> e.getType() == EventType.STARTED && e.getTestDescriptor().isTest());
        assertThat(https.requests().subList(before, https.requests().size())).as("requests to the target while the tag was left out")
                .noneMatch(limitedRoute());

        // The malformed-link check is left out the same way, by its own annotation (its suite needs a mailbox first).
        Method malformed = method(MagicLinkAuthIT.class, "malformedAndUnknownTokensAreRefused");
        assertThat(AnnotationSupport.findAnnotation(malformed, Requires.class)).hasValueSatisfying(r -> assertThat(r.value())
                .contains(Grant.DESTRUCTIVE));

        // Control: granted (and held to a small budget, so it ends quickly against a target that never limits), it sends to limited routes.
        run(Map.of("grants.destructive", "true", "policy.run.maxRequests", "30"), selectClass(RateLimitIT.class));
        assertThat(https.requests().subList(before, https.requests().size())).as("requests to the target with destructive tests granted")
                .anyMatch(limitedRoute());
    }

    private static Predicate<String> limitedRoute() {
        return line -> line.matches("\\w+ /api/(auth/login|auth/verify|vault/\\w+|auth/me)\\b.*");
    }

    private static DiscoverySelector[] suites() {
        return new DiscoverySelector[] {selectClass(HealthCheckIT.class), selectClass(SecurityHeadersIT.class),
            selectClass(HttpsRedirectIT.class), selectClass(TlsIT.class), selectClass(AdminGuardIT.class), selectClass(MagicLinkAuthIT.class),
            selectClass(RateLimitIT.class)};
    }

    private static List<Event> run(Map<String, String> overrides, DiscoverySelector... selectors) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectors)
                .configurationParameter(ORDER, BY_ORDER)
                .configurationParameter(OcmtExtension.OVERRIDES, String.join("\n", overrides.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList()))
                .execute()
                .allEvents()
                .list();
    }

    private static Method method(Class<?> suite, String name) {
        return java.util.Arrays.stream(suite.getDeclaredMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }
}
