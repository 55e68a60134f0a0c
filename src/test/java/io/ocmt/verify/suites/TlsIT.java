package io.ocmt.verify.suites;

import static io.ocmt.verify.tls.HandshakeAssert.assertThat;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.ocmt.verify.report.Warnings;
import io.ocmt.verify.tls.CertificateCheck;
import io.ocmt.verify.tls.Handshake;
import io.ocmt.verify.tls.TlsEvidence;
import io.ocmt.verify.tls.TlsGrade;
import io.ocmt.verify.tls.TlsVerdict;
import io.ocmt.verify.tls.probe.AcceptedGroup;
import io.ocmt.verify.tls.probe.EnumerationResult;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.GroupEnumerationResult;
import io.ocmt.verify.tls.probe.TlsProbe;
import io.ocmt.verify.tls.probe.TlsProbeException;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import io.qameta.allure.model.Status;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/**
 * Checklist "TLS/HTTPS": weak protocols and ciphers disabled (minimum TLS 1.2, TLS 1.3 preferred,
 * no CBC), a valid certificate. Protocols and suites are found by raw ClientHellos across the whole
 * IANA registry, as testssl.sh and SSL Labs do, so suites Java cannot speak are found too; then the
 * key-exchange groups, one per ClientHello, in each accepted protocol.
 *
 * <p>Only an alert is a refusal: offers answered by silence, a reset or a close are counted, and an
 * enumeration with more than policy.tls.maxUnansweredOffers of them (or with a protocol that answered
 * some and not others) is incomplete, so what it did not see is not verified, never passed. Each
 * test attaches what it judged: the probing happens in the first test that needs it, not in a
 * {@code @BeforeAll} that has no report entry of its own.
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
    private TlsProbe probe;
    /** Done once, by the first test that needs it, so that its steps and any failure show on a test. */
    private Memo<EnumerationResult> enumeration;
    private Memo<GroupEnumerationResult> groups;

    @BeforeAll
    void probe(Target target) {
        this.target = target;
        this.policy = target.policy();
        this.probe = TlsProbe.builder()
                .host(target.tlsHost())
                .port(target.tlsPort())
                .connectTimeout(Duration.ofMillis(target.connectTimeoutMs()))
                .readTimeout(Duration.ofMillis(target.readTimeoutMs()))
                .maxParallelConnections(policy.tls().maxParallelProbes())
                .maxConnections(policy.tls().maxProbeConnections())
                .maxUnansweredOffers(policy.tls().maxUnansweredOffers())
                .build();
    }

    /** A result, or what kept it from coming about, handed to every test that asks. */
    private record Memo<T>(T value, RuntimeException failure) {

        static <T> Memo<T> of(String step, Supplier<T> work) {
            try (Evidence.Step s = Evidence.open(step)) {
                try {
                    return new Memo<>(work.get(), null);
                } catch (RuntimeException e) {
                    s.status(Status.BROKEN);
                    return new Memo<>(null, e);
                }
            }
        }

        T get() {
            if (failure instanceof TlsProbeException.Unreachable u) {
                // Nothing answered, so nothing about TLS can be judged.
                TestAbortedException notVerified = NotVerified.because(Redactor.text(u.getMessage() + ". The raw ClientHello "
                        + "probe could not open a connection to the target; check that it is up, that target.tlsHost / "
                        + "target.tlsPort name it, and that no firewall drops the probe's connections."));
                notVerified.initCause(u);
                throw notVerified;
            }
            if (failure instanceof TlsProbeException t) {
                throw new TlsProbeException(t.getMessage(), t);
            }
            if (failure != null) {
                throw failure;
            }
            return value;
        }
    }

    private EnumerationResult enumeration() {
        if (enumeration == null) {
            enumeration = Memo.of("Raw ClientHello enumeration of " + endpoint() + ": every protocol and IANA cipher suite",
                    probe::enumerate);
        }
        return enumeration.get();
    }

    /** Asked only in the protocols, and with the suites, a complete enumeration found accepted. */
    private GroupEnumerationResult groups(EnumerationResult accepted) {
        if (groups == null) {
            groups = Memo.of("Key-exchange group enumeration of " + endpoint() + ": one group per ClientHello",
                    () -> probe.groups(accepted));
        }
        return groups.get();
    }

    /** What a check judged, in its own report entry, redacted like everything else the suite writes. */
    private static void attach(String name, String text) {
        Evidence.attach(name, text);
    }

    private void attachEnumeration(EnumerationResult e) {
        attach("Enumeration: protocols and cipher suites", TlsEvidence.enumeration(e, policy.tls()));
    }

    private String endpoint() {
        return target.tlsHost() + ":" + target.tlsPort();
    }

    private String subject() {
        return "raw ClientHello probe of " + endpoint();
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.WEAK_TLS)
    @Link(name = "ASVS 4.0.3 V9.1.3", url = References.ASVS_V9)
    @Link(name = "Mozilla Server Side TLS (intermediate)", url = References.MOZILLA_TLS)
    @Link(name = "testssl.sh -p", url = References.TESTSSL)
    @Description("The server must accept exactly the policy's protocols (TLS 1.2 and 1.3): SSLv3, TLS 1.0 and 1.1 "
            + "refused. Only an alert counts as a refusal: a protocol whose ClientHellos got silence, a reset or a "
            + "close is not verified when the enumeration is incomplete (more than policy.tls.maxUnansweredOffers "
            + "unanswered, or a protocol that answered going quiet), as a firewall or IPS dropping the scan looks so. "
            + Remediation.TLS_NGINX)
    @Test
    @DisplayName("Only the policy's protocols are accepted (TLS 1.2 and 1.3), and each of them is")
    void protocols() {
        EnumerationResult e = enumeration();
        attachEnumeration(e);
        if (TlsVerdict.protocolsNotJudged(e).isEmpty()) {
            // Every protocol was accepted or refused in so many words; the suites may still be unknown.
            TlsVerdict.incomplete(e).ifPresent(gap -> Warnings.warn("The protocol verdicts rest on answers only: " + gap));
        }
        TlsVerdict.conclude(TlsVerdict.protocols(subject(), e, policy.tls()), TlsVerdict.protocolsNotJudged(e));
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.WEAK_TLS)
    @Link(name = "ASVS 4.0.3 V9.1.2", url = References.ASVS_V9)
    @Link(name = "Mozilla Server Side TLS (intermediate)", url = References.MOZILLA_TLS)
    @Link(name = "testssl.sh -E", url = References.TESTSSL)
    @Description("Every (protocol, cipher suite) the server accepts, found by raw ClientHellos over the IANA registry, "
            + "must be on the policy's list; the failure names each weak pair and why. An incomplete enumeration (offers "
            + "unanswered, see the protocols check) is not verified unless it already found a weak pair. "
            + Remediation.TLS_NGINX)
    @Test
    @DisplayName("Every accepted (protocol, cipher suite) pair is on the policy's list")
    void cipherSuites() {
        EnumerationResult e = enumeration();
        attachEnumeration(e);
        TlsVerdict.conclude(TlsVerdict.suites(subject(), e, policy.tls()), TlsVerdict.incomplete(e));
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.WEAK_TLS)
    @Link(name = "ASVS 4.0.3 V9.1.2", url = References.ASVS_V9)
    @Link(name = "Mozilla Server Side TLS (intermediate)", url = References.MOZILLA_TLS)
    @Description("Every key-exchange group each protocol accepts must be in policy.tls.allowedGroups (default X25519, "
            + "secp256r1, secp384r1), DH >= 2048 and ECDH >= 256 bits. Not verified when the suite enumeration or the "
            + "group enumeration is incomplete (offers unanswered), unless a weak group was already found. "
            + Remediation.TLS_NGINX)
    @Test
    @DisplayName("Every accepted (protocol, key-exchange group) pair is on the policy's list and large enough")
    void keyExchangeGroups() {
        EnumerationResult e = enumeration();
        Optional<String> suitesUnknown = TlsVerdict.incomplete(e);
        if (suitesUnknown.isPresent()) {
            // The groups are asked in the protocols, and with the suites, found accepted: not knowable here.
            attachEnumeration(e);
            attach("Key-exchange groups", "Not probed: the protocol and suite enumeration they are asked with is incomplete.");
            TlsVerdict.conclude(List.of(), Optional.of("the key-exchange groups were not probed, since "
                    + suitesUnknown.get()));
        }
        GroupEnumerationResult g = groups(e);
        attach("Key-exchange groups", TlsEvidence.groups(g, policy.tls()));
        TlsVerdict.conclude(TlsVerdict.groups(subject(), g, policy.tls()), TlsVerdict.incomplete(g));
    }

    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.WEAK_TLS)
    @Link(name = "ASVS 4.0.3 V9.1.3", url = References.ASVS_V9)
    @Description("A modern JSSE client must negotiate the policy's protocol (TLS 1.3) with an allowed suite. "
            + Remediation.TLS_NGINX)
    @Test
    @DisplayName("A modern client negotiates the policy's protocol with an allowed suite")
    void negotiatedDefaults() {
        Handshake handshake = Handshake.modernClient(target);
        attach("Negotiated handshake", TlsEvidence.handshake(handshake, policy.tls()));
        assertThat(handshake)
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
        attach("Certificates", TlsEvidence.certificates(handshake, policy.certificate(), now));
        CertificateCheck.expiryWarning(handshake, policy.certificate(), now).ifPresent(Warnings::warn);
        Findings.assertNone(CertificateCheck.judge(handshake, policy.certificate(), now));
    }

    @Severity(SeverityLevel.CRITICAL)
    @Feature(Checklist.POST_DEPLOYMENT)
    @Story(Checklist.TLS_SCAN)
    @Link(name = "SSL Labs SSL Server Rating Guide", url = References.SSL_LABS_RATING)
    @Description("The checklist's SSL/TLS scan, \"target grade A or A+\": the SSL Labs rating guide applied to what the "
            + "raw ClientHello enumeration found (protocol support, key exchange and cipher strength scored and weighted "
            + "30/30/40; caps: SSL 3 C, TLS 1.0/1.1 B, RC4 B or C, 3DES with TLS 1.1+ C, export, NULL or anonymous suites "
            + "F, no forward secrecy or no AEAD suite B, DH or certificate key below 2048 bits B (below 1024 F), SHA-1 or "
            + "an untrusted chain T; A+ for an uncapped A with TLS 1.3 and HSTS of 180 days or more) must reach "
            + "policy.grades.tls.minimum. The evidence shows each score and every cap applied. Not verified when the "
            + "enumeration is incomplete and what was seen does not already fail. " + Remediation.TLS_NGINX)
    @Test
    @DisplayName("TLS grade (SSL Labs rating guide) at least the policy's")
    void tlsGrade(Http http) {
        String minimum = policy.grades().tls().minimum();
        TlsGrade.rank(minimum);
        EnumerationResult e = enumeration();
        attachEnumeration(e);
        Optional<String> gap = TlsVerdict.incomplete(e);
        List<KeyExchangeGroup> seenGroups = List.of();
        if (gap.isEmpty()) {
            GroupEnumerationResult g = groups(e);
            gap = TlsVerdict.incomplete(g);
            seenGroups = g.accepted().stream().map(AcceptedGroup::group).distinct().toList();
        }
        Handshake handshake;
        boolean trusted = true;
        try {
            handshake = Handshake.modernClient(target);
        } catch (IllegalStateException refused) {
            handshake = Handshake.certificatesOnly(target);
            trusted = false;
        }
        PublicKey key = handshake.leaf().getPublicKey();
        int keyBits = key instanceof RSAPublicKey rsa ? rsa.getModulus().bitLength()
                : key instanceof ECPublicKey ec ? ec.getParams().getCurve().getField().getFieldSize() : 256;
        Exchange health = http.get(policy.health().path());
        long hsts = health.all("Strict-Transport-Security").stream().findFirst()
                .map(v -> java.util.regex.Pattern.compile("(?i)max-age\\s*=\\s*\"?(\\d{1,12})").matcher(v))
                .filter(java.util.regex.Matcher::find).map(m -> Long.parseLong(m.group(1))).orElse(-1L);
        TlsGrade.Result grade = TlsGrade.rate(new TlsGrade.Inputs(java.util.Set.copyOf(e.acceptedProtocols()),
                e.accepted().stream().map(a -> new TlsGrade.Accepted(a.protocol(), a.suite())).toList(), seenGroups,
                key.getAlgorithm(), keyBits, handshake.leaf().getSigAlgName(), trusted, hsts));
        attach("TLS grade", grade.asEvidence() + "HSTS max-age read from " + health.describe() + ": " + hsts + "\n");
        List<Finding> low = TlsGrade.atLeast(grade.grade(), minimum) ? List.of()
                : List.of(new Finding("TLS grade", subject(), "grade " + minimum + " or better (policy.grades.tls.minimum)",
                        "grade " + grade.grade() + " (score " + grade.score() + ")" + (grade.caps().isEmpty() ? ""
                                : "; " + String.join("; ", grade.caps()))));
        TlsVerdict.conclude(low, gap);
    }
}
