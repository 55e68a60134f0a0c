package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.TlsAlert;
import io.ocmt.verify.tls.probe.TlsProbeException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.HandshakeType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads a server's answer to one ClientHello, up to the first complete ServerHello or alert.
 *
 * <p>Nothing here can loop or allocate without bound: every length is checked against a limit
 * before it is read, the number of records is capped, and blocking is the stream's business (the
 * probe hands in a stream with a read deadline; tests hand in byte arrays).
 */
public final class ServerResponseReader {

    /** RFC 8446 5.2: a record may carry at most 2^14 + 2048 bytes (ciphertext, the largest kind). */
    public static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;

    /** A ServerHello is a few hundred bytes; anything this large is not one. */
    static final int MAX_HANDSHAKE_LENGTH = 1 << 16;

    /** Warning alerts and fragments a server may send before its ServerHello is complete. */
    static final int MAX_RECORDS = 64;

    private static final int RECORD_HEADER = 5;
    private static final int PLAIN_TEXT_PREVIEW = 120;

    private final InputStream in;
    private long bytesRead;

    private ServerResponseReader(InputStream in) {
        this.in = in;
    }

    /**
     * @param timeoutMillis only for messages: the deadline the stream enforces
     * @throws TlsProbeException for anything that is not a well-formed TLS answer
     * @throws IOException       for a transport failure (reset, ...)
     */
    public static ServerResponse read(InputStream in, long timeoutMillis) throws IOException {
        ServerResponseReader r = new ServerResponseReader(in);
        try {
            return r.readResponse();
        } catch (SocketTimeoutException e) {
            if (r.bytesRead == 0) {
                return new ServerResponse.Silent(timeoutMillis);
            }
            throw new TlsProbeException("truncated answer: " + r.bytesRead + " bytes arrived, then nothing for "
                    + timeoutMillis + " ms before the ServerHello was complete", e);
        }
    }

    private ServerResponse readResponse() throws IOException {
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        for (int records = 0; records < MAX_RECORDS; records++) {
            byte[] header = new byte[RECORD_HEADER];
            int got = readUpTo(header, RECORD_HEADER);
            if (got == 0) {
                if (handshake.size() > 0) {
                    throw new TlsProbeException("truncated handshake: connection closed after " + handshake.size()
                            + " bytes of a ServerHello");
                }
                return new ServerResponse.Closed(false);
            }
            if (records == 0) {
                rejectNonTls(header, got);
            }
            if (got < RECORD_HEADER) {
                throw new TlsProbeException("truncated record header: connection closed after " + got + " of 5 bytes ("
                        + hex(header, got) + ")");
            }
            int type = header[0] & 0xFF;
            int version = ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
            int length = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
            if (header[1] != 3) {
                throw new TlsProbeException("malformed record header " + hex(header, RECORD_HEADER)
                        + ": version 0x" + Integer.toHexString(version) + " is not SSLv3/TLS");
            }
            if (length > MAX_RECORD_LENGTH) {
                throw new TlsProbeException("record length " + length + " exceeds the TLS maximum of "
                        + MAX_RECORD_LENGTH + " (header " + hex(header, RECORD_HEADER) + ")");
            }
            if (length == 0) {
                throw new TlsProbeException("empty " + ContentType.getName((short) type) + " record: TLS forbids it");
            }
            byte[] payload = new byte[length];
            int n = readUpTo(payload, length);
            if (n < length) {
                throw new TlsProbeException("truncated record: header announces " + length + " bytes of "
                        + ContentType.getName((short) type) + ", connection closed after " + n);
            }

            switch (type) {
                case ContentType.alert -> {
                    TlsAlert alert = alert(payload);
                    // A warning such as unrecognized_name may precede a normal ServerHello.
                    if (alert.level() == AlertLevel.warning && alert.description() != AlertDescription.close_notify) {
                        continue;
                    }
                    return new ServerResponse.Alert(alert);
                }
                case ContentType.handshake -> {
                    handshake.write(payload, 0, payload.length);
                    ServerHello hello = completeServerHello(handshake.toByteArray());
                    if (hello != null) {
                        return new ServerResponse.Hello(hello);
                    }
                }
                default -> throw new TlsProbeException("unexpected " + ContentType.getText((short) type)
                        + " record before the ServerHello");
            }
        }
        throw new TlsProbeException("no complete ServerHello within " + MAX_RECORDS + " records");
    }

