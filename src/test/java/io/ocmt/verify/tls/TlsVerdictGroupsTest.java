package io.ocmt.verify.tls;

import io.ocmt.verify.config.Policy.TlsPolicy;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.tls.probe.GroupEnumerationResult;
import io.ocmt.verify.tls.probe.GroupResult;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.OfferCounts;
import io.ocmt.verify.tls.probe.TlsProtocol;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsVerdictGroupsTest {

    static TlsPolicy policy(List<String> allowedGroups) {
        return new TlsPolicy(List.of("TLSv1.2", "TLSv1.3"), List.of("TLSv1.2", "TLSv1.3"), "TLSv1.3", List.of(),
                allowedGroups, 2048, 256, 8, 2000, 2);
    }

    static GroupResult accepted(TlsProtocol p, String... names) {
        List<KeyExchangeGroup> groups = Arrays.stream(names).map(n -> KeyExchangeGroup.forName(n).orElseThrow()).toList();
        return new GroupResult(p, groups, groups, List.of(), List.of(), List.of(), groups.size(),
                new OfferCounts(groups.size(), 0, 0, 0, 0));
    }

    static List<String> seen(List<Finding> findings) {
        return findings.stream().map(Finding::seen).toList();
    }

    @Test
    void namesProtocolGroupAndWhyForEachPairOutsideThePolicy() {
        GroupEnumerationResult r = new GroupEnumerationResult("localhost", 443, List.of(
                accepted(TlsProtocol.TLS_1_2, "x25519", "secp256r1", "secp384r1", "secp521r1", "secp224r1"),
                accepted(TlsProtocol.TLS_1_3, "x25519", "secp384r1", "x448", "ffdhe2048")), 9, Duration.ofMillis(5), 2);

        List<Finding> findings = TlsVerdict.groups("probe", r, policy(List.of("X25519", "prime256v1", "secp384r1")));

        String notAllowed = "not in policy.tls.allowedGroups [x25519, secp256r1, secp384r1]";
        assertThat(seen(findings)).containsExactly(
                "TLSv1.2 secp521r1 is accepted: " + notAllowed,
                "TLSv1.2 secp224r1 is accepted: " + notAllowed + ", ECDH 224-bit, below policy.tls.minEcdhBits 256",
                "TLSv1.3 x448 is accepted: " + notAllowed,
                "TLSv1.3 ffdhe2048 is accepted: " + notAllowed);
        assertThat(findings).allSatisfy(f -> assertThat(f.control()).isEqualTo(TlsVerdict.GROUPS));
    }

    @Test
    void aGroupOnTheListIsStillJudgedBySize() {
        GroupEnumerationResult r = new GroupEnumerationResult("localhost", 443,
                List.of(accepted(TlsProtocol.TLS_1_3, "ffdhe2048")), 1, Duration.ofMillis(1), 2);
        TlsPolicy strict = new TlsPolicy(List.of(), List.of(), "TLSv1.3", List.of(), List.of("ffdhe2048"), 3072, 256, 8, 2000, 2);

        assertThat(seen(TlsVerdict.groups("probe", r, strict)))
                .containsExactly("TLSv1.3 ffdhe2048 is accepted: DH 2048-bit, below policy.tls.minDhBits 3072");
    }

    @Test
    void theHardenedSetPasses() {
        GroupEnumerationResult r = new GroupEnumerationResult("localhost", 443, List.of(
                accepted(TlsProtocol.TLS_1_2, "x25519", "secp256r1", "secp384r1"),
                accepted(TlsProtocol.TLS_1_3, "x25519", "secp256r1", "secp384r1")), 6, Duration.ofMillis(1), 2);

        assertThat(TlsVerdict.groups("probe", r, policy(List.of("x25519", "secp256r1", "secp384r1")))).isEmpty();
    }

    @Test
    void anUnknownGroupInThePolicyIsAnErrorNotASilentlyEmptyList() {
        GroupEnumerationResult r = new GroupEnumerationResult("localhost", 443, List.of(), 0, Duration.ZERO, 2);

        assertThatThrownBy(() -> TlsVerdict.groups("probe", r, policy(List.of("x25519", "curve25519x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("policy.tls.allowedGroups names 'curve25519x', which is no group of the IANA registry");
    }
}
