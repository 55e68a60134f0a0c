package io.ocmt.verify.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ocmt.verify.junit.OcmtExtension;
import io.ocmt.verify.referencestack.ThrowawayCa;
import io.ocmt.verify.tls.Trust;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import nl.altindag.ssl.SSLFactory;
import nl.altindag.ssl.pem.util.PemUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * {@code -Docmt.expectRelease}: against a loopback HTTPS server whose {@code /health} reports a release,
 * the preflight of a remote target stops with one line naming both values and the fix, and for the
 * embedded stack every test fails with that line when the target is opened.
 */
class ExpectedReleaseTest {

    @TempDir
    Path dir;

    private HttpsServer server;
    private ServerSocket plainPort;
    private Path caPem;
    private volatile int status = 200;
    private volatile String body = "{\"status\":\"ok\",\"release\":\"1.4.2\"}";
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void serveHealth() throws IOException {
        ThrowawayCa ca = new ThrowawayCa();
        ThrowawayCa.Issued cert = ca.issueServer(List.of("localhost"), List.of(), Instant.now().minusSeconds(60), Duration.ofDays(30));
        SSLFactory identity = SSLFactory.builder()
                .withIdentityMaterial(PemUtils.parseIdentityMaterial(cert.certificatePem(), cert.privateKeyPem(), null)).build();
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
        server.setHttpsConfigurator(new HttpsConfigurator(identity.getSslContext()));
        server.createContext("/health", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        plainPort = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        caPem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    }

    @AfterEach
    void stop() throws IOException {
        server.stop(0);
        plainPort.close();
    }

    private int httpsPort() {
        return server.getAddress().getPort();
    }

    private Target target() {
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of());
        return new Target(env, URI.create("https://localhost:" + httpsPort() + "/"), URI.create("http://localhost:" + plainPort.getLocalPort() + "/"),
                "localhost", httpsPort(), Trust.caFile(caPem), new Secrets(env, k -> null, Map.of()), Set.of());
    }

    @Test
    void theReleaseTheTargetReportsPasses() {
        assertThat(Preflight.requireRelease(target(), "1.4.2")).isEqualTo(", release 1.4.2 as expected");
        assertThat(requests).hasValue(1);
    }

    @Test
    void nothingIsAskedWhereNoReleaseIsExpected() {
        assertThat(Preflight.requireRelease(target(), "")).isEmpty();
        assertThat(Preflight.requireRelease(target(), null)).isEmpty();
        assertThat(requests).hasValue(0);
    }

