package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.TlsProtocol;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.ECPointFormat;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.PskKeyExchangeMode;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureScheme;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the bytes of one ClientHello, ready to write to a socket. Nothing here is random: the
 * caller supplies random, session id and key share, so tests can compare exact bytes.
 *
 * <p>The offer is deliberately generous (every group, every signature scheme incl. SHA-1 and MD5)
 * so that a server refuses only because of the protocol or the suites, the two things probed.
 */
public final class ClientHelloWriter {

    /** TLS record payload limit; a longer ClientHello is split across records. */
    static final int MAX_FRAGMENT = 1 << 14;

    /** Groups for TLS 1.0-1.2: every named curve, so a server with an odd curve still picks ECDHE. */
    static final List<Integer> LEGACY_GROUPS = List.of(
            NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1,
            NamedGroup.x448, NamedGroup.brainpoolP256r1, NamedGroup.brainpoolP384r1,
            NamedGroup.brainpoolP512r1, NamedGroup.secp256k1, NamedGroup.secp224r1, NamedGroup.secp224k1,
            NamedGroup.secp192r1, NamedGroup.secp192k1, NamedGroup.secp160r1, NamedGroup.secp160r2,
            NamedGroup.secp160k1, NamedGroup.sect571r1, NamedGroup.sect571k1, NamedGroup.sect409k1,
            NamedGroup.sect409r1, NamedGroup.sect283k1, NamedGroup.sect283r1, NamedGroup.sect239k1,
            NamedGroup.sect233k1, NamedGroup.sect233r1, NamedGroup.sect193r1, NamedGroup.sect193r2,
            NamedGroup.sect163k1, NamedGroup.sect163r1, NamedGroup.sect163r2,
            NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096, NamedGroup.ffdhe6144,
            NamedGroup.ffdhe8192);

    /**
     * Groups for TLS 1.3. Only x25519 carries a key share; a server wanting another group answers
     * HelloRetryRequest, which already names the suite it chose, so no second flight is needed.
     */
    static final List<Integer> TLS13_GROUPS = List.of(
            NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1,
            NamedGroup.x448, NamedGroup.X25519MLKEM768, NamedGroup.SecP256r1MLKEM768,
            NamedGroup.SecP384r1MLKEM1024, NamedGroup.brainpoolP256r1tls13,
            NamedGroup.brainpoolP384r1tls13, NamedGroup.brainpoolP512r1tls13,
            NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096, NamedGroup.ffdhe6144,
            NamedGroup.ffdhe8192);

    /** Signature schemes, modern first, legacy SHA-1/MD5/DSA last so old certificates still fit. */
    static final List<Integer> SIGNATURE_SCHEMES = List.of(
            SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.ecdsa_secp384r1_sha384,
            SignatureScheme.ecdsa_secp521r1_sha512, SignatureScheme.ed25519, SignatureScheme.ed448,
            SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384,
            SignatureScheme.rsa_pss_rsae_sha512, SignatureScheme.rsa_pss_pss_sha256,
            SignatureScheme.rsa_pss_pss_sha384, SignatureScheme.rsa_pss_pss_sha512,
            SignatureScheme.ecdsa_brainpoolP256r1tls13_sha256, SignatureScheme.ecdsa_brainpoolP384r1tls13_sha384,
            SignatureScheme.ecdsa_brainpoolP512r1tls13_sha512,
            SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pkcs1_sha384, SignatureScheme.rsa_pkcs1_sha512,
            SignatureScheme.from(HashAlgorithm.sha256, SignatureAlgorithm.dsa),
            SignatureScheme.from(HashAlgorithm.sha384, SignatureAlgorithm.dsa),
            SignatureScheme.from(HashAlgorithm.sha512, SignatureAlgorithm.dsa),
            SignatureScheme.from(HashAlgorithm.sha224, SignatureAlgorithm.ecdsa),
            SignatureScheme.from(HashAlgorithm.sha224, SignatureAlgorithm.rsa),
            SignatureScheme.from(HashAlgorithm.sha224, SignatureAlgorithm.dsa),
            SignatureScheme.ecdsa_sha1, SignatureScheme.rsa_pkcs1_sha1,
            SignatureScheme.from(HashAlgorithm.sha1, SignatureAlgorithm.dsa),
            SignatureScheme.from(HashAlgorithm.md5, SignatureAlgorithm.rsa));

