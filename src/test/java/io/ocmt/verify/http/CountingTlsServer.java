package io.ocmt.verify.http;

import io.ocmt.verify.referencestack.ThrowawayCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import nl.altindag.ssl.SSLFactory;
import nl.altindag.ssl.pem.util.PemUtils;

/**
 * {@link CountingServer} over TLS, with a certificate for localhost from a fresh CA: a target an
 * environment file can name (https, trusted through {@code target.trust.caFile}), so a whole suite can
 * be run against it and what reached it counted independently of the suite's own count. Counts every
 * connection accepted (a handshake alone, as the target check makes, included) and every request line
 * read; answers each request 200 with an empty JSON object, one request per connection.
 */
public final class CountingTlsServer implements AutoCloseable {

    private final ThrowawayCa ca = new ThrowawayCa();
    private final SSLServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public CountingTlsServer() throws IOException {
        ThrowawayCa.Issued cert = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Instant.now().minusSeconds(60),
                Duration.ofDays(1));
        SSLFactory tls = SSLFactory.builder()
                .withIdentityMaterial(PemUtils.parseIdentityMaterial(cert.certificatePem(), cert.privateKeyPem(), null))
                .build();
        server = (SSLServerSocket) tls.getSslServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "counting-tls-server-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(5000);
                ((SSLSocket) s).startHandshake();
                List<String> head = RequestHead.read(s.getInputStream());
                if (head.isEmpty()) {
                    continue; // a handshake alone: the target check
                }
                requests.add(head.get(0));
                byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
            } catch (IOException ignored) {
                // A client that left during the handshake or before a request is counted all the same.
            }
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The PEM of the CA that issued the server's certificate, for {@code target.trust.caFile}. */
    public String caPem() {
        return ca.certificatePem();
    }

    /** Every connection accepted, whatever came over it. */
    public int connections() {
        return connections.get();
    }

    /** The request lines read, in order: "GET /health HTTP/1.1". */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
