package io.ocmt.verify.http;

import io.ocmt.verify.referencestack.ThrowawayCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import nl.altindag.ssl.SSLFactory;
import nl.altindag.ssl.pem.util.PemUtils;

/**
 * A server on 127.0.0.1 that counts every connection it accepts (a handshake or a port check alone
 * included) and every request line it reads, and answers each request 200 with an empty JSON object,
 * one request per connection: what a test of the request budget or the dry run checks against,
 * independent of the suite's own count. Plain HTTP, or {@link #tls()} with a certificate for localhost
 * from a fresh CA, a target an environment file can name (trusted through {@code target.trust.caFile}).
 */
public final class CountingServer implements AutoCloseable {

    private final ServerSocket server;
    private final ThrowawayCa ca;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** Plain HTTP. */
    public CountingServer() throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), null);
    }

    /** HTTPS, with a certificate for localhost and 127.0.0.1 from a fresh CA ({@link #caPem()}). */
    public static CountingServer tls() throws IOException {
        ThrowawayCa ca = new ThrowawayCa();
        ThrowawayCa.Issued cert = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Instant.now().minusSeconds(60),
                Duration.ofDays(1));
        SSLFactory tls = SSLFactory.builder()
                .withIdentityMaterial(PemUtils.parseIdentityMaterial(cert.certificatePem(), cert.privateKeyPem(), null))
                .build();
        return new CountingServer(tls.getSslServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()), ca);
    }

    private CountingServer(ServerSocket server, ThrowawayCa ca) {
        this.server = server;
        this.ca = ca;
        Thread t = new Thread(this::serve, (ca == null ? "counting-server-" : "counting-tls-server-") + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(5000);
                if (s instanceof SSLSocket tls) {
                    tls.startHandshake();
                }
                List<String> head = RequestHead.read(s.getInputStream());
                if (head.isEmpty()) {
                    continue; // a connection alone (a handshake, a port check): counted above, no request
                }
                requests.add(head.get(0));
                byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
            } catch (IOException ignored) {
                // A client that connected and left without a request (a TLS probe, a port check) is counted all the same.
            }
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The PEM of the CA that issued the server's certificate, for {@code target.trust.caFile}; a {@link #tls()} server's only. */
    public String caPem() {
        if (ca == null) {
            throw new IllegalStateException("a plain-HTTP CountingServer has no certificate: use CountingServer.tls()");
        }
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
