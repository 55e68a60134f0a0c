package io.ocmt.verify.tls.probe;

import io.ocmt.verify.tls.probe.CipherSuite.Authentication;
import io.ocmt.verify.tls.probe.CipherSuite.Cipher;
import io.ocmt.verify.tls.probe.CipherSuite.Flag;
import io.ocmt.verify.tls.probe.CipherSuite.KeyExchange;
import io.ocmt.verify.tls.probe.CipherSuite.Mode;
import io.ocmt.verify.tls.probe.internal.CipherSuiteRegistry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes {@code src/main/resources/io/ocmt/verify/tls/probe/cipher-suites.tsv}: one row per cipher
 * suite BouncyCastle's {@code org.bouncycastle.tls.CipherSuite} names, every property derived from
 * the IANA name, OpenSSL names from {@code openssl-cipher-names.tsv} (test resources).
 *
 * <p>Run it again only when BouncyCastle is upgraded or a rule below changes:
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.ocmt.verify.tls.probe.CipherSuiteTableGenerator
 * </pre>
 * {@code CipherSuiteRegistryTest} fails whenever the committed table differs from what this writes.
 */
public final class CipherSuiteTableGenerator {

    static final Path DEFAULT_OUTPUT = Path.of("src/main/resources/io/ocmt/verify/tls/probe/cipher-suites.tsv");
    private static final String OPENSSL_NAMES = "/io/ocmt/verify/tls/probe/openssl-cipher-names.tsv";
    private static final String BC_CIPHER_SUITE = "org.bouncycastle.tls.CipherSuite";

    private CipherSuiteTableGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : DEFAULT_OUTPUT;
        Files.writeString(out, render(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** The whole table, byte for byte what is committed. */
    static String render() throws IOException {
        Map<Integer, String> opensslNames = opensslNames();
        StringBuilder sb = new StringBuilder();
        sb.append("""
                # IANA TLS cipher suites with the properties a hardening policy judges them by.
                # GENERATED, do not edit by hand: src/test/java/io/ocmt/verify/tls/probe/CipherSuiteTableGenerator.java
                # writes it from the public static int fields of org.bouncycastle.tls.CipherSuite (bctls 1.84),
                # deriving every property from the IANA name; OpenSSL names come from openssl-cipher-names.tsv
                # in the test resources ("-" where OpenSSL never implemented the suite).
                #
                # protocols: versions a server can negotiate it in (OpenSSL's min/max, so EXPORT and RC4 stay
                #   listed up to TLSv1.2, where broken servers still pick them). AEAD, SHA-256/384 MACs, ARIA
                #   and GOST need TLSv1.2; ECC suites need TLSv1.0; PSK suites with SHA-256/384 work from
                #   TLSv1.0 (RFC 5487); TLS 1.3 suites only in TLSv1.3.
                # kx/auth TLS13: TLS 1.3 suites leave both to extensions and the certificate.
                # fs: yes for ephemeral (EC)DH, including anonymous and PSK variants, and for TLS 1.3.
                # bits: nominal key length of the bulk cipher (3DES = 168).
                # flags: NULL, anon, EXPORT, RC4, 3DES, CBC; SCSV marks the two signalling values, which a
                #   ClientHello may carry but a server can never select.
                """);
        sb.append(String.join("\t", CipherSuiteRegistry.COLUMNS)).append('\n');
        for (Map.Entry<Integer, String> e : bouncyCastleSuites().entrySet()) {
            CipherSuite s = classify(e.getKey(), e.getValue(), Optional.ofNullable(opensslNames.get(e.getKey())));
            sb.append(row(s)).append('\n');
        }
        return sb.toString();
    }

    /** code -> IANA name, from BouncyCastle's constants. */
    static Map<Integer, String> bouncyCastleSuites() {
        Map<Integer, String> byCode = new TreeMap<>();
        try {
            for (Field f : Class.forName(BC_CIPHER_SUITE).getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                    String previous = byCode.put(f.getInt(null), f.getName());
                    if (previous != null) {
                        throw new IllegalStateException("two BouncyCastle names for one code: " + previous + ", " + f.getName());
                    }
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + BC_CIPHER_SUITE, e);
        }
        return byCode;
    }

    private static Map<Integer, String> opensslNames() throws IOException {
        Map<Integer, String> names = new LinkedHashMap<>();
        try (InputStream in = CipherSuiteTableGenerator.class.getResourceAsStream(OPENSSL_NAMES)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + OPENSSL_NAMES);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                names.put(Integer.parseInt(f[0].substring(2), 16), f[1]);
            }
        }
        return names;
    }

