package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.TlsProbeException;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.NamedGroup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The fields of a ServerHello (or HelloRetryRequest) the probe needs.
 *
 * @param legacyVersion     the version field of the message itself
 * @param negotiatedVersion supported_versions when present (TLS 1.3), else legacyVersion
 * @param selectedGroup     for a HelloRetryRequest the group the server asks for; for a TLS 1.3
 *                          ServerHello the group of its key share; empty before TLS 1.3
 */
public record ServerHello(
        int legacyVersion,
        int negotiatedVersion,
        byte[] random,
        int cipherSuite,
        int compression,
        boolean helloRetryRequest,
        OptionalInt selectedGroup,
        Map<Integer, byte[]> extensions) {

    /** RFC 8446 4.1.3: a HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest"). */
    static final byte[] HELLO_RETRY_REQUEST_RANDOM = HexFormat.of().parseHex(
            "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    /** RFC 8446 4.1.3: a TLS 1.3 server negotiating an older version ends its random with this. */
    static final byte[] DOWNGRADE_SENTINEL = "DOWNGRD".getBytes(StandardCharsets.US_ASCII);

    public ServerHello {
        random = random.clone();
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    @Override
    public byte[] random() {
        return random.clone();
    }

    /**
     * True when a server that negotiated TLS 1.2 or older marked its random as TLS 1.3 capable:
     * it would have spoken TLS 1.3 had the client offered it.
     */
    public boolean downgradeSentinel() {
        byte[] tail = Arrays.copyOfRange(random, 24, 31);
        return Arrays.equals(tail, DOWNGRADE_SENTINEL) && (random[31] == 0 || random[31] == 1);
    }

    /** Name of the selected group, e.g. {@code secp256r1}. */
    public String selectedGroupName() {
        return selectedGroup.isPresent() ? NamedGroup.getName(selectedGroup.getAsInt()) : "none";
    }

    /**
     * Parses a ServerHello body (the handshake message without its 4-byte header).
     *
     * @throws TlsProbeException naming the field that does not fit
     */
    static ServerHello parse(byte[] body) {
        Cursor c = new Cursor(body, "ServerHello");
        int legacyVersion = c.u16("version");
        byte[] random = c.bytes(32, "random");
        int sessionIdLength = c.u8("session_id length");
        if (sessionIdLength > 32) {
            throw new TlsProbeException("malformed ServerHello: session_id length " + sessionIdLength + " exceeds 32");
        }
        c.bytes(sessionIdLength, "session_id");
        int suite = c.u16("cipher_suite");
        int compression = c.u8("compression_method");

        Map<Integer, byte[]> extensions = new LinkedHashMap<>();
        // SSLv3 and some TLS 1.0 servers end the message here: extensions are optional before 1.3.
        if (c.remaining() > 0) {
            int total = c.u16("extensions length");
            if (total != c.remaining()) {
                throw new TlsProbeException("malformed ServerHello: extensions length " + total + " but "
                        + c.remaining() + " bytes follow");
            }
            while (c.remaining() > 0) {
                int type = c.u16("extension type");
                int len = c.u16("extension length");
                byte[] data = c.bytes(len, "extension " + ExtensionType.getText(type));
                if (extensions.put(type, data) != null) {
                    throw new TlsProbeException("malformed ServerHello: duplicate extension " + ExtensionType.getText(type));
                }
            }
        }

        int negotiated = legacyVersion;
        byte[] sv = extensions.get(ExtensionType.supported_versions);
        if (sv != null) {
            if (sv.length != 2) {
                throw new TlsProbeException("malformed ServerHello: supported_versions carries " + sv.length
                        + " bytes, expected 2");
            }
            negotiated = ((sv[0] & 0xFF) << 8) | (sv[1] & 0xFF);
        }

        boolean hrr = Arrays.equals(random, HELLO_RETRY_REQUEST_RANDOM);
        OptionalInt group = OptionalInt.empty();
        byte[] ks = extensions.get(ExtensionType.key_share);
        if (ks != null) {
            // HRR key_share is just the group; a ServerHello's is group + key_exchange vector.
            if (ks.length < 2 || (hrr && ks.length != 2)) {
                throw new TlsProbeException("malformed " + (hrr ? "HelloRetryRequest" : "ServerHello")
                        + ": key_share of " + ks.length + " bytes");
            }
            group = OptionalInt.of(((ks[0] & 0xFF) << 8) | (ks[1] & 0xFF));
        }
        return new ServerHello(legacyVersion, negotiated, random, suite, compression, hrr, group, extensions);
    }

    /** Bounds-checked reads over a message, so that a short message fails with its field name. */
    static final class Cursor {
        private final byte[] data;
        private final String what;
        private int pos;

        Cursor(byte[] data, String what) {
            this.data = data;
            this.what = what;
        }

        int remaining() {
            return data.length - pos;
        }

        int u8(String field) {
            need(1, field);
            return data[pos++] & 0xFF;
        }

        int u16(String field) {
            need(2, field);
            int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        byte[] bytes(int n, String field) {
            need(n, field);
            byte[] b = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return b;
        }

        private void need(int n, String field) {
            if (remaining() < n) {
                throw new TlsProbeException("malformed " + what + ": " + field + " needs " + n + " bytes, only "
                        + remaining() + " left of " + data.length);
            }
        }
    }
}