    private static final int NO_PADDING = -1;

    /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV: SSLv3 hellos carry no extensions, so they signal this way. */
    static final int RENEGOTIATION_SCSV = org.bouncycastle.tls.CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV;

    /**
     * What to put in one ClientHello.
     *
     * @param x25519PublicKey 32 raw bytes; used only for TLS 1.3
     * @param groups          supported_groups to offer instead of the generous default; when set,
     *                        a TLS 1.3 hello carries an empty key_share, so that a server accepting
     *                        one of them has to name it in a HelloRetryRequest
     */
    public record Spec(
            TlsProtocol protocol,
            List<Integer> cipherSuites,
            Optional<String> serverName,
            byte[] random,
            byte[] sessionId,
            byte[] x25519PublicKey,
            Optional<List<Integer>> groups) {

        public Spec(TlsProtocol protocol, List<Integer> cipherSuites, Optional<String> serverName, byte[] random,
                byte[] sessionId, byte[] x25519PublicKey) {
            this(protocol, cipherSuites, serverName, random, sessionId, x25519PublicKey, Optional.empty());
        }

        public Spec {
            Objects.requireNonNull(protocol, "protocol");
            cipherSuites = List.copyOf(cipherSuites);
            Objects.requireNonNull(serverName, "serverName");
            groups = groups.map(List::copyOf);
            if (groups.isPresent() && groups.get().isEmpty()) {
                throw new IllegalArgumentException("an explicit supported_groups list needs at least one group");
            }
            if (groups.isPresent() && protocol == TlsProtocol.SSL_3_0) {
                throw new IllegalArgumentException("SSLv3 hellos carry no extensions, so no supported_groups");
            }
            if (cipherSuites.isEmpty()) {
                throw new IllegalArgumentException("a ClientHello needs at least one cipher suite");
            }
            if (cipherSuites.size() > 0x7FFF - 1) {
                throw new IllegalArgumentException("too many cipher suites for one ClientHello: " + cipherSuites.size());
            }
            if (random.length != 32) {
                throw new IllegalArgumentException("random must be 32 bytes");
            }
            if (sessionId.length > 32) {
                throw new IllegalArgumentException("session id is at most 32 bytes");
            }
            if (protocol == TlsProtocol.TLS_1_3 && x25519PublicKey.length != 32) {
                throw new IllegalArgumentException("TLS 1.3 needs a 32-byte x25519 public key");
            }
        }
    }

    private ClientHelloWriter() {
    }

    /** The ClientHello as TLS records. */
    public static byte[] write(Spec spec) {
        byte[] handshake = handshakeMessage(spec);
        // SSLv3 servers may reject a 0x0301 record; everyone else is happiest with 0x0301, which is
        // what OpenSSL and testssl.sh send as the record version of a first flight.
        int recordVersion = spec.protocol() == TlsProtocol.SSL_3_0 ? 0x0300 : 0x0301;
        Buf out = new Buf();
        for (int off = 0; off < handshake.length; off += MAX_FRAGMENT) {
            int len = Math.min(MAX_FRAGMENT, handshake.length - off);
            out.u8(ContentType.handshake).u16(recordVersion).u16(len).bytes(handshake, off, len);
        }
        return out.toByteArray();
    }

    /** Handshake header plus ClientHello body, without the record layer. */
    static byte[] handshakeMessage(Spec spec) {
        TlsProtocol p = spec.protocol();
        boolean tls13 = p == TlsProtocol.TLS_1_3;

        Buf suites = new Buf();
        spec.cipherSuites().forEach(suites::u16);
        if (p == TlsProtocol.SSL_3_0) {
            suites.u16(RENEGOTIATION_SCSV);
        }

        Buf body = new Buf()
                // TLS 1.3 hides behind 1.2 in legacy_version and says 1.3 in supported_versions.
                .u16(tls13 ? TlsProtocol.TLS_1_2.code() : p.code())
                .bytes(spec.random())
                .vector8(spec.sessionId())
                .vector16(suites.toByteArray())
                .vector8(new byte[] {0}); // compression: null only

        if (p != TlsProtocol.SSL_3_0) {
            byte[] extensions = extensions(spec, NO_PADDING);
            int length = 4 + body.size() + 2 + extensions.length;
            // Some load balancers hang on a ClientHello of 256-511 bytes; pad past it (RFC 7685).
            if (length >= 256 && length < 512) {
                extensions = extensions(spec, Math.max(0, 512 - length - 4));
            }
            body.vector16(extensions);
        }

        byte[] b = body.toByteArray();
        return new Buf().u8(HandshakeType.client_hello).u24(b.length).bytes(b).toByteArray();
    }

