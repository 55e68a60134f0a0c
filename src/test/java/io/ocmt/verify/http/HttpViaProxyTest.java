package io.ocmt.verify.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Secrets;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.referencestack.ThrowawayCa;
import io.ocmt.verify.tls.Trust;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import nl.altindag.ssl.SSLFactory;
import nl.altindag.ssl.pem.util.PemUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Http#via}: a CONNECT tunnel for the target's own host and port, TLS end to end through it
 * with the target's trust and host-name check, against a TLS server and a CONNECT proxy on 127.0.0.1.
 */
class HttpViaProxyTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void requestsGoThroughAConnectTunnelForTheTargetsOwnAddress() throws IOException {
        ThrowawayCa ca = new ThrowawayCa();
        TlsServer server = tlsServer(ca, "localhost");
        ConnectProxy proxy = connectProxy(server.port());
        Http http = Http.to(target(server.port(), ca)).via(proxy.uri());

        Exchange e = http.send("GET", URI.create("https://localhost:" + server.port() + "/api/admin/users"),
                Map.of("Authorization", "Bearer right-token"));

        assertThat(e.status()).isEqualTo(200);
        assertThat(proxy.requestLines).containsExactly("CONNECT localhost:" + server.port() + " HTTP/1.1");
        assertThat(server.requestLines).containsExactly("GET /api/admin/users HTTP/1.1");
        // The proxy saw a tunnel, never the request or its token: TLS ran through it end to end.
        assertThat(proxy.headerLines).noneMatch(h -> h.toLowerCase().startsWith("authorization"));
        assertThat(http.proxy()).contains(proxy.uri());
    }

    @Test
    void withoutViaNothingGoesThroughTheProxy() throws IOException {
        ThrowawayCa ca = new ThrowawayCa();
        TlsServer server = tlsServer(ca, "localhost");
        ConnectProxy proxy = connectProxy(server.port());
        Http direct = Http.to(target(server.port(), ca));
        direct.via(proxy.uri()); // a new client; this one stays direct

        assertThat(direct.get("/health").status()).isEqualTo(200);
        assertThat(proxy.requestLines).isEmpty();
        assertThat(direct.proxy()).isEmpty();
    }

    @Test
    void aProxyCannotAnswerInTheTargetsNameTheHostNameIsStillChecked() throws IOException {
        ThrowawayCa ca = new ThrowawayCa();
        TlsServer target = tlsServer(ca, "localhost");
        // Same CA, but issued for another host: a proxy that tunnels to it must not be believed.
        TlsServer impostor = tlsServer(ca, "other.example");
        ConnectProxy proxy = connectProxy(impostor.port());
        Http http = Http.to(target(target.port(), ca)).via(proxy.uri());

        // Nothing was answered by the target: not verified, naming the request, with the TLS failure as the cause.
        assertThatThrownBy(() -> http.get("/api/admin/users")).isInstanceOf(TargetUnreachableException.class)
                .hasMessageContaining("GET https://localhost:" + target.port() + "/api/admin/users via proxy")
                .hasMessageContaining("Certificate for <localhost> doesn't match")
                .hasCauseInstanceOf(SSLException.class);
        assertThat(proxy.requestLines).containsExactly("CONNECT localhost:" + target.port() + " HTTP/1.1");
        assertThat(impostor.requestLines).isEmpty();
        assertThat(target.requestLines).isEmpty();
    }

    @Test
    void aProxyIsAnHttpUrlWithHostAndPort() {
        Http http = Http.to(target(443, new ThrowawayCa()));
        for (String bad : List.of("https://proxy.test:3128", "http://proxy.test", "proxy.test:3128")) {
            assertThatThrownBy(() -> http.via(URI.create(bad))).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("http://host:port");
        }
    }

    private Target target(int port, ThrowawayCa ca) {
        try {
            Path pem = Files.writeString(dir.resolve("ca-" + System.nanoTime() + ".pem"), ca.certificatePem());
            Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of());
            return new Target(env, URI.create("https://localhost:" + port + "/"), URI.create("http://localhost:" + port + "/"),
                    "localhost", port, Trust.caFile(pem), new Secrets(env, k -> null, Map.of()), Set.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers every request 200 "ok", one request per connection, and records the request lines. */
    private TlsServer tlsServer(ThrowawayCa ca, String host) throws IOException {
        ThrowawayCa.Issued cert = ca.issueServer(List.of(host), List.of(), Instant.now().minusSeconds(60), Duration.ofDays(30));
        SSLFactory factory = SSLFactory.builder()
                .withIdentityMaterial(PemUtils.parseIdentityMaterial(cert.certificatePem(), cert.privateKeyPem(), null))
                .build();
        SSLServerSocket socket = (SSLServerSocket) factory.getSslServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        TlsServer server = new TlsServer(socket, new CopyOnWriteArrayList<>());
        open.add(socket);
        daemon(() -> {
            while (!socket.isClosed()) {
                try (SSLSocket s = (SSLSocket) socket.accept()) {
                    List<String> head = RequestHead.read(s.getInputStream());
                    server.requestLines.add(head.get(0));
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                            + "Connection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (IOException | RuntimeException ignored) {
                    // A refused handshake or a closed socket ends this connection; the test judges the rest.
                }
            }
        });
        return server;
    }

    record TlsServer(SSLServerSocket socket, List<String> requestLines) {
        int port() {
            return socket.getLocalPort();
        }
    }

    /**
     * A minimal CONNECT proxy: records what it was asked, then tunnels to {@code tunnelPort} on
     * loopback whatever host was asked for (so a test can make it lie).
     */
    private ConnectProxy connectProxy(int tunnelPort) throws IOException {
        ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        ConnectProxy proxy = new ConnectProxy(socket, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        open.add(socket);
        daemon(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    open.add(client);
                    List<String> head = RequestHead.read(client.getInputStream());
                    proxy.requestLines.add(head.get(0));
                    proxy.headerLines.addAll(head.subList(1, head.size()));
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), tunnelPort);
                    open.add(upstream);
                    client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                    daemon(() -> pipe(client, upstream));
                    daemon(() -> pipe(upstream, client));
                } catch (IOException | RuntimeException ignored) {
                    // Closed at the end of the test.
                }
            }
        });
        return proxy;
    }

    record ConnectProxy(ServerSocket socket, List<String> requestLines, List<String> headerLines) {
        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
        } catch (IOException ignored) {
            // Either side closing ends the tunnel.
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }
}
