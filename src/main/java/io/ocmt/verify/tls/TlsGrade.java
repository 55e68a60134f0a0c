package io.ocmt.verify.tls;

import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.TlsProtocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A TLS grade by Qualys SSL Labs' published SSL Server Rating Guide (2009q) and the caps its later
 * announcements added (2014–2020): protocol support, key exchange and cipher strength scored and
 * weighted 30/30/40, the numeric grade (A from 80, B from 65, C from 50, D from 35, E from 20, else F),
 * then capped, and A+ for an uncapped A with TLS 1.3 and HSTS of at least 180 days. Computed from
 * what the suite's raw-ClientHello enumeration found, so non-443 ports and private hosts get one too.
 * SSL Labs' live tests the suite does not run (renegotiation, Heartbleed and other implementation
 * bugs, OCSP, chain completeness beyond trust) are not part of this grade.
 */
public final class TlsGrade {

    /** Best first. T (trust) and M (name mismatch) rank with F: the grade is void for a visitor. */
    public static final List<String> GRADES = List.of("A+", "A", "A-", "B", "C", "D", "E", "F", "T", "M");
    static final long HSTS_FOR_A_PLUS = 15552000;

    /**
     * What the grade is computed from.
     *
     * @param protocols          protocols the server accepted
     * @param suites             cipher suites the server accepted, in any protocol, with the protocols they were accepted in
     * @param groups             key-exchange groups the server accepted (named curves, X25519, FFDHE, ML-KEM hybrids)
     * @param certKeyAlgorithm   "RSA", "EC", "EdDSA", …
     * @param certKeyBits        the certificate key's size
     * @param signatureAlgorithm the certificate's signature algorithm, e.g. SHA256withRSA
     * @param trusted            the chain is trusted and names the host
     * @param hstsMaxAge         max-age of the HTTPS answer's Strict-Transport-Security, or -1 when none
     */
    public record Inputs(Set<TlsProtocol> protocols, List<Accepted> suites, Collection<KeyExchangeGroup> groups,
                         String certKeyAlgorithm, int certKeyBits, String signatureAlgorithm, boolean trusted,
                         long hstsMaxAge) {
    }

    /** A suite and the protocol it was accepted in. */
    public record Accepted(TlsProtocol protocol, CipherSuite suite) {
    }

    /**
     * @param caps each cap that applied, with why
     */
    public record Result(int protocolScore, int keyExchangeScore, int cipherScore, int score, String numericGrade,
                         List<String> caps, String grade) {

        public String asEvidence() {
            StringBuilder out = new StringBuilder("SSL Labs rating guide (2009q, with the 2014-2020 caps)\n");
            out.append("protocol support  ").append(protocolScore).append(" x 0.3\n");
            out.append("key exchange      ").append(keyExchangeScore).append(" x 0.3\n");
            out.append("cipher strength   ").append(cipherScore).append(" x 0.4\n");
            out.append("score ").append(score).append(" -> ").append(numericGrade).append('\n');
            if (caps.isEmpty()) {
                out.append("no cap applied\n");
            }
            caps.forEach(c -> out.append("cap: ").append(c).append('\n'));
            return out.append("grade ").append(grade).append('\n').toString();
        }
    }

    private TlsGrade() {
    }

