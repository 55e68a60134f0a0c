package io.ocmt.verify.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.tls.LoopbackTlsServer;
import io.ocmt.verify.tls.Trust;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preflight's messages for an unreachable or untrusted target, against servers on 127.0.0.1. */
class TargetsTest {

    @TempDir
    Path dir;

    private LoopbackTlsServer tlsServer;
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
        return target(tlsPort, httpPort, trust, Map.of());
    }

    private Target target(int tlsPort, int httpPort, Trust trust, Map<String, String> systemProperties) {
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), systemProperties);
        return new Target(env, URI.create("https://localhost:" + tlsPort + "/"), URI.create("http://localhost:" + httpPort + "/"),
                "localhost", tlsPort, trust, new Secrets(env, k -> null, Map.of()), Set.of());
    }

    /** A TLS server on loopback with a certificate from a fresh CA for {@code host}, and a plain port beside it. */
    private void serveCertificateFor(String host) throws IOException {
        tlsServer = new LoopbackTlsServer(host);
        plainServer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @Test
    void refusedConnectionNamesTheUrlOnce() throws IOException {
        int port = LoopbackTlsServer.closedPort();
        assertThatThrownBy(() -> Targets.check(target(port, port, Trust.system())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("https://localhost:" + port + "/ is unreachable")
                .hasMessageContaining("Fix:");
    }

    @Test
    void aPortThatTakesConnectionsButSpeaksNoTlsIsNotCalledUnreachable() throws IOException {
        // Listening but never accepting: the kernel completes TCP, nobody answers the ClientHello.
        plainServer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        int port = plainServer.getLocalPort();
        assertThatThrownBy(() -> Targets.check(target(port, port, Trust.system(), Map.of("ocmt.target.readTimeoutMs", "300"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("accepted a connection but no TLS handshake finished within 300 ms")
                .hasMessageContaining("Fix: check that localhost:" + port + " speaks TLS");
    }

    @Test
    void certificateFromAnUnknownCaNamesTheTrustUsed() throws IOException {
        serveCertificateFor("localhost");
        assertThatThrownBy(() -> Targets.check(target(tlsServer.port(), plainServer.getLocalPort(), Trust.system())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not trusted by the JVM's system trust store")
                .hasMessageContaining("trust.caFile");
    }

    @Test
    void certificateForAnotherHostIsAHostNameProblem() throws IOException {
        serveCertificateFor("other.example");
        Path pem = Files.writeString(dir.resolve("ca.pem"), tlsServer.caPem());
        assertThatThrownBy(() -> Targets.check(target(tlsServer.port(), plainServer.getLocalPort(), Trust.caFile(pem))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not trusted by the CA file " + pem)
                .hasMessageContaining("target.tlsHost");
    }

    @Test
    void trustedCertificateAndAnsweringPortsPass() throws IOException {
        serveCertificateFor("localhost");
        Path pem = Files.writeString(dir.resolve("ca.pem"), tlsServer.caPem());
        assertThatCode(() -> Targets.check(target(tlsServer.port(), plainServer.getLocalPort(), Trust.caFile(pem))))
                .doesNotThrowAnyException();
    }

    @Test
    void unreadableCaFileSaysWhatToSupply() throws IOException {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> Trust.caFile(notPem)).isInstanceOf(ConfigException.class).hasMessageContaining("PEM");
    }
}