    /** The ServerHello once all its fragments are in, null while more are needed. */
    private static ServerHello completeServerHello(byte[] hs) {
        if (hs.length >= 1 && (hs[0] & 0xFF) != HandshakeType.server_hello) {
            throw new TlsProbeException("expected ServerHello, got handshake message "
                    + HandshakeType.getText((short) (hs[0] & 0xFF)));
        }
        if (hs.length < 4) {
            return null;
        }
        int length = ((hs[1] & 0xFF) << 16) | ((hs[2] & 0xFF) << 8) | (hs[3] & 0xFF);
        if (length > MAX_HANDSHAKE_LENGTH) {
            throw new TlsProbeException("ServerHello length " + length + " exceeds the probe's limit of "
                    + MAX_HANDSHAKE_LENGTH);
        }
        if (hs.length < 4 + length) {
            return null;
        }
        return ServerHello.parse(Arrays.copyOfRange(hs, 4, 4 + length));
    }

    private static TlsAlert alert(byte[] payload) {
        if (payload.length != 2) {
            throw new TlsProbeException("malformed alert record: " + payload.length + " bytes, expected 2 ("
                    + hex(payload, Math.min(payload.length, 16)) + ")");
        }
        return new TlsAlert(payload[0] & 0xFF, payload[1] & 0xFF);
    }

    /** Turns the first bytes of a non-TLS answer into a message a person recognises. */
    private void rejectNonTls(byte[] header, int got) throws IOException {
        int b0 = header[0] & 0xFF;
        if (got >= 2 && b0 >= ContentType.change_cipher_spec && b0 <= ContentType.heartbeat && header[1] == 3) {
            return;
        }
        if (got == 1 && b0 >= ContentType.change_cipher_spec && b0 <= ContentType.heartbeat) {
            return; // the short read is reported as truncation
        }
        // SSLv2 record: 2-byte length with the top bit set, then message type 4 (SERVER-HELLO).
        if (got >= 3 && (b0 & 0x80) != 0 && (header[2] & 0xFF) == 4) {
            throw new TlsProbeException("not an SSLv3/TLS answer: the server replied with an SSLv2 SERVER-HELLO");
        }
        if (printable(header, got)) {
            byte[] more = new byte[PLAIN_TEXT_PREVIEW];
            int extra = 0;
            try {
                extra = readLine(more);
            } catch (SocketTimeoutException e) {
                // what arrived is enough to name the protocol
            }
            String text = new String(header, 0, got, StandardCharsets.ISO_8859_1)
                    + new String(more, 0, extra, StandardCharsets.ISO_8859_1);
            throw new TlsProbeException("not a TLS server: it answered in plain text \"" + text.strip() + "\"");
        }
        throw new TlsProbeException("not a TLS server: the answer starts with " + hex(header, got));
    }

    private int readLine(byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int b = in.read();
            if (b < 0 || b == '\n') {
                break;
            }
            bytesRead++;
            buf[n++] = (byte) b;
        }
        return n;
    }

    private static boolean printable(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            int c = b[i] & 0xFF;
            if (!(c == '\t' || c == '\r' || c == '\n' || (c >= 0x20 && c < 0x7F))) {
                return false;
            }
        }
        return len > 0;
    }

    /** Reads until buf has len bytes or the stream ends; returns how many arrived. */
    private int readUpTo(byte[] buf, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(buf, n, len - n);
            if (r < 0) {
                break;
            }
            n += r;
            bytesRead += r;
        }
        return n;
    }

    private static String hex(byte[] b, int len) {
        return HexFormat.ofDelimiter(" ").formatHex(b, 0, len);
    }
}
