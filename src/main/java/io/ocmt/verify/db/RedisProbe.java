package io.ocmt.verify.db;

import io.ocmt.verify.report.Redactor;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal Redis client speaking RESP over one socket: enough to see whether Redis answers without
 * a password and how it is configured. No client library's retries, pools or reconnects get between
 * the suite and what Redis actually says.
 */
public final class RedisProbe implements AutoCloseable {

    /** One RESP reply: a simple string, an error, an integer, a bulk string (null for nil) or an array. */
    public record Reply(char type, String text, List<Reply> elements) {
        public boolean isError() {
            return type == '-';
        }

        /** The error's code, e.g. NOAUTH or ERR; empty for other replies. */
        public String errorCode() {
            if (!isError() || text == null) {
                return "";
            }
            int space = text.indexOf(' ');
            return space < 0 ? text : text.substring(0, space);
        }

        @Override
        public String toString() {
            return switch (type) {
                case '-' -> "error \"" + Redactor.text(text) + "\"";
                case '*' -> elements == null ? "nil array" : "array of " + elements.size();
                case '$' -> text == null ? "nil" : "\"" + Redactor.text(text) + "\"";
                default -> "\"" + Redactor.text(text) + "\"";
            };
        }
    }

    private static final int MAX_BULK = 1 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String where;

    private RedisProbe(Socket socket, String where) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.where = where;
    }

    public static RedisProbe connect(String host, int port, int timeoutMs) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            return new RedisProbe(socket, host + ":" + port);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing was opened.
            }
            throw new UncheckedIOException("Cannot reach Redis at " + host + ":" + port + " (grants.redis): " + e.getMessage()
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    public String where() {
        return where;
    }

    public Reply command(String... args) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            buf.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                buf.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                buf.write(b);
                buf.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write(buf.toByteArray());
            out.flush();
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis at " + where + " did not answer " + args[0] + ": " + e.getMessage(), e);
        }
    }

    /**
     * CONFIG GET's flat name/value array as a map; an error reply is returned as the only entry under
     * "error". The value of every setting the {@link Redactor} calls secret (requirepass, masterauth,
     * …) is registered with it as it is read, so it is masked wherever it turns up later; show the
     * map with {@link Redactor#settings}.
     */
    public static Map<String, String> pairs(Reply reply) {
        Map<String, String> map = new LinkedHashMap<>();
        if (reply.elements() == null) {
            return map;
        }
        for (int i = 0; i + 1 < reply.elements().size(); i += 2) {
            put(map, reply.elements().get(i).text(), reply.elements().get(i + 1).text());
        }
        return map;
    }

    /** INFO's "key:value" lines as a map; secret values are registered as by {@link #pairs}. */
    public static Map<String, String> info(Reply reply) {
        Map<String, String> map = new LinkedHashMap<>();
        if (reply.text() == null) {
            return map;
        }
        for (String line : reply.text().split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                put(map, line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return map;
    }

    private static void put(Map<String, String> map, String name, String value) {
        if (Redactor.isSecretName(name)) {
            Redactor.registerSecret(value);
        }
        map.put(name, value);
    }

    static Reply read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        String line = line(in);
        return switch (type) {
            case '+', '-', ':' -> new Reply((char) type, line, null);
            case '$' -> {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    yield new Reply('$', null, null);
                }
                if (len > MAX_BULK) {
                    throw new IOException("bulk reply of " + len + " bytes is larger than a probe needs");
                }
                byte[] data = in.readNBytes(len);
                if (data.length != len) {
                    throw new EOFException("connection closed inside a bulk reply");
                }
                line(in);
                yield new Reply('$', new String(data, StandardCharsets.UTF_8), null);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield new Reply('*', null, null);
                }
                List<Reply> elements = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    elements.add(read(in));
                }
                yield new Reply('*', null, elements);
            }
            default -> throw new IOException("not a RESP reply (first byte 0x" + Integer.toHexString(type) + ")");
        };
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed inside a reply line");
            }
            if (prev == '\r' && c == '\n') {
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            if (b.size() > 64 * 1024) {
                throw new IOException("reply line longer than a probe needs");
            }
            b.write(c);
            prev = c;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // The probe is done either way.
        }
    }
}
