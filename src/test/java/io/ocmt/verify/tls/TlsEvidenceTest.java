package io.ocmt.verify.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.referencestack.ThrowawayCa;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.tls.probe.EnumerationResult;
import io.ocmt.verify.tls.probe.GroupEnumerationResult;
import io.ocmt.verify.tls.probe.OfferCounts;
import io.ocmt.verify.tls.probe.TlsProtocol;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text each TLS check attaches: every line says what the policy makes of it. */
class TlsEvidenceTest {

    static final Policy POLICY = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of()).policy();

    @Test
    void everyAcceptedPairSaysAllowedOrWhyNot() {
        EnumerationResult r = TlsVerdictTest.enumeration(TlsVerdictTest.legacyRefused(), new OfferCounts(5, 3, 0, 0, 0),
                List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"));

        String text = TlsEvidence.enumeration(r, POLICY.tls());

        assertThat(text)
                .contains("Complete: every offer was answered with a ServerHello or an alert.")
                .contains("TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 [ECDHE-RSA-AES128-GCM-SHA256]: allowed by policy.tls.allowedSuites\n")
                .contains("TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256 [AES128-GCM-SHA256]: not in policy.tls.allowedSuites; static RSA"
                        + " key exchange: no forward secrecy, AES-GCM 128-bit\n")
                .contains("TLSv1.3 TLS_AES_128_GCM_SHA256: allowed by policy.tls.allowedSuites\n")
                .doesNotContain("not on the allowed list");
        assertThat(text.lines().filter(l -> l.startsWith("  TLSv1.") && l.contains(" TLS_")))
                .hasSize(r.accepted().size())
                .allSatisfy(l -> assertThat(l).containsAnyOf(": allowed by policy.tls.allowedSuites", ": not in policy.tls.allowedSuites; "));
        assertThat(text).containsPattern("SSLv3 +refused +2 offers: +0/ +2/0/0/0 +alert fatal protocol_version\\(70\\); refused as it"
                + " should be: not in policy.tls.allowedProtocols");
        assertThat(text).containsPattern("TLSv1.2 +accepted .*allowed by policy.tls.allowedProtocols");
    }

    @Test
    void anIncompleteEnumerationSaysSoFirstAndMarksItsUnansweredProtocolsUnknown() {
        EnumerationResult r = TlsVerdictTest.enumeration(List.of(TlsVerdictTest.refused(TlsProtocol.SSL_3_0),
                        TlsVerdictTest.unanswered(TlsProtocol.TLS_1_0, new OfferCounts(0, 0, 0, 2, 0)),
                        TlsVerdictTest.unanswered(TlsProtocol.TLS_1_1, new OfferCounts(0, 0, 0, 2, 0))),
                new OfferCounts(4, 3, 0, 0, 0), TlsVerdictTest.HARDENED);

        String text = TlsEvidence.enumeration(r, POLICY.tls());

        assertThat(text.lines().skip(1).findFirst()).hasValueSatisfying(l -> assertThat(l)
                .startsWith("INCOMPLETE: the raw ClientHello enumeration of localhost:8443 is incomplete: 4 of 19 offers went unanswered"));
        assertThat(text).containsPattern("TLSv1.0 +unanswered +2 offers: +0/ +0/0/2/0 +connection reset without an answer; unknown:"
                + " unanswered in an incomplete enumeration");
    }

    @Test
    void groupEvidenceJudgesEachAcceptedGroupAndListsTheUnanswered() {
        GroupEnumerationResult r = new GroupEnumerationResult("localhost", 8443, List.of(
                TlsVerdictTest.groups(TlsProtocol.TLS_1_2, List.of("x25519", "secp224r1"), List.of(), List.of(), new OfferCounts(2, 20, 0, 0, 0)),
                TlsVerdictTest.groups(TlsProtocol.TLS_1_3, List.of("x25519"), List.of("x448"), List.of("ffdhe2048"),
                        new OfferCounts(1, 0, 1, 0, 0))), 24, Duration.ofMillis(5), 2);

        String text = TlsEvidence.groups(r, POLICY.tls());

        assertThat(text).contains("INCOMPLETE: the key-exchange group enumeration of localhost:8443 is incomplete")
                .contains("  TLSv1.2 x25519: allowed by policy.tls.allowedGroups, ECDH 256-bit\n")
                .contains("  TLSv1.2 secp224r1: not in policy.tls.allowedGroups [x25519, secp256r1, secp384r1], ECDH 224-bit,"
                        + " below policy.tls.minEcdhBits 256\n")
                .contains("  unanswered (neither accepted nor refused): [x448]\n")
                .contains("  not offered, the enumeration being incomplete already: [ffdhe2048]\n");
    }

    static Handshake handshake(String suite) throws Exception {
        ThrowawayCa ca = new ThrowawayCa();
        ThrowawayCa.Issued issued = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(90));
        List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(issued.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                .stream().map(X509Certificate.class::cast).toList();
        return new Handshake("localhost:8443", "TLSv1.3", suite, chain);
    }

    @Test
    void theNegotiatedHandshakeShowsProtocolSuiteAndPeerCertificate() throws Exception {
        String text = Redactor.text(TlsEvidence.handshake(handshake("TLS_AES_256_GCM_SHA384"), POLICY.tls()));

        assertThat(text).contains("  protocol     TLSv1.3 (policy.tls.negotiatedProtocol)\n")
                .contains("  cipher suite TLS_AES_256_GCM_SHA384 (allowed by policy.tls.allowedSuites)\n")
                .contains("  chain        2 certificate(s) sent\n")
                .contains("subject      CN=localhost\n")
                .contains("names        DNS:localhost, IP:127.0.0.1\n")
                .contains("key          RSA ")
                .containsPattern("SHA-256      ([0-9A-F]{2}:){31}[0-9A-F]{2}\n")
                .doesNotContain(Redactor.MASK);
        assertThat(TlsEvidence.handshake(handshake("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), POLICY.tls()))
                .contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (not in policy.tls.allowedSuites)");
    }

    @Test
    void theCertificateEvidenceShowsWhatTheCheckJudgesForEveryCertificate() throws Exception {
        String text = TlsEvidence.certificates(handshake("TLS_AES_256_GCM_SHA384"), POLICY.certificate(), Instant.now());

        assertThat(text).contains("policy: fail under 30 days left, warn under 60, lifetime at most 398 days")
                .contains("#0 (leaf: expiry, lifetime, key and signature judged)\n")
                .contains("#1 (self-signed root: not judged, clients never check its own signature)\n")
                .containsOnlyOnce("  days left    88\n").containsOnlyOnce("  lifetime     90 days\n")
                .contains("issuer       CN=OCMT reference stack throwaway CA")
                .contains("signature    SHA256withRSA");
    }
}
