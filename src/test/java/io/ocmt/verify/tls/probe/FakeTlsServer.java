package io.ocmt.verify.tls.probe;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A scripted TLS server on 127.0.0.1: it reads one ClientHello per connection, lets a rule decide
 * the answer (a ServerHello for one suite, an alert, raw bytes) and never goes further. It makes
 * the enumeration logic testable without OpenSSL and with misbehaviour OpenSSL never shows.
 */
final class FakeTlsServer implements AutoCloseable {

    /** The answer that resets the connection instead of closing it; recognised by identity. */
    static final byte[] RESET = new byte[0];
    /** The answer that closes the connection without a word. */
    static final byte[] CLOSE = new byte[] {};
    /** No answer at all: the client's read deadline ends the exchange. */
    static final byte[] SILENCE = null;

    static final int HANDSHAKE_FAILURE = 40;
    static final int PROTOCOL_VERSION = 70;

    private final ServerSocket socket;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-tls-server");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger connections = new AtomicInteger();
    private final List<ParsedClientHello> hellos = new CopyOnWriteArrayList<>();
    /**
     * Decides the answer: bytes to send, an empty array to hang up at once (FIN), {@link #RESET} to
     * abort the connection (RST), null to stay silent until the client gives up.
     */
    private final Function<ParsedClientHello, byte[]> rule;

