package io.ocmt.verify.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.referencestack.ThrowawayCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import io.ocmt.verify.tls.Trust;
import nl.altindag.ssl.SSLFactory;
import nl.altindag.ssl.pem.util.PemUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preflight's messages for an unreachable or untrusted target, against servers on 127.0.0.1. */
class TargetsTest {

    @TempDir
    Path dir;

    private SSLServerSocket tlsServer;
    private ServerSocket plainServer;

    @AfterEach
    void close() throws IOException {
        if (tlsServer != null) {
            tlsServer.close();
        }
        if (plainServer != null) {
            plainServer.close();
        }
    }

    private Target target(int tlsPort, int httpPort, Trust trust) {
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of());
        return new Target(env, URI.create("https://localhost:" + tlsPort + "/"), URI.create("http://localhost:" + httpPort + "/"),
                "localhost", tlsPort, trust, new Secrets(env, k -> null, Map.of()), Set.of());
    }

    /** A TLS server on loopback that completes handshakes with a certificate from a fresh CA for {@code host}. */
    private ThrowawayCa serveCertificateFor(String host) throws IOException {
        ThrowawayCa ca = new ThrowawayCa();
        ThrowawayCa.Issued cert = ca.issueServer(List.of(host), List.of(), Instant.now().minusSeconds(60), Duration.ofDays(30));
        SSLFactory server = SSLFactory.builder()
                .withIdentityMaterial(PemUtils.parseIdentityMaterial(cert.certificatePem(), cert.privateKeyPem(), null))
                .build();
        tlsServer = (SSLServerSocket) server.getSslServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!tlsServer.isClosed()) {
                try (SSLSocket s = (SSLSocket) tlsServer.accept()) {
                    s.startHandshake();
                } catch (IOException ignored) {
                    // The client refusing our certificate ends its handshake; that is the case under test.
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        plainServer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        return ca;
    }

    @Test
    void refusedConnectionNamesTheUrlOnce() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        int port = closed;
        assertThatThrownBy(() -> Targets.check(target(port, port, Trust.system())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("https://localhost:" + port + "/ is unreachable")
                .hasMessageContaining("Fix:");
    }

    @Test
    void certificateFromAnUnknownCaNamesTheTrustUsed() throws IOException {
        serveCertificateFor("localhost");
        assertThatThrownBy(() -> Targets.check(target(tlsServer.getLocalPort(), plainServer.getLocalPort(), Trust.system())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not trusted by the JVM's system trust store")
                .hasMessageContaining("trust.caFile");
    }

    @Test
    void certificateForAnotherHostIsAHostNameProblem() throws IOException {
        ThrowawayCa ca = serveCertificateFor("other.example");
        Path pem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        assertThatThrownBy(() -> Targets.check(target(tlsServer.getLocalPort(), plainServer.getLocalPort(), Trust.caFile(pem))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not trusted by the CA file " + pem)
                .hasMessageContaining("target.tlsHost");
    }

    @Test
    void trustedCertificateAndAnsweringPortsPass() throws IOException {
        ThrowawayCa ca = serveCertificateFor("localhost");
        Path pem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        assertThatCode(() -> Targets.check(target(tlsServer.getLocalPort(), plainServer.getLocalPort(), Trust.caFile(pem))))
                .doesNotThrowAnyException();
    }

    @Test
    void unreadableCaFileSaysWhatToSupply() throws IOException {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> Trust.caFile(notPem)).isInstanceOf(ConfigException.class).hasMessageContaining("PEM");
    }
}
