package io.ocmt.verify.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.tls.TlsGrade.Accepted;
import io.ocmt.verify.tls.TlsGrade.Inputs;
import io.ocmt.verify.tls.TlsGrade.Result;
import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.TlsProtocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SSL Labs rating on synthetic servers: the scores, each cap, and what A+ needs. */
class TlsGradeTest {

    private static final long YEAR = 31536000;

    private static CipherSuite suite(String name) {
        return CipherSuite.forName(name).orElseThrow(() -> new AssertionError("no suite " + name));
    }

    private static KeyExchangeGroup group(String name) {
        return KeyExchangeGroup.forName(name).orElseThrow(() -> new AssertionError("no group " + name));
    }

    /** The reference stack's nginx: TLS 1.2 and 1.3, Mozilla intermediate, RSA 2048, X25519/P-256/P-384. */
    private static Inputs hardened() {
        List<Accepted> suites = new ArrayList<>();
        for (String s : List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")) {
            suites.add(new Accepted(TlsProtocol.TLS_1_2, suite(s)));
        }
        for (String s : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")) {
            suites.add(new Accepted(TlsProtocol.TLS_1_3, suite(s)));
        }
        return new Inputs(EnumSet.of(TlsProtocol.TLS_1_2, TlsProtocol.TLS_1_3), suites,
                List.of(group("x25519"), group("secp256r1"), group("secp384r1")), "RSA", 2048, "SHA256withRSA", true, YEAR);
    }

    private static Inputs with(Inputs in, Set<TlsProtocol> protocols, List<Accepted> extra) {
        List<Accepted> suites = new ArrayList<>(in.suites());
        suites.addAll(extra);
        return new Inputs(protocols, suites, in.groups(), in.certKeyAlgorithm(), in.certKeyBits(), in.signatureAlgorithm(),
                in.trusted(), in.hstsMaxAge());
    }

    @Test
    void hardenedServerWithLongHstsAndTls13GetsAPlus() {
        Result r = TlsGrade.rate(hardened());
        assertThat(r.protocolScore()).isEqualTo(100);
        assertThat(r.keyExchangeScore()).isEqualTo(90);
        assertThat(r.cipherScore()).isEqualTo(90);
        assertThat(r.score()).isEqualTo(93);
        assertThat(r.numericGrade()).isEqualTo("A");
        assertThat(r.grade()).isEqualTo("A+");
        assertThat(r.asEvidence()).contains("no cap applied", "grade A+");
    }

    @Test
    void aPlusNeedsTls13AndHstsOfSixMonths() {
        Inputs in = hardened();
        Inputs shortHsts = new Inputs(in.protocols(), in.suites(), in.groups(), "RSA", 2048, "SHA256withRSA", true, 86400);
        assertThat(TlsGrade.rate(shortHsts).grade()).isEqualTo("A");
        Inputs noHsts = new Inputs(in.protocols(), in.suites(), in.groups(), "RSA", 2048, "SHA256withRSA", true, -1);
        assertThat(TlsGrade.rate(noHsts).caps()).anySatisfy(c -> assertThat(c).contains("none sent"));
        List<Accepted> tls12 = in.suites().stream().filter(a -> a.protocol() == TlsProtocol.TLS_1_2).toList();
        Inputs no13 = new Inputs(EnumSet.of(TlsProtocol.TLS_1_2), tls12, in.groups(), "RSA", 2048, "SHA256withRSA", true, YEAR);
        Result r = TlsGrade.rate(no13);
        assertThat(r.grade()).isEqualTo("A");
        assertThat(r.caps()).anySatisfy(c -> assertThat(c).contains("TLS 1.3"));
    }

