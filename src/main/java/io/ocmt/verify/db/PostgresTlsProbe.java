package io.ocmt.verify.db;

import io.ocmt.verify.report.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks PostgreSQL, in its own wire protocol, whether it lets a client in without TLS. No
 * credentials are needed or sent.
 *
 * <p>Fails closed: only pg_hba's refusal of the non-TLS start-up (an ErrorResponse with SQLSTATE
 * 28000, e.g. "no pg_hba.conf entry for host …, no encryption") is evidence that the server refuses
 * connections without TLS; only an authentication request (a password challenge, or
 * AuthenticationOk) is evidence that it accepts them. Anything else (another error such as a wrong
 * database or 28P01, a close, a reset, silence, something that is not PostgreSQL's protocol) is
 * neither, and is reported as such with what was seen.
 */
public final class PostgresTlsProbe {

    /** A user name for when none is known: a role that need not exist, since a hardened server refuses before looking it up. */
    public static final String PROBE_USER = "ocmt_verify_tls_probe";

    /** invalid_authorization_specification: what pg_hba's "reject" and "no pg_hba.conf entry" send. */
    public static final String PG_HBA_REJECTION = "28000";

    private static final int PROTOCOL_3_0 = 196608;
    private static final int SSL_REQUEST = 80877103;
    /** Notices and a protocol-version negotiation may come before the answer that matters. */
    private static final int MAX_MESSAGES = 8;

    /** What a start-up without TLS showed. */
    public enum Startup {
        /** pg_hba refused it before authentication (SQLSTATE 28000): the evidence of "TLS required". */
        REFUSED,
        /** The server asked for authentication (or let the client in) over the unencrypted connection. */
        ACCEPTED,
        /** Neither: an answer that proves nothing either way, or none. */
        UNKNOWN
    }

    /**
     * @param startup  what the answer proves
     * @param detail   what the server did, e.g. its error message or the authentication it asked for
     * @param sqlState the error's SQLSTATE when it answered with one, e.g. 28000, else ""
     */
    public record Outcome(Startup startup, String detail, String sqlState) {
    }

    /** What an SSLRequest showed. */
    public enum TlsOffer {
        /** 'S': the server is ready to start TLS. */
        OFFERED,
        /** 'N': the server does not do TLS. */
        NOT_OFFERED,
        /** Anything else, or nothing. */
        UNKNOWN
    }

    /** @param detail what the server answered, in words */
    public record TlsAnswer(TlsOffer offer, String detail) {
    }

    private PostgresTlsProbe() {
    }

    /** Sends SSLRequest: 'S' means TLS is offered, 'N' that it is not; anything else proves neither. */
    public static TlsAnswer offersTls(String host, int port, int timeoutMs) {
        try (Socket s = open(host, port, timeoutMs)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST);
            out.flush();
            int answer = s.getInputStream().read();
            return switch (answer) {
                case 'S' -> new TlsAnswer(TlsOffer.OFFERED, "it answered 'S' to an SSLRequest: TLS offered");
                case 'N' -> new TlsAnswer(TlsOffer.NOT_OFFERED, "it answered 'N' to an SSLRequest: no TLS");
                case -1 -> new TlsAnswer(TlsOffer.UNKNOWN, "it closed the connection without answering an SSLRequest");
                default -> new TlsAnswer(TlsOffer.UNKNOWN, "it answered an SSLRequest with " + describeByte(answer)
                        + ", neither 'S' nor 'N'");
            };
        } catch (SocketTimeoutException e) {
            return new TlsAnswer(TlsOffer.UNKNOWN, "no answer to an SSLRequest within " + timeoutMs + " ms");
        } catch (SocketException e) {
            return new TlsAnswer(TlsOffer.UNKNOWN, "the connection was reset before an answer to an SSLRequest ("
                    + e.getMessage() + ")");
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
            List<String> before = new ArrayList<>();
            Outcome outcome;
            try {
                sendStartup(out, user, database);
                outcome = answer(new DataInputStream(s.getInputStream()), before, timeoutMs);
            } catch (SocketTimeoutException e) {
                outcome = unknown(before, "no answer to the start-up message within " + timeoutMs + " ms", "");
            } catch (EOFException e) {
                outcome = unknown(before, "the connection was closed in the middle of a message", "");
            } catch (SocketException e) {
                outcome = unknown(before, "the connection was reset without an answer to the start-up message ("
                        + e.getMessage() + ")", "");
            }
            if (outcome.startup() == Startup.ACCEPTED) {
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

    private static void sendStartup(DataOutputStream out, String user, String database) throws IOException {
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
    }

    /** Reads messages up to the first that decides, past notices and a protocol-version negotiation. */
    private static Outcome answer(DataInputStream in, List<String> before, int timeoutMs) throws IOException {
        for (int i = 0; i < MAX_MESSAGES; i++) {
            int type = in.read();
            if (type < 0) {
                return unknown(before, "the server closed the connection without an answer", "");
            }
            int length = in.readInt();
            if (length < 4 || length > 64 * 1024) {
                return unknown(before, "the server answered something that is not PostgreSQL's protocol (" + describeByte(type)
                        + ", then a length of " + length + ")", "");
            }
            byte[] body = in.readNBytes(length - 4);
            if (body.length < length - 4) {
                return unknown(before, "the connection was closed in the middle of a '" + (char) type + "' message", "");
            }
            switch (type) {
                case 'E' -> {
                    Map<Character, String> fields = fields(body);
                    String code = fields.getOrDefault('C', "");
                    String message = Redactor.text(fields.getOrDefault('M', ""));
                    if (code.equals(PG_HBA_REJECTION)) {
                        return new Outcome(Startup.REFUSED, message, code);
                    }
                    return unknown(before, "it refused with SQLSTATE " + (code.isEmpty() ? "(none)" : code) + sqlStateName(code)
                            + " \"" + message + "\", which is not pg_hba's refusal of a connection without TLS (28000)", code);
                }
                case 'R' -> {
                    return new Outcome(Startup.ACCEPTED, "it asked for " + authentication(body) + " over the unencrypted connection", "");
                }
                case 'N' -> before.add("a notice \"" + Redactor.text(fields(body).getOrDefault('M', "")) + "\"");
                case 'v' -> before.add("a protocol version negotiation");
                default -> {
                    return unknown(before, "it answered message type '" + (char) type + "' where an authentication request or"
                            + " an error was due", "");
                }
            }
        }
        return unknown(before, "no authentication request or error within " + MAX_MESSAGES + " messages", "");
    }

    private static Outcome unknown(List<String> before, String what, String sqlState) {
        String prefix = before.isEmpty() ? "" : "after " + String.join(", ", before) + ": ";
        return new Outcome(Startup.UNKNOWN, prefix + what, sqlState);
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

    private static String sqlStateName(String code) {
        return switch (code) {
            case "28P01" -> " (invalid_password)";
            case "3D000" -> " (invalid_catalog_name: no such database)";
            case "53300" -> " (too_many_connections)";
            case "57P03" -> " (cannot_connect_now)";
            case "08P01" -> " (protocol_violation)";
            case "08004" -> " (sqlserver_rejected_establishment_of_sqlconnection)";
            default -> "";
        };
    }

    private static String describeByte(int b) {
        return b >= 0x20 && b < 0x7F ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
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
            case 7 -> "GSSAPI authentication";
            case 9 -> "SSPI authentication";
            case 10 -> "SCRAM authentication";
            default -> "authentication method " + code;
        };
    }
}
