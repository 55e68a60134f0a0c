package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.TlsProbeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TCP connection per ClientHello. Counts connections (the benchmark reports them) and stops at
 * a budget so that a runaway enumeration cannot hammer a server.
 */
public final class Connector {

    private final InetSocketAddress address;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final int maxConnections;
    private final AtomicInteger connections = new AtomicInteger();

    public Connector(InetSocketAddress address, int connectTimeoutMillis, int readTimeoutMillis, int maxConnections) {
        this.address = address;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.maxConnections = maxConnections;
    }

    public int connections() {
        return connections.get();
    }

    /** Sends one ClientHello on a fresh connection and reads the answer. */
    public ServerResponse exchange(byte[] clientHello) {
        int n = connections.incrementAndGet();
        if (n > maxConnections) {
            throw new TlsProbeException("connection budget of " + maxConnections + " used up before the probe of "
                    + target() + " finished");
        }
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            // Close with RST: hundreds of probes must not leave hundreds of TIME_WAIT sockets.
            socket.setSoLinger(true, 0);
            try {
                socket.connect(address, connectTimeoutMillis);
            } catch (SocketTimeoutException e) {
                throw new TlsProbeException.Unreachable("cannot connect to " + target() + " within " + connectTimeoutMillis
                        + " ms", e);
            } catch (IOException e) {
                // Refused, no route, unreachable network: no connection, so no question was asked.
                throw new TlsProbeException.Unreachable("cannot connect to " + target() + ": " + e.getMessage()
                        + " (" + e.getClass().getSimpleName() + ")", e);
            }
            long deadline = System.nanoTime() + readTimeoutMillis * 1_000_000L;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(clientHello);
                out.flush();
                return ServerResponseReader.read(new DeadlineInputStream(socket, deadline), readTimeoutMillis);
            } catch (SocketException e) {
                // A reset (or a broken pipe): some servers refuse that way, and so does an IPS
                // that kills the scan. The caller counts it as unanswered, never as a refusal.
                return new ServerResponse.Closed(true);
            }
        } catch (IOException e) {
            throw new TlsProbeException("I/O error talking to " + target() + ": " + e, e);
        }
    }

    private String target() {
        return address.getHostString() + ":" + address.getPort();
    }

    /**
     * Bounds the whole answer, not each read: a server dripping one byte per second would
     * otherwise keep a per-read timeout from ever firing.
     */
    private static final class DeadlineInputStream extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadlineNanos;

        DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public int read() throws IOException {
            arm();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return in.read(b, off, len);
        }

        private void arm() throws IOException {
            long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            if (remainingMillis <= 0) {
                throw new SocketTimeoutException("read deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
        }
    }
}