    @Test
    void tls10Or11CapsAtB() {
        Inputs legacy = with(hardened(), EnumSet.of(TlsProtocol.TLS_1_0, TlsProtocol.TLS_1_1, TlsProtocol.TLS_1_2, TlsProtocol.TLS_1_3),
                List.of(new Accepted(TlsProtocol.TLS_1_0, suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"))));
        Result r = TlsGrade.rate(legacy);
        assertThat(r.protocolScore()).isEqualTo(95);
        assertThat(r.grade()).isEqualTo("B");
        assertThat(r.caps()).anySatisfy(c -> assertThat(c).startsWith("B: TLS 1.0 or 1.1"));
    }

    @Test
    void ssl3CapsAtC() {
        Inputs ssl3 = with(hardened(), EnumSet.of(TlsProtocol.SSL_3_0, TlsProtocol.TLS_1_2, TlsProtocol.TLS_1_3),
                List.of(new Accepted(TlsProtocol.SSL_3_0, suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"))));
        assertThat(TlsGrade.rate(ssl3).grade()).isEqualTo("C");
    }

    @Test
    void rc4CapsAtBAndAtCWithModernProtocols() {
        Inputs rc4Old = with(hardened(), EnumSet.of(TlsProtocol.TLS_1_0, TlsProtocol.TLS_1_2, TlsProtocol.TLS_1_3),
                List.of(new Accepted(TlsProtocol.TLS_1_0, suite("TLS_ECDHE_RSA_WITH_RC4_128_SHA"))));
        assertThat(TlsGrade.rate(rc4Old).caps()).anySatisfy(c -> assertThat(c).startsWith("B: RC4"));
        Inputs rc4New = with(hardened(), hardened().protocols(),
                List.of(new Accepted(TlsProtocol.TLS_1_2, suite("TLS_ECDHE_RSA_WITH_RC4_128_SHA"))));
        assertThat(TlsGrade.rate(rc4New).grade()).isEqualTo("C");
    }

    @Test
    void tripleDesWithModernProtocolsCapsAtC() {
        Inputs des = with(hardened(), hardened().protocols(),
                List.of(new Accepted(TlsProtocol.TLS_1_2, suite("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"))));
        Result r = TlsGrade.rate(des);
        assertThat(r.cipherScore()).isEqualTo(90);
        assertThat(r.grade()).isEqualTo("C");
    }

    @Test
    void exportNullAndAnonymousSuitesGiveF() {
        for (String s : List.of("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "TLS_RSA_WITH_NULL_SHA256", "TLS_DH_anon_WITH_AES_128_GCM_SHA256")) {
            Inputs in = with(hardened(), hardened().protocols(), List.of(new Accepted(TlsProtocol.TLS_1_2, suite(s))));
            assertThat(TlsGrade.rate(in).grade()).as(s).isEqualTo("F");
        }
    }

    @Test
    void noForwardSecrecyCapsAtB() {
        List<Accepted> staticRsa = List.of(new Accepted(TlsProtocol.TLS_1_2, suite("TLS_RSA_WITH_AES_128_GCM_SHA256")),
                new Accepted(TlsProtocol.TLS_1_2, suite("TLS_RSA_WITH_AES_256_GCM_SHA384")));
        Inputs in = new Inputs(EnumSet.of(TlsProtocol.TLS_1_2), staticRsa, List.of(), "RSA", 2048, "SHA256withRSA", true, YEAR);
        Result r = TlsGrade.rate(in);
        assertThat(r.grade()).isEqualTo("B");
        assertThat(r.caps()).anySatisfy(c -> assertThat(c).contains("forward secrecy"));
    }

    @Test
    void noAeadSuiteCapsAtB() {
        List<Accepted> cbc = List.of(new Accepted(TlsProtocol.TLS_1_2, suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")));
        Inputs in = new Inputs(EnumSet.of(TlsProtocol.TLS_1_2), cbc, List.of(group("x25519")), "RSA", 2048, "SHA256withRSA", true, YEAR);
        assertThat(TlsGrade.rate(in).caps()).anySatisfy(c -> assertThat(c).startsWith("B: no AEAD"));
    }

    @Test
    void weakDhAndSmallKeysCap() {
        Inputs in = hardened();
        Inputs dh = new Inputs(in.protocols(), in.suites(), List.of(group("x25519"), new KeyExchangeGroup(0x9999, "dh1024",
                KeyExchangeGroup.Kind.FFDHE, 1024)), "RSA", 2048, "SHA256withRSA", true, YEAR);
        Result r = TlsGrade.rate(dh);
        assertThat(r.keyExchangeScore()).isEqualTo(80);
        assertThat(r.grade()).isEqualTo("B");
        Inputs rsa1024 = new Inputs(in.protocols(), in.suites(), in.groups(), "RSA", 1024, "SHA256withRSA", true, YEAR);
        assertThat(TlsGrade.rate(rsa1024).grade()).isEqualTo("B");
        Inputs rsa512 = new Inputs(in.protocols(), in.suites(), in.groups(), "RSA", 512, "SHA256withRSA", true, YEAR);
        assertThat(TlsGrade.rate(rsa512).grade()).isEqualTo("F");
        Inputs ec256 = new Inputs(in.protocols(), in.suites(), in.groups(), "EC", 256, "SHA256withECDSA", true, YEAR);
        assertThat(TlsGrade.rate(ec256).grade()).isEqualTo("A+");
    }

    @Test
    void sha1SignatureOrUntrustedChainGivesT() {
        Inputs in = hardened();
        Inputs sha1 = new Inputs(in.protocols(), in.suites(), in.groups(), "RSA", 2048, "SHA1withRSA", true, YEAR);
        assertThat(TlsGrade.rate(sha1).grade()).isEqualTo("T");
        Inputs untrusted = new Inputs(in.protocols(), in.suites(), in.groups(), "RSA", 2048, "SHA256withRSA", false, YEAR);
        assertThat(TlsGrade.rate(untrusted).grade()).isEqualTo("T");
        assertThat(TlsGrade.atLeast("T", "A")).isFalse();
        assertThat(TlsGrade.atLeast("T", "F")).isTrue();
    }

    @Test
    void numericBandsAndGradeOrder() {
        assertThat(TlsGrade.atLeast("A+", "A")).isTrue();
        assertThat(TlsGrade.atLeast("A-", "A")).isFalse();
        assertThat(TlsGrade.atLeast("B", "B")).isTrue();
        assertThatThrownBy(() -> TlsGrade.rank("Z")).hasMessageContaining("not an SSL Labs grade");
        assertThat(TlsGrade.cipherScore(suite("TLS_RSA_WITH_NULL_SHA256"))).isZero();
        assertThat(TlsGrade.cipherScore(suite("TLS_RSA_EXPORT_WITH_RC4_40_MD5"))).isEqualTo(20);
        assertThat(TlsGrade.cipherScore(suite("TLS_AES_256_GCM_SHA384"))).isEqualTo(100);
    }
}