    public static Result rate(Inputs in) {
        if (in.protocols().isEmpty() || in.suites().isEmpty()) {
            throw new IllegalArgumentException("no protocol or cipher suite was accepted: nothing to grade");
        }
        int best = in.protocols().stream().mapToInt(TlsGrade::protocolScore).max().orElse(0);
        int worst = in.protocols().stream().mapToInt(TlsGrade::protocolScore).min().orElse(0);
        int protocol = (best + worst) / 2;

        int keyExchange = keyExchangeScore(in);

        int strongest = in.suites().stream().mapToInt(a -> cipherScore(a.suite())).max().orElse(0);
        int weakest = in.suites().stream().mapToInt(a -> cipherScore(a.suite())).min().orElse(0);
        int cipher = (strongest + weakest) / 2;

        int score = (int) Math.round(protocol * 0.3 + keyExchange * 0.3 + cipher * 0.4);
        String numeric = score >= 80 ? "A" : score >= 65 ? "B" : score >= 50 ? "C" : score >= 35 ? "D" : score >= 20 ? "E" : "F";

        List<String> caps = new ArrayList<>();
        String grade = numeric;
        boolean modern = false;
        for (Accepted a : in.suites()) {
            CipherSuite s = a.suite();
            boolean tls11Plus = a.protocol().compareTo(TlsProtocol.TLS_1_1) >= 0;
            if (s.has(CipherSuite.Flag.EXPORT)) {
                grade = cap(grade, "F", "export suite " + s.ianaName(), caps);
            }
            if (s.has(CipherSuite.Flag.NULL) || s.cipher() == CipherSuite.Cipher.NULL) {
                grade = cap(grade, "F", "suite without encryption " + s.ianaName(), caps);
            }
            if (s.has(CipherSuite.Flag.ANON)) {
                grade = cap(grade, "F", "anonymous (unauthenticated) suite " + s.ianaName(), caps);
            }
            if (s.has(CipherSuite.Flag.RC4)) {
                grade = cap(grade, tls11Plus ? "C" : "B", "RC4 " + (tls11Plus ? "with TLS 1.1 or newer " : "") + s.ianaName(), caps);
            }
            if (s.has(CipherSuite.Flag.TRIPLE_DES) && tls11Plus) {
                grade = cap(grade, "C", "3DES (64-bit block, Sweet32) with TLS 1.1 or newer " + s.ianaName(), caps);
            }
            modern |= s.mode() == CipherSuite.Mode.GCM || s.mode() == CipherSuite.Mode.POLY1305 || s.mode() == CipherSuite.Mode.CCM;
        }
        if (in.protocols().contains(TlsProtocol.SSL_3_0)) {
            grade = cap(grade, "C", "SSL 3.0 supported (POODLE)", caps);
        }
        if (in.protocols().contains(TlsProtocol.TLS_1_0) || in.protocols().contains(TlsProtocol.TLS_1_1)) {
            grade = cap(grade, "B", "TLS 1.0 or 1.1 supported (2020)", caps);
        }
        if (!in.protocols().contains(TlsProtocol.TLS_1_2) && !in.protocols().contains(TlsProtocol.TLS_1_3)) {
            grade = cap(grade, "C", "TLS 1.2 not supported", caps);
        }
        if (in.suites().stream().noneMatch(a -> a.suite().forwardSecrecy())) {
            grade = cap(grade, "B", "no forward secrecy with any suite", caps);
        }
        if (!modern) {
            grade = cap(grade, "B", "no AEAD suite (GCM, CCM, ChaCha20-Poly1305)", caps);
        }
        for (KeyExchangeGroup g : in.groups()) {
            if (g.kind() == KeyExchangeGroup.Kind.FFDHE && g.bits() < 1024) {
                grade = cap(grade, "F", "DH parameters below 1024 bits (" + g.name() + ")", caps);
            } else if (g.kind() == KeyExchangeGroup.Kind.FFDHE && g.bits() < 2048) {
                grade = cap(grade, "B", "DH parameters below 2048 bits (" + g.name() + ")", caps);
            }
        }
        if (rsaEquivalent(in.certKeyAlgorithm(), in.certKeyBits()) < 1024) {
            grade = cap(grade, "F", "certificate key below 1024 bits (" + in.certKeyAlgorithm() + " " + in.certKeyBits() + ")", caps);
        } else if (rsaEquivalent(in.certKeyAlgorithm(), in.certKeyBits()) < 2048) {
            grade = cap(grade, "B", "certificate key below 2048 bits (" + in.certKeyAlgorithm() + " " + in.certKeyBits() + ")", caps);
        }
        String sig = in.signatureAlgorithm() == null ? "" : in.signatureAlgorithm().toUpperCase(Locale.ROOT);
        if (sig.contains("MD5") || sig.contains("MD2") || sig.startsWith("SHA1")) {
            grade = cap(grade, "T", "certificate signed with " + in.signatureAlgorithm() + ", which browsers no longer trust", caps);
        }
        if (!in.trusted()) {
            grade = cap(grade, "T", "certificate not trusted for the host", caps);
        }
        if (grade.equals("A") && caps.isEmpty()) {
            if (!in.protocols().contains(TlsProtocol.TLS_1_3)) {
                caps.add("A+ needs TLS 1.3 (2020): not offered");
            } else if (in.hstsMaxAge() < HSTS_FOR_A_PLUS) {
                caps.add("A+ needs HSTS with max-age >= " + HSTS_FOR_A_PLUS + " (180 days): "
                        + (in.hstsMaxAge() < 0 ? "none sent" : "max-age=" + in.hstsMaxAge()));
            } else {
                grade = "A+";
            }
        }
        return new Result(protocol, keyExchange, cipher, score, numeric, List.copyOf(caps), grade);
    }