    private static String row(CipherSuite s) {
        String protocols = s.minProtocol() == s.maxProtocol()
                ? s.minProtocol().label()
                : s.minProtocol().label() + "-" + s.maxProtocol().label();
        String flags = s.flags().isEmpty()
                ? CipherSuiteRegistry.EMPTY
                : s.flags().stream().map(Flag::label).collect(Collectors.joining(","));
        return String.join("\t",
                s.hexCode(),
                s.ianaName(),
                s.opensslName().orElse(CipherSuiteRegistry.EMPTY),
                protocols,
                s.keyExchange().label(),
                s.forwardSecrecy() ? "yes" : "no",
                s.authentication().label(),
                s.cipher().label(),
                s.mode().label(),
                Integer.toString(s.keyBits()),
                flags);
    }

    // ---- classification by name ----------------------------------------------------------------

    /** Key exchange and authentication named before _WITH_, after an optional _EXPORT is removed. */
    private static final Map<String, KeyExchange> KX = Map.ofEntries(
            Map.entry("RSA", KeyExchange.RSA),
            Map.entry("DH_DSS", KeyExchange.DH), Map.entry("DH_RSA", KeyExchange.DH),
            Map.entry("DHE_DSS", KeyExchange.DHE), Map.entry("DHE_RSA", KeyExchange.DHE),
            Map.entry("DH_anon", KeyExchange.DH_ANON),
            Map.entry("ECDH_ECDSA", KeyExchange.ECDH), Map.entry("ECDH_RSA", KeyExchange.ECDH),
            Map.entry("ECDHE_ECDSA", KeyExchange.ECDHE), Map.entry("ECDHE_RSA", KeyExchange.ECDHE),
            Map.entry("ECDH_anon", KeyExchange.ECDH_ANON),
            Map.entry("PSK", KeyExchange.PSK),
            Map.entry("DHE_PSK", KeyExchange.DHE_PSK), Map.entry("PSK_DHE", KeyExchange.DHE_PSK),
            Map.entry("ECDHE_PSK", KeyExchange.ECDHE_PSK), Map.entry("RSA_PSK", KeyExchange.RSA_PSK),
            Map.entry("SRP_SHA", KeyExchange.SRP), Map.entry("SRP_SHA_RSA", KeyExchange.SRP),
            Map.entry("SRP_SHA_DSS", KeyExchange.SRP),
            Map.entry("GOSTR341112_256", KeyExchange.GOST));

    private static final Map<String, Authentication> AUTH = Map.ofEntries(
            Map.entry("RSA", Authentication.RSA),
            Map.entry("DH_DSS", Authentication.DSS), Map.entry("DH_RSA", Authentication.RSA),
            Map.entry("DHE_DSS", Authentication.DSS), Map.entry("DHE_RSA", Authentication.RSA),
            Map.entry("DH_anon", Authentication.ANON),
            Map.entry("ECDH_ECDSA", Authentication.ECDSA), Map.entry("ECDH_RSA", Authentication.RSA),
            Map.entry("ECDHE_ECDSA", Authentication.ECDSA), Map.entry("ECDHE_RSA", Authentication.RSA),
            Map.entry("ECDH_anon", Authentication.ANON),
            Map.entry("PSK", Authentication.PSK),
            Map.entry("DHE_PSK", Authentication.PSK), Map.entry("PSK_DHE", Authentication.PSK),
            Map.entry("ECDHE_PSK", Authentication.PSK),
            // RSA_PSK: the server proves itself with its RSA certificate (as OpenSSL's Au=RSA says).
            Map.entry("RSA_PSK", Authentication.RSA),
            Map.entry("SRP_SHA", Authentication.SRP), Map.entry("SRP_SHA_RSA", Authentication.RSA),
            Map.entry("SRP_SHA_DSS", Authentication.DSS),
            Map.entry("GOSTR341112_256", Authentication.GOST));

