package io.ocmt.verify.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-HTTP server on 127.0.0.1 that counts every connection it accepts and every request line it
 * reads, and answers each request 200 with an empty JSON object, one request per connection: what a
 * test of the request budget or the dry run checks against, independent of the suite's own count.
 */
public final class CountingServer implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public CountingServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "counting-server-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(5000);
                List<String> head = RequestHead.read(s.getInputStream());
                requests.add(head.isEmpty() ? "" : head.get(0));
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
