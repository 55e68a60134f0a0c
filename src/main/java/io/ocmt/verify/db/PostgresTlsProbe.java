package io.ocmt.verify.db;

import io.ocmt.verify.report.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Asks PostgreSQL, in its own wire protocol, whether it lets a client in without TLS: a startup
 * message sent in the clear is either refused by pg_hba (an error before any authentication) or
 * answered with an authentication request, which means the server would talk in the clear. No
 * credentials are needed or sent.
 */
public final class PostgresTlsProbe {

    /** A user name for when none is known: a role that need not exist, since a hardened server refuses before looking it up. */
    public static final String PROBE_USER = "ocmt_verify_tls_probe";

    private static final int PROTOCOL_3_0 = 196608;
    private static final int SSL_REQUEST = 80877103;

    /**
     * @param accepted  the server went on to authentication (or let the client in) without TLS
     * @param detail    what the server said, e.g. its error message or the authentication it asked for
     * @param sqlState  the error's SQLSTATE when it refused, e.g. 28000
     */
    public record Outcome(boolean accepted, String detail, String sqlState) {
    }

    private PostgresTlsProbe() {
    }

    /** Sends SSLRequest: true when the server answers 'S' (it offers TLS). */
    public static boolean offersTls(String host, int port, int timeoutMs) {
        try (Socket s = open(host, port, timeoutMs)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST);
            out.flush();
            int answer = s.getInputStream().read();
            return answer == 'S';
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL at " + host + ":" + port + " did not answer an SSLRequest: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a session without TLS, as a client with sslmode=disable would. pg_hba rules can differ by
     * role and database, so the caller names the ones a real client uses where it knows them.
     */
    public static Outcome plaintextStartup(String host, int port, String user, String database, int timeoutMs) {
        try (Socket s = open(host, port, timeoutMs)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            ByteArrayOutputStream params = new ByteArrayOutputStream();
            for (String p : new String[] {"user", user, "database", database, "application_name", "ocmt-verify"}) {
                params.write(p.getBytes(StandardCharsets.UTF_8));
                params.write(0);
            }
            params.write(0);
            out.writeInt(8 + params.size());
            out.writeInt(PROTOCOL_3_0);
            out.write(params.toByteArray());
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int type = in.read();
            if (type < 0) {
                return new Outcome(false, "the server closed the connection without an answer", "");
            }
            int length = in.readInt();
            if (length < 4 || length > 64 * 1024) {
                return new Outcome(false, "the server answered something that is not PostgreSQL's protocol", "");
            }
            byte[] body = in.readNBytes(length - 4);
            Outcome outcome = switch (type) {
                case 'E' -> {
                    Map<Character, String> fields = fields(body);
                    yield new Outcome(false, Redactor.text(fields.getOrDefault('M', "")), fields.getOrDefault('C', ""));
                }
                case 'R' -> new Outcome(true, "it asked for " + authentication(body) + " over the unencrypted connection", "");
                default -> new Outcome(true, "it answered message type '" + (char) type + "' over the unencrypted connection", "");
            };
            if (outcome.accepted()) {
                try {
                    // Terminate: leave nothing half-open on the server.
                    out.write('X');
                    out.writeInt(4);
                    out.flush();
                } catch (IOException ignored) {
                    // The server hung up first; the verdict stands.
                }
            }
            return outcome;
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL at " + host + ":" + port + " did not answer a startup message: " + e.getMessage(), e);
        }
    }

    /** Connected, or an exception that says no connection came about: "did not answer" would blame PostgreSQL for a wrong address. */
    private static Socket open(String host, int port, int timeoutMs) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            return s;
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Nothing was opened.
            }
            throw new UncheckedIOException("Cannot reach PostgreSQL at " + host + ":" + port + " (grants.postgres): "
                    + e.getMessage() + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    static Map<Character, String> fields(byte[] body) {
        Map<Character, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char code = (char) body[i++];
            int start = i;
            while (i < body.length && body[i] != 0) {
                i++;
            }
            fields.put(code, new String(body, start, i - start, StandardCharsets.UTF_8));
            i++;
        }
        return fields;
    }

    private static String authentication(byte[] body) {
        if (body.length < 4) {
            return "authentication";
        }
        int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
        return switch (code) {
            case 0 -> "nothing (it let the client in without a password)";
            case 3 -> "a clear-text password";
            case 5 -> "an MD5 password";
            case 10 -> "SCRAM authentication";
            default -> "authentication method " + code;
        };
    }
}
