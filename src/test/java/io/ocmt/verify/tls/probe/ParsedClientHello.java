package io.ocmt.verify.tls.probe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A ClientHello read back from bytes by code written independently of the probe's writer, so that
 * tests and the fake server check the writer instead of trusting it.
 */
record ParsedClientHello(
        List<Integer> recordVersions,
        int legacyVersion,
        byte[] random,
        byte[] sessionId,
        List<Integer> cipherSuites,
        byte[] compressionMethods,
        Map<Integer, byte[]> extensions,
        int handshakeLength) {

    static final int SERVER_NAME = 0x0000;
    static final int SUPPORTED_GROUPS = 0x000a;
    static final int EC_POINT_FORMATS = 0x000b;
    static final int SIGNATURE_ALGORITHMS = 0x000d;
    static final int PADDING = 0x0015;
    static final int EXTENDED_MASTER_SECRET = 0x0017;
    static final int SUPPORTED_VERSIONS = 0x002b;
    static final int PSK_KEY_EXCHANGE_MODES = 0x002d;
    static final int KEY_SHARE = 0x0033;
    static final int RENEGOTIATION_INFO = 0xff01;

    /** Parses one or more handshake records holding exactly one ClientHello. */
    static ParsedClientHello parse(byte[] records) {
        ByteBuffer in = ByteBuffer.wrap(records);
        List<Integer> versions = new ArrayList<>();
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        while (in.hasRemaining()) {
            int type = u8(in);
            if (type != 22) {
                throw new IllegalArgumentException("record type " + type + ", expected handshake");
            }
            versions.add(u16(in));
            int len = u16(in);
            if (len > 16384) {
                throw new IllegalArgumentException("record of " + len + " bytes exceeds 2^14");
            }
            byte[] frag = new byte[len];
            in.get(frag);
            hs.write(frag, 0, len);
        }
        ByteBuffer h = ByteBuffer.wrap(hs.toByteArray());
        if (u8(h) != 1) {
            throw new IllegalArgumentException("not a ClientHello");
        }
        int length = u24(h);
        if (length != h.remaining()) {
            throw new IllegalArgumentException("handshake length " + length + " but " + h.remaining() + " bytes");
        }
        int legacyVersion = u16(h);
        byte[] random = bytes(h, 32);
        byte[] sessionId = bytes(h, u8(h));
        int suitesLength = u16(h);
        if (suitesLength % 2 != 0) {
            throw new IllegalArgumentException("odd cipher suite vector length");
        }
        List<Integer> suites = new ArrayList<>();
        for (int i = 0; i < suitesLength / 2; i++) {
            suites.add(u16(h));
        }
        byte[] compression = bytes(h, u8(h));
        Map<Integer, byte[]> ext = new LinkedHashMap<>();
        if (h.hasRemaining()) {
            int extLength = u16(h);
            if (extLength != h.remaining()) {
                throw new IllegalArgumentException("extensions length " + extLength + " but " + h.remaining() + " bytes");
            }
            while (h.hasRemaining()) {
                int type = u16(h);
                byte[] data = bytes(h, u16(h));
                if (ext.put(type, data) != null) {
                    throw new IllegalArgumentException("duplicate extension " + type);
                }
            }
        }
        return new ParsedClientHello(versions, legacyVersion, random, sessionId, suites, compression, ext, 4 + length);
    }

    Optional<String> serverName() {
        byte[] sni = extensions.get(SERVER_NAME);
        if (sni == null) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(sni);
        u16(b);
        if (u8(b) != 0) {
            throw new IllegalArgumentException("server_name entry is not a host_name");
        }
        return Optional.of(new String(bytes(b, u16(b)), StandardCharsets.US_ASCII));
    }

    /** supported_versions as a list, or empty when absent (TLS 1.2 and older). */
    List<Integer> supportedVersions() {
        return list16(extensions.get(SUPPORTED_VERSIONS), true);
    }

    List<Integer> supportedGroups() {
        return list16(extensions.get(SUPPORTED_GROUPS), false);
    }

    /** The groups of the key_share entries, in order; empty for an empty key_share or none. */
    List<Integer> keyShareGroups() {
        List<Integer> out = new ArrayList<>();
        byte[] data = extensions.get(KEY_SHARE);
        if (data == null) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        int len = u16(b);
        if (len != b.remaining()) {
            throw new IllegalArgumentException("bad key_share length " + len);
        }
        while (b.hasRemaining()) {
            out.add(u16(b));
            bytes(b, u16(b));
        }
        return out;
    }

    List<Integer> signatureSchemes() {
        return list16(extensions.get(SIGNATURE_ALGORITHMS), false);
    }

    /** The protocol the probe meant: supported_versions wins over legacy_version. */
    int offeredVersion() {
        List<Integer> sv = supportedVersions();
        return sv.isEmpty() ? legacyVersion : sv.stream().max(Integer::compare).orElseThrow();
    }

    private static List<Integer> list16(byte[] data, boolean oneByteLength) {
        List<Integer> out = new ArrayList<>();
        if (data == null) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        int len = oneByteLength ? u8(b) : u16(b);
        if (len != b.remaining() || len % 2 != 0) {
            throw new IllegalArgumentException("bad list length " + len);
        }
        while (b.hasRemaining()) {
            out.add(u16(b));
        }
        return out;
    }

    private static int u8(ByteBuffer b) {
        return b.get() & 0xFF;
    }

    private static int u16(ByteBuffer b) {
        return b.getShort() & 0xFFFF;
    }

    private static int u24(ByteBuffer b) {
        return (u8(b) << 16) | u16(b);
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