    private static final Set<KeyExchange> EPHEMERAL = EnumSet.of(
            KeyExchange.DHE, KeyExchange.ECDHE, KeyExchange.DH_ANON, KeyExchange.ECDH_ANON,
            KeyExchange.DHE_PSK, KeyExchange.ECDHE_PSK, KeyExchange.TLS13);

    private static final Set<KeyExchange> ELLIPTIC = EnumSet.of(
            KeyExchange.ECDH, KeyExchange.ECDHE, KeyExchange.ECDH_ANON, KeyExchange.ECDHE_PSK);

    private static final Set<KeyExchange> PSK_FAMILY = EnumSet.of(
            KeyExchange.PSK, KeyExchange.DHE_PSK, KeyExchange.ECDHE_PSK, KeyExchange.RSA_PSK);

    /** Derives every property of a suite from its IANA name. */
    static CipherSuite classify(int code, String iana, Optional<String> opensslName) {
        if (iana.endsWith("_SCSV")) {
            return new CipherSuite(code, iana, opensslName, TlsProtocol.SSL_3_0, TlsProtocol.TLS_1_2,
                    KeyExchange.NONE, false, Authentication.NONE, Cipher.NULL, Mode.NULL, 0, EnumSet.of(Flag.SCSV));
        }
        if (!iana.startsWith("TLS_")) {
            throw new IllegalArgumentException("not an IANA suite name: " + iana);
        }
        if (iana.equals("TLS_NULL_WITH_NULL_NULL")) {
            return new CipherSuite(code, iana, opensslName, TlsProtocol.SSL_3_0, TlsProtocol.TLS_1_2,
                    KeyExchange.NONE, false, Authentication.NONE, Cipher.NULL, Mode.NULL, 0,
                    EnumSet.of(Flag.NULL, Flag.ANON));
        }
        int with = iana.indexOf("_WITH_");
        boolean tls13 = with < 0;
        boolean export = false;
        KeyExchange kx;
        Authentication auth;
        String bulk;
        if (tls13) {
            // TLS_AES_128_GCM_SHA256, TLS_SM4_CCM_SM3, TLS_SHA256_SHA256 (integrity only, RFC 9150)
            kx = KeyExchange.TLS13;
            auth = Authentication.TLS13;
            bulk = iana.substring("TLS_".length());
        } else {
            String kxPart = iana.substring("TLS_".length(), with);
            if (kxPart.endsWith("_EXPORT")) {
                export = true;
                kxPart = kxPart.substring(0, kxPart.length() - "_EXPORT".length());
            }
            kx = KX.get(kxPart);
            auth = AUTH.get(kxPart);
            if (kx == null || auth == null) {
                throw new IllegalArgumentException("unknown key exchange " + kxPart + " in " + iana);
            }
            bulk = iana.substring(with + "_WITH_".length());
        }
        String mac = macOf(bulk);
        Bulk b = bulkOf(mac.isEmpty() ? bulk : bulk.substring(0, bulk.length() - mac.length() - 1), iana);

        TlsProtocol min;
        TlsProtocol max = TlsProtocol.TLS_1_2;
        boolean sha2Mac = mac.equals("SHA256") || mac.equals("SHA384");
        if (tls13) {
            min = TlsProtocol.TLS_1_3;
            max = TlsProtocol.TLS_1_3;
        } else if (b.mode == Mode.GCM || b.mode == Mode.CCM || b.mode == Mode.CCM_8 || b.mode == Mode.POLY1305
                || b.cipher == Cipher.ARIA || kx == KeyExchange.GOST) {
            min = TlsProtocol.TLS_1_2;
        } else if (sha2Mac) {
            min = PSK_FAMILY.contains(kx) ? TlsProtocol.TLS_1_0 : TlsProtocol.TLS_1_2;
        } else if (ELLIPTIC.contains(kx)) {
            min = TlsProtocol.TLS_1_0;
        } else {
            min = TlsProtocol.SSL_3_0;
        }

        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        if (b.cipher == Cipher.NULL) {
            flags.add(Flag.NULL);
        }
        if (auth == Authentication.ANON) {
            flags.add(Flag.ANON);
        }
        if (export) {
            flags.add(Flag.EXPORT);
        }
        if (b.cipher == Cipher.RC4) {
            flags.add(Flag.RC4);
        }
        if (b.cipher == Cipher.TRIPLE_DES) {
            flags.add(Flag.TRIPLE_DES);
        }
        if (b.mode == Mode.CBC) {
            flags.add(Flag.CBC);
        }
        return new CipherSuite(code, iana, opensslName, min, max, kx, EPHEMERAL.contains(kx), auth,
                b.cipher, b.mode, b.bits, flags);
    }

