package io.ocmt.verify.tls.probe;

import org.bouncycastle.tls.NamedGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one-group-per-ClientHello enumeration against {@link FakeTlsServer}'s exact answers. */
class GroupProbeTest {

    static final int TLS12 = 0x0303;
    static final int TLS13 = 0x0304;
    static final int ECDHE_RSA_AES128_GCM = 0xC02F;
    static final int ECDHE_RSA_AES256_GCM = 0xC030;
    static final int RSA_AES128_GCM = 0x009C;
    static final List<Integer> ECDHE = List.of(ECDHE_RSA_AES128_GCM, ECDHE_RSA_AES256_GCM);

    static final List<Integer> TLS13_GROUPS = List.of(NamedGroup.x25519, NamedGroup.secp384r1, NamedGroup.ffdhe2048);
    static final List<Integer> TLS12_GROUPS = List.of(NamedGroup.secp256r1, NamedGroup.secp224r1);

    static Function<ParsedClientHello, byte[]> server(byte[] refusal) {
        return FakeTlsServer.withGroups(
                Map.of(TLS12, List.of(ECDHE_RSA_AES128_GCM, ECDHE_RSA_AES256_GCM, RSA_AES128_GCM), TLS13, List.of(0x1301, 0x1302)),
                Map.of(TLS12, TLS12_GROUPS, TLS13, TLS13_GROUPS), ECDHE, refusal);
    }

    static List<Integer> codes(GroupEnumerationResult r, TlsProtocol p) {
        return r.groups(p).orElseThrow().accepted().stream().map(KeyExchangeGroup::code).toList();
    }

    static long probed(TlsProtocol p) {
        return KeyExchangeGroup.all().stream().filter(g -> g.probedIn(p)).count();
    }

