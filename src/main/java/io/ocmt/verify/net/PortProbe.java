package io.ocmt.verify.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Whether a TCP port answers, as a scanner on the internet would see it, and if it does, what: a
 * PostgreSQL SSLRequest (8 bytes, no credentials) is sent, to which PostgreSQL answers one byte
 * ('S' or 'N') and Redis a RESP error. Nothing else is sent.
 */
public final class PortProbe {

    /** PostgreSQL's SSLRequest: length 8, code 80877103. */
    private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};

    public enum State { REFUSED, NO_ANSWER, OPEN }

    /** @param speaks what answered, for an open port: "PostgreSQL", "Redis", or what the first bytes looked like */
    public record Result(InetAddress address, int port, State state, String speaks) {
        public String describe() {
            String where = address.getHostAddress() + ":" + port;
            return switch (state) {
                case REFUSED -> where + " refused the connection";
                case NO_ANSWER -> where + " did not answer (filtered)";
                case OPEN -> where + " accepted a TCP connection" + (speaks == null ? "" : " and " + speaks);
            };
        }
    }

    private PortProbe() {
    }

    public static Result probe(InetAddress address, int port, int timeoutMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            return new Result(address, port, State.OPEN, identify(socket));
        } catch (ConnectException | NoRouteToHostException e) {
            return new Result(address, port, State.REFUSED, null);
        } catch (SocketTimeoutException e) {
            return new Result(address, port, State.NO_ANSWER, null);
        } catch (IOException e) {
            // Unreachable networks and the like: no connection was made, which is what the check wants.
            return new Result(address, port, State.REFUSED, null);
        }
    }

    private static String identify(Socket socket) {
        try {
            socket.getOutputStream().write(SSL_REQUEST);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            if (first == 'S' || first == 'N') {
                return "PostgreSQL answered its SSLRequest ('" + (char) first + "')";
            }
            if (first == '-') {
                return "answered a RESP error, as Redis does";
            }
            return first < 0 ? "closed it without a word" : "answered a byte 0x" + Integer.toHexString(first);
        } catch (IOException e) {
            return "sent nothing back";
        }
    }
}
