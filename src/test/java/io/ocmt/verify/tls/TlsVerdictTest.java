package io.ocmt.verify.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Policy.TlsPolicy;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.tls.probe.AcceptedSuite;
import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.CipherSuiteResult;
import io.ocmt.verify.tls.probe.EnumerationResult;
import io.ocmt.verify.tls.probe.GroupEnumerationResult;
import io.ocmt.verify.tls.probe.GroupResult;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.OfferCounts;
import io.ocmt.verify.tls.probe.ProtocolResult;
import io.ocmt.verify.tls.probe.ProtocolResult.Status;
import io.ocmt.verify.tls.probe.TlsAlert;
import io.ocmt.verify.tls.probe.TlsProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** How the TLS checks judge an enumeration: what it shows, and what an incomplete one cannot show. */
class TlsVerdictTest {

    static final TlsPolicy POLICY = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of())
            .policy().tls();

    static final OfferCounts TWO_ALERTS = new OfferCounts(0, 2, 0, 0, 0);

    static CipherSuite suite(String name) {
        return CipherSuite.forName(name).orElseThrow();
    }

    static ProtocolResult refused(TlsProtocol p) {
        return new ProtocolResult(p, Status.REFUSED, "alert fatal protocol_version(70)", Optional.of(new TlsAlert(2, 70)),
                TWO_ALERTS);
    }

    static ProtocolResult unanswered(TlsProtocol p, OfferCounts counts) {
        return new ProtocolResult(p, Status.UNANSWERED, "connection reset without an answer", Optional.empty(), counts);
    }

    static ProtocolResult accepted(TlsProtocol p, OfferCounts counts) {
        return new ProtocolResult(p, Status.ACCEPTED, "ServerHello " + p.label(), Optional.empty(), counts);
    }

    /** TLS 1.2 and 1.3 accepted with the given suites, the others as given. */
    static EnumerationResult enumeration(List<ProtocolResult> legacy, OfferCounts tls12, List<String> tls12Suites) {
        List<ProtocolResult> protocols = new ArrayList<>(legacy);
        protocols.add(accepted(TlsProtocol.TLS_1_2, tls12));
        protocols.add(accepted(TlsProtocol.TLS_1_3, new OfferCounts(4, 2, 0, 0, 0)));
        List<CipherSuiteResult> suites = List.of(
                new CipherSuiteResult(TlsProtocol.TLS_1_2, tls12Suites.stream().map(TlsVerdictTest::suite).toList(),
                        CipherSuiteResult.ServerOrder.SERVER, List.of(), tls12.offers(), Duration.ofMillis(5), tls12),
                new CipherSuiteResult(TlsProtocol.TLS_1_3, List.of(suite("TLS_AES_128_GCM_SHA256"), suite("TLS_AES_256_GCM_SHA384")),
                        CipherSuiteResult.ServerOrder.SERVER, List.of(), 6, Duration.ofMillis(5), new OfferCounts(4, 2, 0, 0, 0)));
        return new EnumerationResult("localhost", 8443, protocols, suites, 30, Duration.ofMillis(50), 2);
    }

    static List<ProtocolResult> legacyRefused() {
        return List.of(refused(TlsProtocol.SSL_3_0), refused(TlsProtocol.TLS_1_0), refused(TlsProtocol.TLS_1_1));
    }

    static final List<String> HARDENED = List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");

    @Test
    void anAllowedSuiteIsSaidToBeAllowedNotOffTheList() {
        AcceptedSuite pair = new AcceptedSuite(TlsProtocol.TLS_1_2, suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));

        assertThat(TlsVerdict.judgement(pair, POLICY)).isEqualTo("allowed by policy.tls.allowedSuites");
        assertThat(TlsVerdict.weaknesses(pair.suite())).doesNotContain("allowed list").isEqualTo("AES-GCM 128-bit");
    }

    @Test
    void aSuiteOffTheListSaysSoAndWhyItIsWeak() {
        assertThat(TlsVerdict.judgement(new AcceptedSuite(TlsProtocol.TLS_1_2, suite("TLS_RSA_WITH_AES_128_GCM_SHA256")), POLICY))
                .isEqualTo("not in policy.tls.allowedSuites; static RSA key exchange: no forward secrecy, AES-GCM 128-bit");
        // Nothing weak about it but the policy: still named as off the list.
        assertThat(TlsVerdict.judgement(new AcceptedSuite(TlsProtocol.TLS_1_3, suite("TLS_AES_128_CCM_SHA256")), POLICY))
                .startsWith("not in policy.tls.allowedSuites; ");
        assertThat(TlsVerdict.judgement(new AcceptedSuite(TlsProtocol.TLS_1_0, suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")), POLICY))
                .contains("CBC mode").endsWith("(and TLSv1.0 is not in policy.tls.allowedProtocols)");
    }

    @Test
    void suiteFindingsKeepNamingThePairAndItsWeakness() {
        EnumerationResult r = enumeration(legacyRefused(), new OfferCounts(5, 3, 0, 0, 0),
                List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"));

        assertThat(TlsVerdict.suites("probe", r, POLICY)).extracting(Finding::seen).containsExactly(
                "TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256 [AES128-GCM-SHA256] is accepted: not in policy.tls.allowedSuites; "
                        + "static RSA key exchange: no forward secrecy, AES-GCM 128-bit");
    }

    @Test
    void aCompleteEnumerationOfAHardenedServerPasses() {
        EnumerationResult r = enumeration(legacyRefused(), new OfferCounts(4, 3, 0, 0, 0), HARDENED);

        assertThat(r.complete()).isTrue();
        assertThat(TlsVerdict.protocols("probe", r, POLICY)).isEmpty();
        assertThat(TlsVerdict.protocolsNotJudged(r)).isEmpty();
        assertThat(TlsVerdict.incomplete(r)).isEmpty();
        assertThatCode(() -> TlsVerdict.conclude(TlsVerdict.suites("probe", r, POLICY), TlsVerdict.incomplete(r)))
                .doesNotThrowAnyException();
    }

    /** Before, resets read as refusals: TLS 1.0 and 1.1 behind an IPS passed the protocol check. */
    @Test
    void protocolsResetBeyondTheToleranceAreNotVerifiedNamingCountAndProtocol() {
        EnumerationResult r = enumeration(List.of(refused(TlsProtocol.SSL_3_0),
                        unanswered(TlsProtocol.TLS_1_0, new OfferCounts(0, 0, 0, 2, 0)),
                        unanswered(TlsProtocol.TLS_1_1, new OfferCounts(0, 0, 1, 0, 1))),
                new OfferCounts(4, 3, 0, 0, 0), HARDENED);

        assertThat(r.complete()).isFalse();
        assertThat(TlsVerdict.protocols("probe", r, POLICY)).isEmpty();
        String why = TlsVerdict.protocolsNotJudged(r).orElseThrow();
        assertThat(why).startsWith("whether the target accepts TLSv1.0, TLSv1.1 is unknown: the raw ClientHello enumeration of"
                        + " localhost:8443 is incomplete: 4 of 19 offers went unanswered [TLSv1.0: 2 unanswered (2 reset);"
                        + " TLSv1.1: 2 unanswered (1 silent, 1 closed)], more than policy.tls.maxUnansweredOffers (2).")
                .contains("firewall or IPS").contains("raise policy.tls.maxUnansweredOffers");
        assertThatThrownBy(() -> TlsVerdict.conclude(TlsVerdict.protocols("probe", r, POLICY), TlsVerdict.protocolsNotJudged(r)))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageStartingWith("Not verified: whether the target accepts TLSv1.0, TLSv1.1 is unknown: ");
        assertThatThrownBy(() -> TlsVerdict.conclude(TlsVerdict.suites("probe", r, POLICY), TlsVerdict.incomplete(r)))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageStartingWith("Not verified: the raw ClientHello enumeration of localhost:8443 is incomplete: 4 of 19"
                        + " offers went unanswered");
    }

    @Test
    void withinTheToleranceAnUnansweredProtocolCountsAsRefused() {
        ProtocolResult ssl3 = unanswered(TlsProtocol.SSL_3_0, new OfferCounts(0, 0, 0, 0, 2));
        EnumerationResult r = enumeration(List.of(ssl3, refused(TlsProtocol.TLS_1_0), refused(TlsProtocol.TLS_1_1)),
                new OfferCounts(4, 3, 0, 0, 0), HARDENED);

        assertThat(r.complete()).isTrue();
        assertThat(TlsVerdict.protocolsNotJudged(r)).isEmpty();
        TlsPolicy wantsSsl3 = new TlsPolicy(List.of("SSLv3"), POLICY.allowedProtocols(), "TLSv1.3", POLICY.allowedSuites(),
                POLICY.allowedGroups(), 2048, 256, 8, 2000, 2);
        assertThat(TlsVerdict.protocols("probe", r, wantsSsl3)).extracting(Finding::seen)
                .containsExactly("SSLv3 is refused (connection reset without an answer)");
    }

    /** One silence is within any tolerance, but not from a protocol that answered: that is something in the way. */
    @Test
    void aProtocolThatAnsweredAndThenWentQuietIsIncompleteWhateverTheTolerance() {
        EnumerationResult r = enumeration(legacyRefused(), new OfferCounts(4, 1, 1, 0, 0), HARDENED);

        assertThat(r.tooManyUnanswered()).isFalse();
        assertThat(r.complete()).isFalse();
        // Every protocol was accepted or refused by an answer: the protocol verdicts stand.
        assertThat(TlsVerdict.protocolsNotJudged(r)).isEmpty();
        assertThat(TlsVerdict.incomplete(r)).hasValueSatisfying(why -> assertThat(why)
                .contains("1 of 18 offers went unanswered [TLSv1.2: 1 unanswered (1 silent)], TLSv1.2 answered 5 offers and"
                        + " left 1 unanswered.")
                .contains("is not the server refusing")
                .doesNotContain("raise policy.tls.maxUnansweredOffers"));
    }

    @Test
    void aWeakSuiteSeenInAnIncompleteEnumerationFailsAndTheGapIsNoted() {
        EnumerationResult r = enumeration(legacyRefused(), new OfferCounts(4, 1, 1, 0, 0),
                List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"));

        assertThatThrownBy(() -> TlsVerdict.conclude(TlsVerdict.suites("probe", r, POLICY), TlsVerdict.incomplete(r)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")
                .hasMessageContaining("CBC mode");
    }

    static GroupResult groups(TlsProtocol p, List<String> accepted, List<String> unanswered, List<String> notSent,
            OfferCounts counts) {
        List<KeyExchangeGroup> all = new ArrayList<>();
        for (List<String> names : List.of(accepted, unanswered, notSent)) {
            names.forEach(n -> all.add(KeyExchangeGroup.forName(n).orElseThrow()));
        }
        return new GroupResult(p, named(accepted), all, named(unanswered), named(notSent), List.of(), counts.offers(), counts);
    }

    static List<KeyExchangeGroup> named(List<String> names) {
        return names.stream().map(n -> KeyExchangeGroup.forName(n).orElseThrow()).toList();
    }

    @Test
    void anIncompleteGroupEnumerationNamesTheUnansweredGroups() {
        GroupEnumerationResult r = new GroupEnumerationResult("localhost", 8443, List.of(
                groups(TlsProtocol.TLS_1_3, List.of("x25519"), List.of("x448", "secp521r1"), List.of("ffdhe2048"),
                        new OfferCounts(1, 0, 2, 0, 0))), 3, Duration.ofMillis(5), 2);

        assertThat(r.complete()).isFalse();
        assertThat(TlsVerdict.groups("probe", r, POLICY)).isEmpty();
        assertThat(TlsVerdict.incomplete(r)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("the key-exchange group enumeration of localhost:8443 is incomplete: 2 of 3 offers went unanswered"
                        + " [TLSv1.3: 2 unanswered (2 silent) offering only [x448, secp521r1]], TLSv1.3 answered 1 group offers"
                        + " and left 2 unanswered. 1 further offers were not sent once it was incomplete."));
    }

    @Test
    void conclusionIsFailureOverNotVerifiedOverPass() {
        List<Finding> one = List.of(new Finding("c", "s", "e", "seen"));

        assertThatThrownBy(() -> TlsVerdict.conclude(one, Optional.of("gap"))).isInstanceOf(AssertionError.class)
                .isNotInstanceOf(TestAbortedException.class).hasMessageContaining("seen");
        assertThatThrownBy(() -> TlsVerdict.conclude(List.of(), Optional.of("gap"))).isInstanceOf(TestAbortedException.class)
                .hasMessage("Not verified: gap");
        assertThatCode(() -> TlsVerdict.conclude(List.of(), Optional.empty())).doesNotThrowAnyException();
        assertThat(Arrays.asList(Status.values())).containsExactly(Status.ACCEPTED, Status.REFUSED, Status.UNANSWERED);
    }
}