    @Test
    void anotherReleaseIsOneLineWithBothValuesAndTheFix() {
        assertThatThrownBy(() -> Preflight.requireRelease(target(), "1.5.0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Target https://localhost:" + httpsPort() + "/ (https://localhost:" + httpsPort() + "/health) reports release"
                        + " 1.4.2 in field 'release', but this run expects 1.5.0 (-Docmt.expectRelease). Fix: let the deployment of 1.5.0"
                        + " finish, or point -Denv at the environment it went to; where 1.4.2 is the release to sign, run with"
                        + " -Docmt.expectRelease=1.4.2.");
    }

    @Test
    void aHealthThatDoesNotSayItsReleaseCannotConfirmIt() {
        body = "{\"status\":\"ok\"}";
        assertThatThrownBy(() -> Preflight.requireRelease(target(), "1.5.0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("/health) has no field 'release' (policy.health.releaseField), so this run cannot confirm the release"
                        + " it expects, 1.5.0 (-Docmt.expectRelease). Fix: make /health publish the deployed release in 'release'");
        status = 503;
        body = "{\"status\":\"degraded\",\"release\":\"1.5.0\"}";
        assertThatThrownBy(() -> Preflight.requireRelease(target(), "1.5.0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("/health) answers 503, so this run cannot confirm");
        status = 200;
        body = "not json";
        assertThatThrownBy(() -> Preflight.requireRelease(target(), "1.5.0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no field 'release'");
    }

    @Test
    void anUnreachableHealthSaysSo() throws IOException {
        Target target = target();
        server.stop(0);
        assertThatThrownBy(() -> Preflight.requireRelease(target, "1.5.0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("could not be read").hasMessageContaining("1.5.0 (-Docmt.expectRelease)");
    }

    @Test
    void thePreflightOfARemoteTargetStopsBeforeAnyTest() throws IOException {
        Path project = dir.resolve("project");
        Files.createDirectories(project.resolve("environments"));
        Files.writeString(project.resolve("environments/loopback.yaml"), String.join("\n",
                "target:",
                "  httpsUrl: https://localhost:" + httpsPort() + "/",
                "  httpUrl: http://localhost:" + plainPort.getLocalPort() + "/",
                "  tlsHost: localhost",
                "  tlsPort: " + httpsPort(),
                "  trust: {type: ca-file, caFile: " + caPem + "}",
                ""));
        Environment env = Environments.load("loopback", project, Map.of(), Map.of());
        assertThat(Preflight.run(env, project, "1.4.2")).endsWith("answers, certificate trusted by the CA file " + caPem
                + ", release 1.4.2 as expected.");
        assertThat(Preflight.run(env, project, "")).endsWith("answers, certificate trusted by the CA file " + caPem + ".");
        assertThatThrownBy(() -> Preflight.run(env, project, "1.5.0")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Target https://localhost:" + httpsPort() + "/ (https://localhost:" + httpsPort() + "/health)"
                        + " reports release 1.4.2");
    }

    @Test
    void thePreflightOfAReusedStackReadsItsHealth() throws IOException {
        Path project = dir.resolve("reused");
        Files.createDirectories(project.resolve("environments"));
        Files.createDirectories(project.resolve("target"));
        Files.copy(Path.of("environments/reference.yaml"), project.resolve("environments/reference.yaml"));
        Files.writeString(StackEndpoints.runningFile(project), new StackEndpoints("https://localhost:" + httpsPort() + "/",
                "http://localhost:" + plainPort.getLocalPort() + "/", "localhost", httpsPort(), caPem, Set.of(), Map.of()).toEnvFile());
        Environment env = Environments.load("reference", project, Map.of(), Map.of());
        assertThat(Preflight.run(env, project, "1.4.2")).isEqualTo("Environment 'reference': reusing the running reference stack at"
                + " https://localhost:" + httpsPort() + "/, release 1.4.2 as expected.");
        assertThatThrownBy(() -> Preflight.run(env, project, "1.5.0")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Target https://localhost:" + httpsPort() + "/ (https://localhost:" + httpsPort() + "/health)"
                        + " reports release 1.4.2 in field 'release', but this run expects 1.5.0");
    }

    @Test
    void theStackARunWouldStartIsJudgedBeforeItStarts() {
        // No running stack here: the preflight knows the release the stack would report without starting it.
        Path project = dir.resolve("fresh");
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of());
        String saved = System.getProperty(Targets.SUITE_VERSION);
        System.setProperty(Targets.SUITE_VERSION, "9.9.9");
        try {
            assertThat(Targets.referenceStackRelease()).isEqualTo("reference-9.9.9");
            assertThat(Preflight.requireStackRelease(env, "reference-9.9.9")).isEqualTo(", release reference-9.9.9 as expected");
            assertThat(Preflight.requireStackRelease(env, "")).isEmpty();
            assertThatThrownBy(() -> Preflight.run(env, project, "1.5.0")).isInstanceOf(ConfigException.class)
                    .hasMessage("The reference stack environment 'reference' starts reports release reference-9.9.9 in field 'release'"
                            + " of /health, but this run expects 1.5.0 (-Docmt.expectRelease). Fix: point -Denv at the environment 1.5.0"
                            + " was deployed to, or run without -Docmt.expectRelease (or with -Docmt.expectRelease=reference-9.9.9)"
                            + " against the reference stack.");
        } finally {
            if (saved == null) {
                System.clearProperty(Targets.SUITE_VERSION);
            } else {
                System.setProperty(Targets.SUITE_VERSION, saved);
            }
        }
        assertThat(requests).hasValue(0);
    }

    @Test
    void aNotApplicableItemTheChecklistDoesNotHaveStopsThePreflight() {
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(),
                Map.of("ocmt.policy.run.notApplicable", "{pairing-mode: no messaging channels, admin-allowlist: typo}"));
        assertThatThrownBy(() -> Preflight.requireKnownChecklistItems(env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("policy.run.notApplicable in environment 'reference' names admin-allowlist, which is no item of the"
                        + " hardening checklist. Fix: use the items' ids (admin-token, agent-server-token,");
        Environment noReason = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(),
                Map.of("ocmt.policy.run.notApplicable", "{pairing-mode: ''}"));
        assertThatThrownBy(() -> Preflight.requireKnownChecklistItems(noReason)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gives no reason for pairing-mode");
    }

    /** A suite test as the embedded stack's run has them: it takes the target from the extension. */
    @ExtendWith(OcmtExtension.class)
    static class NeedsTheTarget {
        @Test
        void first(Target target) {
        }

        @Test
        void second(Target target) {
        }
    }

    @Test
    void theEmbeddedStackIsCheckedWhenOpenedAndEveryTestFailsWithTheOneLine() throws IOException {
        // A project whose reference stack is "running" at the loopback server: the run reuses it and opens it.
        Path project = dir.resolve("embedded");
        Files.createDirectories(project.resolve("environments"));
        Files.createDirectories(project.resolve("target"));
        Files.copy(Path.of("environments/reference.yaml"), project.resolve("environments/reference.yaml"));
        Files.writeString(StackEndpoints.runningFile(project), new StackEndpoints("https://localhost:" + httpsPort() + "/",
                "http://localhost:" + plainPort.getLocalPort() + "/", "localhost", httpsPort(), caPem, Set.of(), Map.of()).toEnvFile());
        Map<String, String> saved = Map.of("env", String.valueOf(System.getProperty("env")),
                "ocmt.project.dir", String.valueOf(System.getProperty("ocmt.project.dir")),
                Preflight.EXPECT_RELEASE, String.valueOf(System.getProperty(Preflight.EXPECT_RELEASE)));
        System.setProperty("env", "reference");
        System.setProperty("ocmt.project.dir", project.toString());
        System.setProperty(Preflight.EXPECT_RELEASE, "1.5.0");
        List<Event> failed;
        try {
            failed = EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsTheTarget.class)).execute()
                    .testEvents().failed().list();
        } finally {
            saved.forEach((k, v) -> {
                if (v.equals("null")) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
        assertThat(failed).hasSize(2).allSatisfy(e -> assertThat(e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow().getMessage())
                .isEqualTo("Target https://localhost:" + httpsPort() + "/ (https://localhost:" + httpsPort() + "/health) reports release"
                        + " 1.4.2 in field 'release', but this run expects 1.5.0 (-Docmt.expectRelease). Fix: let the deployment of 1.5.0"
                        + " finish, or point -Denv at the environment it went to; where 1.4.2 is the release to sign, run with"
                        + " -Docmt.expectRelease=1.4.2."));
        assertThat(requests).hasValue(1);
    }
}