    FakeTlsServer(Function<ParsedClientHello, byte[]> rule) throws IOException {
        this.rule = rule;
        this.socket = new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1"));
        workers.submit(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Every ClientHello received, in arrival order. */
    List<ParsedClientHello> hellos() {
        return hellos;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        workers.shutdownNow();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                workers.submit(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(5000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            int handshakeBytes = 0;
            int needed = -1;
            while (needed < 0 || handshakeBytes < needed) {
                byte[] header = new byte[5];
                in.readFully(header);
                int len = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
                byte[] body = new byte[len];
                in.readFully(body);
                records.write(header);
                records.write(body);
                if (needed < 0) {
                    needed = 4 + (((body[1] & 0xFF) << 16) | ((body[2] & 0xFF) << 8) | (body[3] & 0xFF));
                }
                handshakeBytes += len;
            }
            ParsedClientHello hello = ParsedClientHello.parse(records.toByteArray());
            hellos.add(hello);
            byte[] answer = rule.apply(hello);
            if (answer == RESET) {
                s.setSoLinger(true, 0); // close() now sends RST, as an IPS killing the connection does
                return;
            }
            if (answer != null && answer.length == 0) {
                return; // hang up without a word
            }
            if (answer != null) {
                OutputStream out = s.getOutputStream();
                out.write(answer);
                out.flush();
            }
            // Wait for the client to hang up, as a real server waits for its next flight.
            while (in.read() >= 0) {
                // discard
            }
        } catch (SocketException e) {
            // the probe resets connections on purpose
        } catch (IOException e) {
            // the probe hung up mid-hello, or the read timed out
        }
    }

    // ---- rules --------------------------------------------------------------------------------

    /**
     * A well-behaved server: per protocol version the suites it accepts, in its preference order.
     * TLS 1.3 is chosen when offered in supported_versions and configured.
     */
    static Function<ParsedClientHello, byte[]> accepting(Map<Integer, List<Integer>> suitesByVersion, boolean serverPreference) {
        return hello -> {
            int version = hello.offeredVersion();
            List<Integer> accepted = suitesByVersion.get(version);
            if (accepted == null) {
                return alert(PROTOCOL_VERSION);
            }
            Integer pick = null;
            if (serverPreference) {
                pick = accepted.stream().filter(hello.cipherSuites()::contains).findFirst().orElse(null);
            } else {
                pick = hello.cipherSuites().stream().filter(accepted::contains).findFirst().orElse(null);
            }
            return pick == null ? alert(HANDSHAKE_FAILURE) : serverHello(version, pick);
        };
    }

    /**
     * A server with per-version suites (in its preference order) and groups: TLS 1.3 with no
     * usable key share answers a HelloRetryRequest for its first group the client lists, TLS 1.2
     * picks an ECDHE suite only with a listed group (RFC 8422 5.1), and no common group gets
     * {@code refusal} (an alert, or an empty array to hang up).
     */
    static Function<ParsedClientHello, byte[]> withGroups(Map<Integer, List<Integer>> suitesByVersion,
            Map<Integer, List<Integer>> groupsByVersion, List<Integer> ecdheSuites, byte[] refusal) {
        return hello -> {
            int version = hello.offeredVersion();
            List<Integer> suites = suitesByVersion.get(version);
            if (suites == null) {
                return alert(PROTOCOL_VERSION);
            }
            Integer group = hello.supportedGroups().stream()
                    .filter(groupsByVersion.getOrDefault(version, List.of())::contains).findFirst().orElse(null);
            Integer suite = suites.stream().filter(hello.cipherSuites()::contains)
                    .filter(s -> group != null || version == 0x0304 || !ecdheSuites.contains(s))
                    .findFirst().orElse(null);
            if (suite == null || (version == 0x0304 && group == null)) {
                return refusal;
            }
            if (version == 0x0304) {
                return hello.keyShareGroups().contains(group) ? serverHello(version, suite) : helloRetryRequest(suite, group);
            }
            return serverHello(version, suite);
        };
    }

    /** Like the given rule, but hangs up without a word when offered more than maxSuites suites. */
    static Function<ParsedClientHello, byte[]> chokingAbove(int maxSuites, Function<ParsedClientHello, byte[]> rule) {
        return hello -> hello.cipherSuites().size() > maxSuites ? new byte[0] : rule.apply(hello);
    }

    /** Like the given rule, but answers {@code how} (silence, close, reset) to the hellos {@code when} picks. */
    static Function<ParsedClientHello, byte[]> unansweredWhen(Predicate<ParsedClientHello> when, byte[] how,
            Function<ParsedClientHello, byte[]> rule) {
        return hello -> when.test(hello) ? how : rule.apply(hello);
    }

    /**
     * An IPS in front of the given rule: the first {@code allowed} ClientHellos get through, every
     * later one gets {@code how} (silence, close, reset), as when a scan is detected mid-way.
     */
    static Function<ParsedClientHello, byte[]> ipsAfter(int allowed, byte[] how, Function<ParsedClientHello, byte[]> rule) {
        AtomicInteger seen = new AtomicInteger();
        return hello -> seen.incrementAndGet() > allowed ? how : rule.apply(hello);
    }

    // ---- answers ------------------------------------------------------------------------------

    static byte[] alert(int description) {
        return new byte[] {21, 3, 3, 0, 2, 2, (byte) description};
    }

    /** A minimal ServerHello; for 0x0304 with supported_versions and an x25519 key share. */
    static byte[] serverHello(int version, int suite) {
        Bytes ext = new Bytes();
        if (version == 0x0304) {
            ext.u16(0x002b).u16(2).u16(0x0304);
            ext.u16(0x0033).u16(36).u16(0x001d).u16(32).zeros(32);
        } else {
            ext.u16(0xff01).u16(1).u8(0);
        }
        return handshakeRecord(helloBody(version == 0x0304 ? 0x0303 : version, new byte[32], suite, ext.toByteArray()));
    }

    static byte[] helloRetryRequest(int suite, int group) {
        byte[] random = HexFormat.of().parseHex(
                "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
        Bytes ext = new Bytes();
        ext.u16(0x002b).u16(2).u16(0x0304);
        ext.u16(0x0033).u16(2).u16(group);
        return handshakeRecord(helloBody(0x0303, random, suite, ext.toByteArray()));
    }

    private static byte[] helloBody(int version, byte[] random, int suite, byte[] extensions) {
        Bytes b = new Bytes();
        b.u16(version).bytes(random).u8(0).u16(suite).u8(0).u16(extensions.length).bytes(extensions);
        return b.toByteArray();
    }

    private static byte[] handshakeRecord(byte[] helloBody) {
        Bytes hs = new Bytes().u8(2).u24(helloBody.length).bytes(helloBody);
        byte[] h = hs.toByteArray();
        return new Bytes().u8(22).u16(0x0303).u16(h.length).bytes(h).toByteArray();
    }

    /** Tiny big-endian writer, separate from the production one on purpose. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return u8(v >>> 8).u8(v & 0xFF);
        }

        Bytes u24(int v) {
            return u8(v >>> 16).u16(v & 0xFFFF);
        }

        Bytes bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Bytes zeros(int n) {
            return bytes(new byte[n]);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
