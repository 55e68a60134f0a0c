package io.ocmt.verify.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Secrets;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.tls.LoopbackTlsServer;
import io.ocmt.verify.tls.Trust;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * {@link Http} on plain HTTP against a server on 127.0.0.1 that records the raw request head: what the
 * redirect checks send must be what reaches the wire, and a port nobody listens on must abort the
 * check as not verified, naming the URL, rather than fail it.
 */
class HttpPlainTest {

    private static final String FOREIGN = "ocmt-verify-foreign.invalid";

    private ServerSocket server;
    private final List<List<String>> heads = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aHostHeaderGoesOnTheWireInsteadOfTheUrlsHost() throws IOException {
        int port = start();
        Http http = Http.to(target(port));

        Exchange e = http.send("GET", URI.create("http://127.0.0.1:" + port + "/health"), Map.of("Host", FOREIGN));

        assertThat(e.status()).isEqualTo(301);
        // One Host line, the one given: HttpClient 4 adds its own only where the request has none.
        assertThat(heads).singleElement().satisfies(head -> {
            assertThat(head.get(0)).isEqualTo("GET /health HTTP/1.1");
            assertThat(headerValues(head, "Host")).containsExactly(FOREIGN);
        });
    }

    @Test
    void withoutAHostHeaderTheUrlsAuthorityIsSent() throws IOException {
        int port = start();

        Http.to(target(port)).plainGet("/health");

        assertThat(heads).singleElement()
                .satisfies(head -> assertThat(headerValues(head, "Host")).containsExactly("localhost:" + port));
    }

    @Test
    void aForwardedHostTravelsBesideTheRealHost() throws IOException {
        int port = start();

        Http.to(target(port)).send("GET", URI.create("http://localhost:" + port + "/"), Map.of("X-Forwarded-Host", FOREIGN));

        assertThat(heads).singleElement().satisfies(head -> {
            assertThat(headerValues(head, "Host")).containsExactly("localhost:" + port);
            assertThat(headerValues(head, "X-Forwarded-Host")).containsExactly(FOREIGN);
        });
    }

    @Test
    void aClosedPortAbortsTheCheckAsNotVerifiedNamingTheUrl() throws IOException {
        int closed = LoopbackTlsServer.closedPort();
        Http http = Http.to(target(closed));

        assertThatThrownBy(() -> http.plainGet("/health"))
                .isInstanceOf(TestAbortedException.class)
                .isInstanceOf(TargetUnreachableException.class)
                .isNotInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Not verified: GET http://localhost:" + closed + "/health could not be sent: ")
                .hasMessageContaining("Connection refused");
    }

    /** Answers every request with nginx's 301 to https, one request per connection, and keeps each request head. */
    private int start() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    heads.add(RequestHead.read(s.getInputStream()));
                    s.getOutputStream().write(("HTTP/1.1 301 Moved Permanently\r\nLocation: https://localhost/\r\n"
                            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (IOException ignored) {
                    // The server socket closed at the end of the test.
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private static List<String> headerValues(List<String> head, String name) {
        return head.subList(1, head.size()).stream()
                .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).trim())
                .toList();
    }

    /** Only plain HTTP is spoken here, so the system trust is never consulted. */
    private static Target target(int port) {
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of());
        return new Target(env, URI.create("https://localhost:" + port + "/"), URI.create("http://localhost:" + port + "/"),
                "localhost", port, Trust.system(), new Secrets(env, k -> null, Map.of()), Set.of());
    }
}
