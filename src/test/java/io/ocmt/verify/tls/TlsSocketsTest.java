package io.ocmt.verify.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import nl.altindag.ssl.SSLFactory;
import nl.altindag.ssl.pem.util.PemUtils;
import org.junit.jupiter.api.Test;

/** The one way the suite opens a TLS connection, against servers on 127.0.0.1. */
class TlsSocketsTest {

    private static final int CONNECT_MS = 2_000;
    private static final int READ_MS = 5_000;

    private static SSLSocketFactory trusting(LoopbackTlsServer server) {
        return SSLFactory.builder().withTrustMaterial(PemUtils.parseTrustMaterial(server.caPem())).build().getSslSocketFactory();
    }

    @Test
    void onlyHostNamesGoIntoSni() {
        assertThat(TlsSockets.isAddressLiteral("127.0.0.1")).isTrue();
        assertThat(TlsSockets.isAddressLiteral("::1")).isTrue();
        assertThat(TlsSockets.isAddressLiteral("fe80::1")).as("IPv6 with letters").isTrue();
        assertThat(TlsSockets.isAddressLiteral("localhost")).isFalse();
        assertThat(TlsSockets.isAddressLiteral("1.example")).as("a name that starts with a digit").isFalse();
        assertThat(TlsSockets.isAddressLiteral("10.0.0.1.nip.io")).isFalse();
    }

    @Test
    void aTrustedServerIsHandshakenWithAndGetsTheHostNameAsSni() throws IOException {
        try (LoopbackTlsServer server = new LoopbackTlsServer("localhost");
             SSLSocket socket = TlsSockets.open(trusting(server), "localhost", server.port(), CONNECT_MS, READ_MS, true)) {
            assertThat(socket.getSession().isValid()).isTrue();
            assertThat(socket.getSession().getPeerCertificates()).isNotEmpty();
            assertThat(socket.getSoTimeout()).isEqualTo(READ_MS);
            assertThat(server.serverNames()).containsExactly("localhost");
        }
    }

    @Test
    void anAddressLiteralIsCheckedAgainstTheCertificateButNotSentAsSni() throws IOException {
        try (LoopbackTlsServer server = new LoopbackTlsServer("127.0.0.1");
             SSLSocket socket = TlsSockets.open(trusting(server), "127.0.0.1", server.port(), CONNECT_MS, READ_MS, true)) {
            assertThat(socket.getSession().isValid()).isTrue();
            assertThat(server.serverNames()).isEmpty();
        }
    }

    @Test
    void aCertificateForAnotherNameFailsInsideTheHandshake() throws IOException {
        try (LoopbackTlsServer server = new LoopbackTlsServer("other.example")) {
            assertThatThrownBy(() -> TlsSockets.open(trusting(server), "localhost", server.port(), CONNECT_MS, READ_MS, true))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasRootCauseInstanceOf(CertificateException.class)
                    .hasMessageContaining("localhost");
        }
    }

    @Test
    void withoutHostNameCheckingTheSameCertificateCanBeLookedAt() throws IOException {
        try (LoopbackTlsServer server = new LoopbackTlsServer("other.example");
             SSLSocket socket = TlsSockets.open(trusting(server), "localhost", server.port(), CONNECT_MS, READ_MS, false)) {
            assertThat(socket.getSession().getPeerPrincipal().getName()).isEqualTo("CN=other.example");
            assertThat(server.serverNames()).containsExactly("localhost");
        }
    }

    @Test
    void theFactoryChoosesProtocolAndSuite() throws IOException {
        String suite = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
        try (LoopbackTlsServer server = new LoopbackTlsServer("localhost")) {
            SSLSocketFactory tls12Only = SSLFactory.builder()
                    .withTrustMaterial(PemUtils.parseTrustMaterial(server.caPem()))
                    .withProtocols("TLSv1.2")
                    .withCiphers(suite)
                    .build().getSslSocketFactory();
            try (SSLSocket socket = TlsSockets.open(tls12Only, "localhost", server.port(), CONNECT_MS, READ_MS, true)) {
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
                assertThat(socket.getSession().getCipherSuite()).isEqualTo(suite);
            }
        }
    }

    @Test
    void aRefusedConnectionIsNotConnectedNamingHostPortAndTheJdksReason() throws IOException {
        int port = LoopbackTlsServer.closedPort();
        assertThatThrownBy(() -> TlsSockets.open(SSLFactory.builder().withDefaultTrustMaterial().build().getSslSocketFactory(),
                "localhost", port, CONNECT_MS, READ_MS, true))
                .isInstanceOf(TlsSockets.NotConnected.class)
                .hasCauseInstanceOf(ConnectException.class)
                .hasMessage("cannot connect to localhost:" + port + ": " + "Connection refused (ConnectException)");
    }

    @Test
    void aServerThatNeverAnswersTheHelloTimesOutInTheHandshakeNotTheConnect() throws IOException {
        // Listening but never accepting: the kernel completes TCP, nobody answers the ClientHello.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> TlsSockets.open(SSLFactory.builder().withDefaultTrustMaterial().build().getSslSocketFactory(),
                    "localhost", silent.getLocalPort(), CONNECT_MS, 300, true))
                    .isInstanceOf(SocketTimeoutException.class)
                    .isNotInstanceOf(TlsSockets.NotConnected.class);
        }
    }
}
