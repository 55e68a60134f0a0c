package io.ocmt.verify.tls;

import io.ocmt.verify.referencestack.ThrowawayCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import nl.altindag.ssl.SSLFactory;
import nl.altindag.ssl.pem.util.PemUtils;

/**
 * A TLS server on 127.0.0.1 that completes handshakes with a certificate from a fresh CA, and
 * notes the SNI names clients send, so tests of clients can see what went over the wire.
 */
public final class LoopbackTlsServer implements AutoCloseable {

    private final ThrowawayCa ca = new ThrowawayCa();
    private final SSLServerSocket socket;
    private final List<String> serverNames = new CopyOnWriteArrayList<>();

    /** @param names what the certificate is issued for; address literals become IP entries */
    public LoopbackTlsServer(String... names) throws IOException {
        List<String> all = List.of(names);
        ThrowawayCa.Issued cert = ca.issueServer(all.stream().filter(n -> !isAddress(n)).toList(),
                all.stream().filter(LoopbackTlsServer::isAddress).toList(), Instant.now().minusSeconds(60), Duration.ofDays(30));
        SSLFactory server = SSLFactory.builder()
                .withIdentityMaterial(PemUtils.parseIdentityMaterial(cert.certificatePem(), cert.privateKeyPem(), null))
                .build();
        socket = (SSLServerSocket) server.getSslServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        SSLParameters params = socket.getSSLParameters();
        // Runs while the ClientHello is read, so a name is noted before the client's handshake can finish.
        params.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
            @Override
            public boolean matches(SNIServerName name) {
                serverNames.add(((SNIHostName) name).getAsciiName());
                return true;
            }
        }));
        socket.setSSLParameters(params);
        Thread acceptor = new Thread(this::serve, "loopback-tls-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (SSLSocket s = (SSLSocket) socket.accept()) {
                s.setSoTimeout(5_000);
                s.startHandshake();
            } catch (IOException ignored) {
                // A client refusing the certificate ends its handshake; tests look at the client's side of that.
            }
        }
    }

    /** A loopback port that nothing listens on (just now), for a refused connection. */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    public String caPem() {
        return ca.certificatePem();
    }

    /** Every SNI host name received so far, in order; a handshake without SNI adds nothing. */
    public List<String> serverNames() {
        return List.copyOf(serverNames);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static boolean isAddress(String name) {
        return name.matches("[0-9.:]+");
    }
}