    private static byte[] extensions(Spec spec, int padding) {
        boolean tls13 = spec.protocol() == TlsProtocol.TLS_1_3;
        Buf ext = new Buf();

        spec.serverName().ifPresent(name -> {
            byte[] host = name.getBytes(StandardCharsets.US_ASCII);
            byte[] entry = new Buf().u8(0 /* host_name */).vector16(host).toByteArray();
            ext.extension(ExtensionType.server_name, new Buf().vector16(entry).toByteArray());
        });

        Buf groups = new Buf();
        spec.groups().orElse(tls13 ? TLS13_GROUPS : LEGACY_GROUPS).forEach(groups::u16);
        ext.extension(ExtensionType.supported_groups, new Buf().vector16(groups.toByteArray()).toByteArray());

        if (!tls13) {
            byte[] formats = {
                (byte) ECPointFormat.uncompressed,
                (byte) ECPointFormat.ansiX962_compressed_prime,
                (byte) ECPointFormat.ansiX962_compressed_char2};
            ext.extension(ExtensionType.ec_point_formats, new Buf().vector8(formats).toByteArray());
        }

        // RFC 5246 forbids signature_algorithms in a hello offering only older versions.
        if (spec.protocol().compareTo(TlsProtocol.TLS_1_2) >= 0) {
            Buf schemes = new Buf();
            SIGNATURE_SCHEMES.forEach(schemes::u16);
            ext.extension(ExtensionType.signature_algorithms, new Buf().vector16(schemes.toByteArray()).toByteArray());
        }

        if (tls13) {
            ext.extension(ExtensionType.supported_versions,
                    new Buf().vector8(new Buf().u16(TlsProtocol.TLS_1_3.code()).toByteArray()).toByteArray());
            byte[] share = spec.groups().isPresent() ? new byte[0]
                    : new Buf().u16(NamedGroup.x25519).vector16(spec.x25519PublicKey()).toByteArray();
            ext.extension(ExtensionType.key_share, new Buf().vector16(share).toByteArray());
            ext.extension(ExtensionType.psk_key_exchange_modes,
                    new Buf().vector8(new byte[] {(byte) PskKeyExchangeMode.psk_dhe_ke}).toByteArray());
        } else {
            // Servers that insist on EMS (FIPS builds) would otherwise refuse every suite.
            ext.extension(ExtensionType.extended_master_secret, new byte[0]);
            ext.extension(ExtensionType.renegotiation_info, new byte[] {0});
        }

        if (padding != NO_PADDING) {
            ext.extension(ExtensionType.padding, new byte[padding]);
        }
        return ext.toByteArray();
    }

    /** Big-endian writer for TLS vectors. */
    static final class Buf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Buf u8(int v) {
            out.write(v);
            return this;
        }

        Buf u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Buf u24(int v) {
            out.write(v >>> 16);
            return u16(v & 0xFFFF);
        }

        Buf bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Buf bytes(byte[] b, int off, int len) {
            out.write(b, off, len);
            return this;
        }

        Buf vector8(byte[] b) {
            if (b.length > 0xFF) {
                throw new IllegalArgumentException("vector too long for 1-byte length: " + b.length);
            }
            return u8(b.length).bytes(b);
        }

        Buf vector16(byte[] b) {
            if (b.length > 0xFFFF) {
                throw new IllegalArgumentException("vector too long for 2-byte length: " + b.length);
            }
            return u16(b.length).bytes(b);
        }

        Buf extension(int type, byte[] data) {
            return u16(type).vector16(data);
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
