package io.ocmt.verify.tls.probe;

import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A key-exchange group of the IANA "TLS Supported Groups" registry the probe offers, named as
 * BouncyCastle's {@link NamedGroup} and IANA name it ({@code secp256r1}, {@code x25519},
 * {@code ffdhe2048}).
 *
 * @param bits the size a reader compares with "ECDH ≥ 256, DH ≥ 2048": the curve's field size,
 *             the modulus of a finite-field group, 256 and 448 for X25519 and X448 (whose keys
 *             are that long even though BouncyCastle counts 252 and 446 bits of order), and 0 for
 *             post-quantum KEMs, to which neither threshold applies
 */
public record KeyExchangeGroup(int code, String name, Kind kind, int bits) {

    public enum Kind {
        /** A Weierstrass curve over a prime or binary field (secp*, sect*, brainpool*). */
        EC("ECDH"),
        /** X25519 or X448 (RFC 7748). */
        XDH("ECDH"),
        /** RFC 7919 finite-field Diffie-Hellman. */
        FFDHE("DH"),
        /** ML-KEM alone or in a hybrid with a classical curve. */
        KEM("KEM");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** What the security rules call it: ECDH, DH or KEM. */
        public String label() {
            return label;
        }
    }

    /**
     * OpenSSL's and NIST's names for the same groups, so a policy written as nginx's
     * {@code ssl_ecdh_curve X25519:prime256v1:secp384r1} reads as intended.
     */
    private static final Map<String, String> ALIASES = Map.of(
            "prime256v1", "secp256r1",
            "p-256", "secp256r1",
            "p-384", "secp384r1",
            "p-521", "secp521r1",
            "prime192v1", "secp192r1",
            "p-224", "secp224r1");

    public KeyExchangeGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * Every group the probe offers: the registry's curves (1-33), finite-field groups and ML-KEM
     * groups. Left out: GOST and SM2 curves (usable only with their national suites, none of which
     * a server outside those jurisdictions offers), the explicit-curve code points and GREASE.
     */
    public static List<KeyExchangeGroup> all() {
        return Holder.ALL;
    }

    public static Optional<KeyExchangeGroup> forCode(int code) {
        return all().stream().filter(g -> g.code == code).findFirst();
    }

    /** By IANA name, case-insensitive, or by one of OpenSSL's aliases ({@code prime256v1}, {@code P-256}). */
    public static Optional<KeyExchangeGroup> forName(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        String canonical = ALIASES.getOrDefault(n, n);
        return all().stream().filter(g -> g.name.toLowerCase(Locale.ROOT).equals(canonical)).findFirst();
    }

    /**
     * Whether a server may select this group in the protocol (BouncyCastle's reading of RFC 8422
     * and RFC 8446), and whether supported_groups alone decides it: before TLS 1.3 a DHE suite
     * uses whatever parameters the server holds unless it implements RFC 7919, so a finite-field
     * group offered there proves nothing.
     */
    public boolean probedIn(TlsProtocol protocol) {
        if (protocol == TlsProtocol.SSL_3_0) {
            return false;
        }
        if (kind == Kind.FFDHE && protocol != TlsProtocol.TLS_1_3) {
            return false;
        }
        return NamedGroup.canBeNegotiated(code, ProtocolVersion.get(protocol.code() >>> 8, protocol.code() & 0xFF));
    }

    @Override
    public String toString() {
        return name;
    }

    private static final class Holder {
        static final List<KeyExchangeGroup> ALL = build();
    }

    private static List<KeyExchangeGroup> build() {
        List<Integer> codes = new ArrayList<>();
        IntStream.rangeClosed(NamedGroup.sect163k1, NamedGroup.brainpoolP512r1tls13).forEach(codes::add);
        IntStream.rangeClosed(NamedGroup.ffdhe2048, NamedGroup.ffdhe8192).forEach(codes::add);
        codes.addAll(List.of(NamedGroup.MLKEM512, NamedGroup.MLKEM768, NamedGroup.MLKEM1024,
                NamedGroup.SecP256r1MLKEM768, NamedGroup.X25519MLKEM768, NamedGroup.SecP384r1MLKEM1024));
        List<KeyExchangeGroup> groups = new ArrayList<>();
        for (int code : codes) {
            String name = NamedGroup.getName(code);
            if (NamedGroup.refersToAnXDHCurve(code)) {
                groups.add(new KeyExchangeGroup(code, name, Kind.XDH, code == NamedGroup.x25519 ? 256 : 448));
            } else if (NamedGroup.refersToASpecificCurve(code)) {
                groups.add(new KeyExchangeGroup(code, name, Kind.EC, NamedGroup.getCurveBits(code)));
            } else if (NamedGroup.refersToASpecificFiniteField(code)) {
                groups.add(new KeyExchangeGroup(code, name, Kind.FFDHE, NamedGroup.getFiniteFieldBits(code)));
            } else {
                groups.add(new KeyExchangeGroup(code, name, Kind.KEM, 0));
            }
        }
        return List.copyOf(groups);
    }
}