    @Test
    void helloRetryRequestNamingTheOfferedGroupIsAcceptedAndTls12EcdheServerHelloToo() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(server(FakeTlsServer.alert(FakeTlsServer.HANDSHAKE_FAILURE)))) {
            TlsProbe probe = TlsProbeTest.probe(server).build();
            EnumerationResult suites = probe.enumerate();
            int before = server.hellos().size();

            GroupEnumerationResult r = probe.groups(suites);

            assertThat(codes(r, TlsProtocol.TLS_1_3)).isEqualTo(TLS13_GROUPS.stream().sorted().toList());
            assertThat(codes(r, TlsProtocol.TLS_1_2)).isEqualTo(TLS12_GROUPS.stream().sorted().toList());
            assertThat(r.accepted()).contains(new AcceptedGroup(TlsProtocol.TLS_1_2,
                    KeyExchangeGroup.forCode(NamedGroup.secp224r1).orElseThrow()));
            List<ParsedClientHello> groupHellos = server.hellos().subList(before, server.hellos().size());
            assertThat(groupHellos).allSatisfy(h -> assertThat(h.supportedGroups()).hasSize(1));
            assertThat(groupHellos).filteredOn(h -> h.offeredVersion() == TLS13)
                    .hasSize((int) probed(TlsProtocol.TLS_1_3))
                    .allSatisfy(h -> assertThat(h.keyShareGroups()).isEmpty())
                    .allSatisfy(h -> assertThat(h.cipherSuites()).containsExactly(0x1301, 0x1302));
            // Only the ECDHE suites found accepted: a static-RSA pick would say nothing about the group.
            assertThat(groupHellos).filteredOn(h -> h.offeredVersion() == TLS12)
                    .hasSize((int) probed(TlsProtocol.TLS_1_2))
                    .allSatisfy(h -> assertThat(h.cipherSuites()).containsExactlyElementsOf(ECDHE));
            assertThat(r.connections()).isEqualTo(groupHellos.size())
                    .isEqualTo(r.results().stream().mapToInt(GroupResult::connections).sum());
            assertThat(r.groups(TlsProtocol.TLS_1_2).orElseThrow().notes())
                    .singleElement().asString().contains("finite-field groups not probed");
            assertThat(r.groups(TlsProtocol.TLS_1_3).orElseThrow().notes()).isEmpty();
            assertThat(r.complete()).isTrue();
            assertThat(r.offers().unanswered()).isZero();
            assertThat(r.offers().offers()).isEqualTo(r.connections());
            assertThat(r.offers().serverHellos()).isEqualTo(TLS13_GROUPS.size() + TLS12_GROUPS.size());
        }
    }

    @ParameterizedTest(name = "alert {0}")
    @ValueSource(ints = {40 /* handshake_failure */, 47 /* illegal_parameter */, 71 /* insufficient_security */})
    void everyRefusingAlertMeansNotAccepted(int alert) throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(server(FakeTlsServer.alert(alert)))) {
            TlsProbe probe = TlsProbeTest.probe(server).build();

            GroupEnumerationResult r = probe.groups(probe.enumerate());

            assertThat(codes(r, TlsProtocol.TLS_1_3)).hasSameElementsAs(TLS13_GROUPS);
            assertThat(r.results()).allSatisfy(g -> assertThat(g.notes()).noneMatch(n -> n.contains("offering only")));
            assertThat(r.complete()).isTrue();
        }
    }

    /** Before, a hang-up was taken for "this group is refused": an IPS cutting the scan hid groups that way. */
    @Test
    void hangingUpInsteadOfAlertingIsNoRefusalAndLeavesBothEnumerationsIncomplete() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(server(FakeTlsServer.CLOSE))) {
            TlsProbe probe = TlsProbeTest.probe(server).build();
            EnumerationResult suites = probe.enumerate();

            GroupEnumerationResult r = probe.groups(suites);

            // The last offer of each chunk, with nothing acceptable left, was hung up on.
            assertThat(suites.complete()).isFalse();
            assertThat(r.complete()).isFalse();
            assertThat(r.offers().closes()).isPositive();
            assertThat(r.results()).allSatisfy(g -> assertThat(g.accepted()).noneMatch(g.unanswered()::contains));
        }
    }

    @Test
    void silenceForSomeGroupsMakesTheGroupEnumerationIncompleteAndStopsSendingTheRest() throws IOException {
        // Alerts in the suite enumeration, silence for every refused group: the IPS only minds the group scan.
        Function<ParsedClientHello, byte[]> rule = server(FakeTlsServer.alert(FakeTlsServer.HANDSHAKE_FAILURE));
        Function<ParsedClientHello, byte[]> groupsSilenced = hello -> hello.supportedGroups().size() == 1
                && !TLS13_GROUPS.contains(hello.supportedGroups().get(0)) && !TLS12_GROUPS.contains(hello.supportedGroups().get(0))
                ? FakeTlsServer.SILENCE : rule.apply(hello);
        try (FakeTlsServer server = new FakeTlsServer(groupsSilenced)) {
            TlsProbe probe = TlsProbeTest.probe(server).readTimeout(Duration.ofMillis(300)).build();
            EnumerationResult suites = probe.enumerate();
            assertThat(suites.complete()).isTrue();

            GroupEnumerationResult r = probe.groups(suites);

            long planned = probed(TlsProtocol.TLS_1_2) + probed(TlsProtocol.TLS_1_3);
            assertThat(r.complete()).isFalse();
            assertThat(r.offers().silent()).isPositive();
            assertThat(r.notSent()).isPositive();
            assertThat(r.connections()).isEqualTo(r.offers().offers()).isLessThan((int) planned);
            assertThat(r.connections() + r.notSent()).isEqualTo((int) planned);
            assertThat(r.results()).flatExtracting(GroupResult::unanswered).isNotEmpty()
                    .allSatisfy(g -> assertThat(TLS13_GROUPS).doesNotContain(g.code()));
        }
    }

    @Test
    void aHelloRetryRequestForAnotherGroupIsANoteNotAnAcceptance() throws IOException {
        Function<ParsedClientHello, byte[]> rule = hello -> hello.offeredVersion() == TLS13 && hello.keyShareGroups().isEmpty()
                ? FakeTlsServer.helloRetryRequest(0x1301, NamedGroup.secp256r1)
                : FakeTlsServer.serverHello(TLS13, 0x1301);
        try (FakeTlsServer server = new FakeTlsServer(FakeTlsServer.chokingAbove(1000, rule))) {
            TlsProbe probe = TlsProbeTest.probe(server).build();
            EnumerationResult suites = probe.enumerate();

            GroupResult r = probe.groups(suites).groups(TlsProtocol.TLS_1_3).orElseThrow();

            assertThat(r.accepted()).containsExactly(KeyExchangeGroup.forCode(NamedGroup.secp256r1).orElseThrow());
            assertThat(r.notes()).hasSize((int) probed(TlsProtocol.TLS_1_3) - 1)
                    .anySatisfy(n -> assertThat(n).isEqualTo("TLSv1.3 offering only x25519: HelloRetryRequest TLSv1.3"
                            + " (group secp256r1), TLS_AES_128_GCM_SHA256, a group it was not offered"));
        }
    }

    @Test
    void onlyProtocolsTheServerAcceptsAreProbed() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(FakeTlsServer.withGroups(Map.of(TLS12, ECDHE),
                Map.of(TLS12, TLS12_GROUPS), ECDHE, FakeTlsServer.alert(FakeTlsServer.HANDSHAKE_FAILURE)))) {
            TlsProbe probe = TlsProbeTest.probe(server).build();
            EnumerationResult suites = probe.enumerate();
            int before = server.hellos().size();

            GroupEnumerationResult r = probe.groups(suites);

            assertThat(r.results()).extracting(GroupResult::protocol).containsExactly(TlsProtocol.TLS_1_2);
            assertThat(server.hellos().subList(before, server.hellos().size()))
                    .allSatisfy(h -> assertThat(h.offeredVersion()).isEqualTo(TLS12));
        }
    }

    @Test
    void withoutAnAcceptedEcdheSuiteTls12NeedsNoConnection() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(FakeTlsServer.withGroups(Map.of(TLS12, List.of(RSA_AES128_GCM)),
                Map.of(), ECDHE, FakeTlsServer.alert(FakeTlsServer.HANDSHAKE_FAILURE)))) {
            TlsProbe probe = TlsProbeTest.probe(server).build();

            GroupEnumerationResult r = probe.groups(probe.enumerate());

            assertThat(r.connections()).isZero();
            assertThat(r.accepted()).isEmpty();
            assertThat(r.groups(TlsProtocol.TLS_1_2).orElseThrow().notes())
                    .contains("TLSv1.2: no ECDHE suite accepted, so no named group is ever negotiated");
        }
    }

    @Test
    void oneConnectionPerProbedGroupNeverMoreAtOnceThanAllowedAndStopsAtTheBudget() throws IOException {
        AtomicInteger answering = new AtomicInteger();
        AtomicInteger mostAnswering = new AtomicInteger();
        Function<ParsedClientHello, byte[]> rule = server(FakeTlsServer.alert(FakeTlsServer.HANDSHAKE_FAILURE));
        // Counted while the answer is being decided: the client is then still waiting on that
        // connection, so this never exceeds the connections it has open.
        Function<ParsedClientHello, byte[]> counting = hello -> {
            mostAnswering.accumulateAndGet(answering.incrementAndGet(), Math::max);
            try {
                return rule.apply(hello);
            } finally {
                answering.decrementAndGet();
            }
        };
        try (FakeTlsServer server = new FakeTlsServer(counting)) {
            EnumerationResult suites = TlsProbeTest.probe(server).build().enumerate();
            mostAnswering.set(0);

            GroupEnumerationResult r = TlsProbeTest.probe(server).maxParallelConnections(2).build().groups(suites);

            assertThat(r.connections()).isEqualTo((int) (probed(TlsProtocol.TLS_1_2) + probed(TlsProtocol.TLS_1_3)));
            assertThat(mostAnswering.get()).isBetween(1, 2);

            int budget = (int) probed(TlsProtocol.TLS_1_3);
            assertThatThrownBy(() -> TlsProbeTest.probe(server).maxConnections(budget).build().groups(suites))
                    .isInstanceOf(TlsProbeException.class)
                    .hasMessageContaining("connection budget of " + budget + " used up");
        }
    }

    @Test
    void registryHasTheCurvesFiniteFieldGroupsAndKemsButNoGostOrGrease() {
        assertThat(KeyExchangeGroup.all()).extracting(KeyExchangeGroup::name)
                .contains("x25519", "x448", "secp256r1", "secp521r1", "sect163k1", "brainpoolP512r1tls13",
                        "ffdhe2048", "ffdhe8192", "X25519MLKEM768")
                .doesNotContain("GC256A", "curveSM2");
        assertThat(KeyExchangeGroup.all()).allSatisfy(g -> assertThat(g.code() & 0x0F0F).isNotEqualTo(0x0A0A));
        assertThat(KeyExchangeGroup.forName("prime256v1")).map(KeyExchangeGroup::name).hasValue("secp256r1");
        assertThat(KeyExchangeGroup.forName("X25519")).map(KeyExchangeGroup::bits).hasValue(256);
        assertThat(KeyExchangeGroup.forName("ffdhe3072")).map(KeyExchangeGroup::bits).hasValue(3072);
        KeyExchangeGroup secp224r1 = KeyExchangeGroup.forName("secp224r1").orElseThrow();
        assertThat(secp224r1.probedIn(TlsProtocol.TLS_1_2)).isTrue();
        assertThat(secp224r1.probedIn(TlsProtocol.TLS_1_3)).isFalse();
        KeyExchangeGroup ffdhe = KeyExchangeGroup.forName("ffdhe2048").orElseThrow();
        assertThat(ffdhe.probedIn(TlsProtocol.TLS_1_3)).isTrue();
        assertThat(ffdhe.probedIn(TlsProtocol.TLS_1_2)).isFalse();
        assertThat(KeyExchangeGroup.all()).noneMatch(g -> g.probedIn(TlsProtocol.SSL_3_0));
    }
}
