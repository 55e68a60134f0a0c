package io.ocmt.verify.suites;

import static io.ocmt.verify.tls.HandshakeAssert.assertThat;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.ocmt.verify.report.Warnings;
import io.ocmt.verify.tls.CertificateCheck;
import io.ocmt.verify.tls.Handshake;
import io.ocmt.verify.tls.TlsVerdict;
import io.ocmt.verify.tls.probe.EnumerationResult;
import io.ocmt.verify.tls.probe.GroupEnumerationResult;
import io.ocmt.verify.tls.probe.TlsProbe;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checklist "TLS/HTTPS": weak protocols and ciphers disabled (minimum TLS 1.2, TLS 1.3 preferred,
 * no CBC), a valid certificate. Protocols and suites are found by raw ClientHellos across the whole
 * IANA registry, as testssl.sh and SSL Labs do, so suites Java cannot speak are found too; then the
 * key-exchange groups, one per ClientHello, in each accepted protocol.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.TLS)
@OcmtSuite
@Tag("tls")
@DisplayName("TLS protocols, cipher suites and certificate")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class TlsIT {

    private Target target;
    private Policy policy;
    private EnumerationResult enumeration;
    private GroupEnumerationResult groups;

    @BeforeAll
    void enumerate(Target target) {
        this.target = target;
        this.policy = target.policy();
        TlsProbe probe = TlsProbe.builder()
                .host(target.tlsHost())
                .port(target.tlsPort())
                .connectTimeout(Duration.ofMillis(target.connectTimeoutMs()))
                .readTimeout(Duration.ofMillis(target.readTimeoutMs()))
                .maxParallelConnections(policy.tls().maxParallelProbes())
                .maxConnections(policy.tls().maxProbeConnections())
                .maxUnansweredOffers(policy.tls().maxUnansweredOffers())
                .build();
        enumeration = probe.enumerate();
        // Groups are asked about only in the protocols, and with the suites, found accepted above.
        groups = probe.groups(enumeration);
    }

    /** What the probe saw, in the report of the tests that judge it (a @BeforeAll has no report entry of its own). */
    private void attachEnumeration() {
        Evidence.attach("Enumeration", "text/plain", enumeration.protocols().stream().map(Object::toString)
                .collect(Collectors.joining("\n")) + "\n\n" + enumeration.accepted().stream()
                .map(p -> p.protocol().label() + " " + p.suite().ianaName() + "  (" + TlsVerdict.weaknesses(p.suite()) + ")")
                .collect(Collectors.joining("\n")) + "\n\n" + enumeration.connections() + " connections in "
                + enumeration.wallTime().toMillis() + " ms", ".txt");
    }

    private void attachGroupEnumeration() {
        Evidence.attach("Key-exchange groups", "text/plain", groups.results().stream()
                .map(r -> r.protocol().label() + " accepts " + r.accepted() + " of " + r.offered().size() + " groups offered one at a time"
                        + r.notes().stream().map(n -> "\n  note: " + n).collect(Collectors.joining()))
                .collect(Collectors.joining("\n")) + "\n\n" + groups.connections() + " connections in "
                + groups.wallTime().toMillis() + " ms", ".txt");
    }

    private String subject() {
        return "raw ClientHello probe of " + target.tlsHost() + ":" + target.tlsPort();
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.WEAK_TLS)
    @Link(name = "ASVS 4.0.3 V9.1.3", url = References.ASVS_V9)
    @Link(name = "Mozilla Server Side TLS (intermediate)", url = References.MOZILLA_TLS)
    @Link(name = "testssl.sh -p", url = References.TESTSSL)
    @Description("The server must accept exactly the policy's protocols (TLS 1.2 and 1.3): SSLv3, TLS 1.0 and 1.1 "
            + "refused. "
            + Remediation.TLS_NGINX)
    @Test
    @DisplayName("Only the policy's protocols are accepted (TLS 1.2 and 1.3), and each of them is")
    void protocols() {
        attachEnumeration();
        TlsVerdict.conclude(TlsVerdict.protocols(subject(), enumeration, policy.tls()), TlsVerdict.protocolsNotJudged(enumeration));
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.WEAK_TLS)
    @Link(name = "ASVS 4.0.3 V9.1.2", url = References.ASVS_V9)
    @Link(name = "Mozilla Server Side TLS (intermediate)", url = References.MOZILLA_TLS)
    @Link(name = "testssl.sh -E", url = References.TESTSSL)
    @Description("Every (protocol, cipher suite) the server accepts, found by raw ClientHellos over the IANA registry, "
            + "must be on the policy's list; the failure names each weak pair and why. "
            + Remediation.TLS_NGINX)
    @Test
    @DisplayName("Every accepted (protocol, cipher suite) pair is on the policy's list")
    void cipherSuites() {
        attachEnumeration();
        TlsVerdict.conclude(TlsVerdict.suites(subject(), enumeration, policy.tls()), TlsVerdict.incomplete(enumeration));
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.WEAK_TLS)
    @Link(name = "ASVS 4.0.3 V9.1.2", url = References.ASVS_V9)
    @Link(name = "Mozilla Server Side TLS (intermediate)", url = References.MOZILLA_TLS)
    @Description("Every key-exchange group each protocol accepts must be in policy.tls.allowedGroups (default X25519, "
            + "secp256r1, secp384r1), DH >= 2048 and ECDH >= 256 bits. "
            + Remediation.TLS_NGINX)
    @Test
    @DisplayName("Every accepted (protocol, key-exchange group) pair is on the policy's list and large enough")
    void keyExchangeGroups() {
        attachGroupEnumeration();
        TlsVerdict.conclude(TlsVerdict.groups(subject(), groups, policy.tls()), TlsVerdict.incomplete(enumeration)
                .map(gap -> "the key-exchange groups are asked with what it found, and " + gap).or(() -> TlsVerdict.incomplete(groups)));
    }

    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.WEAK_TLS)
    @Link(name = "ASVS 4.0.3 V9.1.3", url = References.ASVS_V9)
    @Description("A modern JSSE client must negotiate the policy's protocol (TLS 1.3) with an allowed suite. "
            + Remediation.TLS_NGINX)
    @Test
    @DisplayName("A modern client negotiates the policy's protocol with an allowed suite")
    void negotiatedDefaults() {
        assertThat(Handshake.modernClient(target))
                .negotiated(policy.tls().negotiatedProtocol())
                .withSuiteIn(policy.tls().allowedSuites());
    }

    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.TLS_TERMINATION)
    @Link(name = "ASVS 4.0.3 V9.2.1", url = References.ASVS_V9)
    @Link(name = "testssl.sh certificate checks", url = References.TESTSSL)
    @Description("The certificate must chain to a trusted root for the host, expire in more than 30 days (warning at "
            + "60), live at most 398 days, with a strong key and signature. "
            + Remediation.CERTIFICATE)
    @Test
    @DisplayName("Certificate: trusted chain for the host, expiry, lifetime, key size, signature")
    void certificate() {
        Handshake handshake = Handshake.modernClient(target);
        Instant now = Instant.now();
        CertificateCheck.expiryWarning(handshake, policy.certificate(), now).ifPresent(Warnings::warn);
        io.ocmt.verify.report.Findings.assertNone(CertificateCheck.judge(handshake, policy.certificate(), now));
    }
}