    /** The MAC / PRF hash at the end of the name; empty for CCM suites, which name none. */
    private static String macOf(String bulk) {
        for (String mac : List.of("SHA256", "SHA384", "SHA", "MD5", "SM3", "OMAC", "IMIT")) {
            if (bulk.endsWith("_" + mac)) {
                return mac;
            }
        }
        return "";
    }

    private record Bulk(Cipher cipher, Mode mode, int bits) {
    }

    private static Bulk bulkOf(String bulk, String iana) {
        switch (bulk) {
            case "NULL", "SHA256", "SHA384":
                return new Bulk(Cipher.NULL, Mode.NULL, 0);
            case "RC4_128":
                return new Bulk(Cipher.RC4, Mode.STREAM, 128);
            case "RC4_40":
                return new Bulk(Cipher.RC4, Mode.STREAM, 40);
            case "RC2_CBC_40":
                return new Bulk(Cipher.RC2, Mode.CBC, 40);
            case "IDEA_CBC":
                return new Bulk(Cipher.IDEA, Mode.CBC, 128);
            case "DES40_CBC":
                return new Bulk(Cipher.DES, Mode.CBC, 40);
            case "DES_CBC":
                return new Bulk(Cipher.DES, Mode.CBC, 56);
            case "3DES_EDE_CBC":
                return new Bulk(Cipher.TRIPLE_DES, Mode.CBC, 168);
            case "SEED_CBC":
                return new Bulk(Cipher.SEED, Mode.CBC, 128);
            case "CHACHA20_POLY1305":
                return new Bulk(Cipher.CHACHA20, Mode.POLY1305, 256);
            case "SM4_GCM":
                return new Bulk(Cipher.SM4, Mode.GCM, 128);
            case "SM4_CCM":
                return new Bulk(Cipher.SM4, Mode.CCM, 128);
            case "KUZNYECHIK_CTR":
                return new Bulk(Cipher.KUZNYECHIK, Mode.CTR, 256);
            case "MAGMA_CTR":
                return new Bulk(Cipher.MAGMA, Mode.CTR, 256);
            case "28147_CNT":
                return new Bulk(Cipher.GOST28147, Mode.CTR, 256);
            default:
                break;
        }
        // AES_128_GCM, CAMELLIA_256_CBC, ARIA_128_GCM, AES_256_CCM_8 ...
        String[] t = bulk.split("_", 3);
        if (t.length == 3) {
            Cipher cipher = switch (t[0]) {
                case "AES" -> Cipher.AES;
                case "CAMELLIA" -> Cipher.CAMELLIA;
                case "ARIA" -> Cipher.ARIA;
                default -> null;
            };
            Mode mode = switch (t[2]) {
                case "CBC" -> Mode.CBC;
                case "GCM" -> Mode.GCM;
                case "CCM" -> Mode.CCM;
                case "CCM_8" -> Mode.CCM_8;
                default -> null;
            };
            if (cipher != null && mode != null && (t[1].equals("128") || t[1].equals("256"))) {
                return new Bulk(cipher, mode, Integer.parseInt(t[1]));
            }
        }
        throw new IllegalArgumentException("unknown bulk cipher " + bulk + " in " + iana);
    }

    /** For the registry test: the same rules applied to one name, without BouncyCastle. */
    static CipherSuite classify(String iana) {
        return classify(0, iana, Optional.empty());
    }
}
