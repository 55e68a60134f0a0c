package io.ocmt.verify.tls.probe;

import io.ocmt.verify.tls.probe.internal.CipherSuiteRegistry;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One row of the IANA cipher-suite registry, with the properties a policy judges it by. The rows
 * live in {@code cipher-suites.tsv} beside this class; see its header for how it was generated.
 *
 * @param code           the two-byte IANA code, e.g. 0xC02F
 * @param ianaName       e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
 * @param opensslName    e.g. ECDHE-RSA-AES128-GCM-SHA256; empty when OpenSSL never implemented it
 * @param minProtocol    the oldest protocol a server may negotiate it in
 * @param maxProtocol    the newest protocol a server may negotiate it in
 * @param forwardSecrecy whether the session keys survive a later theft of the server's key
 * @param keyBits        the nominal key length of the bulk cipher (0 for NULL)
 */
public record CipherSuite(
        int code,
        String ianaName,
        Optional<String> opensslName,
        TlsProtocol minProtocol,
        TlsProtocol maxProtocol,
        KeyExchange keyExchange,
        boolean forwardSecrecy,
        Authentication authentication,
        Cipher cipher,
        Mode mode,
        int keyBits,
        Set<Flag> flags) {

    public CipherSuite {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("cipher suite code out of range: " + code);
        }
        Objects.requireNonNull(ianaName, "ianaName");
        Objects.requireNonNull(opensslName, "opensslName");
        Objects.requireNonNull(minProtocol, "minProtocol");
        Objects.requireNonNull(maxProtocol, "maxProtocol");
        Objects.requireNonNull(keyExchange, "keyExchange");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(mode, "mode");
        if (minProtocol.compareTo(maxProtocol) > 0) {
            throw new IllegalArgumentException(ianaName + ": minProtocol after maxProtocol");
        }
        // EnumSet keeps the flags in declaration order, so two equal suites print the same.
        flags = flags.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(flags));
    }

    /** Every suite in the registry, ordered by code. */
    public static List<CipherSuite> registry() {
        return CipherSuiteRegistry.all();
    }

    public static Optional<CipherSuite> forCode(int code) {
        return CipherSuiteRegistry.forCode(code);
    }

    public static Optional<CipherSuite> forName(String ianaOrOpensslName) {
        return CipherSuiteRegistry.forName(ianaOrOpensslName);
    }

    /**
     * True for TLS_EMPTY_RENEGOTIATION_INFO_SCSV and TLS_FALLBACK_SCSV: they ride in the suite list
     * to signal something and can never be selected.
     */
    public boolean isSignallingValue() {
        return flags.contains(Flag.SCSV);
    }

    /** Whether a server may select this suite in the given protocol. */
    public boolean negotiableIn(TlsProtocol protocol) {
        return !isSignallingValue()
                && minProtocol.compareTo(protocol) <= 0
                && maxProtocol.compareTo(protocol) >= 0;
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    /** {@code 0xC02F}. */
    public String hexCode() {
        return String.format(Locale.ROOT, "0x%04X", code);
    }

    /** The OpenSSL name when there is one, else the IANA name: what people recognise. */
    public String shortName() {
        return opensslName.orElse(ianaName);
    }

    @Override
    public String toString() {
        return hexCode() + " " + ianaName + opensslName.map(n -> " (" + n + ")").orElse("");
    }

    /** How the premaster secret is agreed. TLS13 suites leave it to the key_share extension. */
    public enum KeyExchange {
        NONE("NONE"), RSA("RSA"), DH("DH"), DHE("DHE"), ECDH("ECDH"), ECDHE("ECDHE"),
        DH_ANON("DH_anon"), ECDH_ANON("ECDH_anon"),
        PSK("PSK"), DHE_PSK("DHE_PSK"), ECDHE_PSK("ECDHE_PSK"), RSA_PSK("RSA_PSK"),
        SRP("SRP"), GOST("GOST"), TLS13("TLS13");

        private final String label;

        KeyExchange(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static KeyExchange fromLabel(String label) {
            return Labels.find(values(), KeyExchange::label, label);
        }
    }

    /** How the server proves its identity. TLS13 suites leave it to the certificate. */
    public enum Authentication {
        NONE("NONE"), RSA("RSA"), ECDSA("ECDSA"), DSS("DSS"), ANON("anon"), PSK("PSK"),
        SRP("SRP"), GOST("GOST"), TLS13("TLS13");

        private final String label;

        Authentication(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Authentication fromLabel(String label) {
            return Labels.find(values(), Authentication::label, label);
        }
    }

    /** The bulk cipher. */
    public enum Cipher {
        NULL("NULL"), AES("AES"), CAMELLIA("CAMELLIA"), ARIA("ARIA"), CHACHA20("CHACHA20"),
        TRIPLE_DES("3DES"), DES("DES"), RC4("RC4"), RC2("RC2"), IDEA("IDEA"), SEED("SEED"),
        SM4("SM4"), KUZNYECHIK("KUZNYECHIK"), MAGMA("MAGMA"), GOST28147("GOST28147");

        private final String label;

        Cipher(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Cipher fromLabel(String label) {
            return Labels.find(values(), Cipher::label, label);
        }
    }

    /** How the bulk cipher is run; STREAM is RC4, CTR the GOST counter modes. */
    public enum Mode {
        NULL, GCM, CCM, CCM_8, CBC, POLY1305, STREAM, CTR;

        public String label() {
            return name();
        }

        public static Mode fromLabel(String label) {
            return Labels.find(values(), Mode::label, label);
        }
    }

    /** The properties a hardening policy forbids, plus SCSV for the two signalling values. */
    public enum Flag {
        NULL("NULL"), ANON("anon"), EXPORT("EXPORT"), RC4("RC4"), TRIPLE_DES("3DES"), CBC("CBC"),
        SCSV("SCSV");

        private final String label;

        Flag(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Flag fromLabel(String label) {
            return Labels.find(values(), Flag::label, label);
        }
    }

    /** Shared lookup for the enums above, which the registry table names by label. */
    private static final class Labels {
        private Labels() {
        }

        static <E> E find(E[] values, Function<E, String> label, String wanted) {
            for (E e : values) {
                if (label.apply(e).equals(wanted)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("unknown label: " + wanted);
        }
    }
}