    private static String cap(String grade, String cap, String why, List<String> caps) {
        String line = cap + ": " + why;
        if (!caps.contains(line)) {
            caps.add(line);
        }
        return rank(cap) > rank(grade) ? cap : grade;
    }

    /** True when {@code grade} is {@code minimum} or better. */
    public static boolean atLeast(String grade, String minimum) {
        return rank(grade) <= rank(minimum);
    }

    public static int rank(String grade) {
        int i = GRADES.indexOf(grade == null ? "" : grade.strip().toUpperCase(Locale.ROOT));
        if (i < 0) {
            throw new IllegalArgumentException("'" + grade + "' is not an SSL Labs grade (one of " + GRADES + ")");
        }
        return Math.min(i, GRADES.indexOf("F"));
    }

    static int protocolScore(TlsProtocol p) {
        return switch (p) {
            case SSL_3_0 -> 80;
            case TLS_1_0 -> 90;
            case TLS_1_1 -> 95;
            case TLS_1_2, TLS_1_3 -> 100;
        };
    }

    /** The guide's key-exchange table, applied to the weakest key exchange the server allows. */
    static int keyExchangeScore(Inputs in) {
        if (in.suites().stream().anyMatch(a -> a.suite().has(CipherSuite.Flag.ANON))) {
            return 0;
        }
        int weakest = rsaEquivalent(in.certKeyAlgorithm(), in.certKeyBits());
        for (KeyExchangeGroup g : in.groups()) {
            weakest = Math.min(weakest, switch (g.kind()) {
                case FFDHE -> g.bits();
                case EC, XDH -> rsaEquivalent("EC", g.bits());
                case KEM -> Integer.MAX_VALUE;
            });
        }
        if (in.suites().stream().anyMatch(a -> a.suite().has(CipherSuite.Flag.EXPORT))) {
            weakest = Math.min(weakest, 512);
        }
        if (weakest < 512) {
            return 20;
        }
        if (weakest < 1024) {
            return 40;
        }
        if (weakest < 2048) {
            return 80;
        }
        if (weakest < 4096) {
            return 90;
        }
        return 100;
    }

    /** RSA-equivalent strength (NIST SP 800-57): EC 256 is RSA 3072, EC 384 is RSA 7680. */
    static int rsaEquivalent(String algorithm, int bits) {
        String a = algorithm == null ? "" : algorithm.toUpperCase(Locale.ROOT);
        if (a.equals("RSA") || a.equals("DSA") || a.equals("DH")) {
            return bits;
        }
        if (bits >= 512) {
            return 15360;
        }
        if (bits >= 384) {
            return 7680;
        }
        if (bits >= 256) {
            return 3072;
        }
        if (bits >= 224) {
            return 2048;
        }
        if (bits >= 160) {
            return 1024;
        }
        return 512;
    }

    /** The guide's cipher-strength table. */
    static int cipherScore(CipherSuite s) {
        int bits = s.cipher() == CipherSuite.Cipher.NULL ? 0 : s.keyBits();
        if (bits == 0) {
            return 0;
        }
        if (bits < 128) {
            return 20;
        }
        if (bits < 256) {
            return 80;
        }
        return 100;
    }
}
