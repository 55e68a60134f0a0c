package io.ocmt.verify.tls.probe;

import io.ocmt.verify.tls.probe.CipherSuiteResult.ServerOrder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The enumeration logic against {@link FakeTlsServer}: exact answers, and the misbehaviour real
 * servers show now and then (hanging up on big hellos, wrong versions, unoffered suites, silence).
 */
class TlsProbeTest {

    static final int TLS12 = 0x0303;
    static final int TLS13 = 0x0304;

    static final List<Integer> TLS12_SUITES = List.of(
            0xC02F, 0xC030, 0xCCA8, 0x009C, 0x002F, 0x000A, 0x0005, 0xC07A, 0xC050, 0xC09C, 0x0018, 0x00A8);
    static final List<Integer> TLS13_SUITES = List.of(0x1302, 0x1301, 0x1304);

    static TlsProbe.Builder probe(FakeTlsServer server) {
        return TlsProbe.builder().host("127.0.0.1").port(server.port())
                .readTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2));
    }

    static List<Integer> codes(List<CipherSuite> suites) {
        return suites.stream().map(CipherSuite::code).toList();
    }

    static List<Integer> sorted(List<Integer> codes) {
        return codes.stream().sorted().toList();
    }

    @Test
    void enumerationFindsExactlyTheAcceptedSetAndCountsItsConnections() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(FakeTlsServer.accepting(
                Map.of(TLS12, TLS12_SUITES, TLS13, TLS13_SUITES), false))) {

            EnumerationResult r = probe(server).build().enumerate();

            assertThat(r.acceptedProtocols()).containsExactly(TlsProtocol.TLS_1_2, TlsProtocol.TLS_1_3);
            assertThat(codes(r.cipherSuites(TlsProtocol.TLS_1_2).orElseThrow().accepted()))
                    .isEqualTo(sorted(TLS12_SUITES));
            assertThat(codes(r.cipherSuites(TlsProtocol.TLS_1_3).orElseThrow().accepted()))
                    .isEqualTo(sorted(TLS13_SUITES));
            assertThat(r.accepted()).hasSize(TLS12_SUITES.size() + TLS13_SUITES.size())
                    .contains(new AcceptedSuite(TlsProtocol.TLS_1_2, CipherSuite.forCode(0xC07A).orElseThrow()));
            assertThat(r.connections()).isEqualTo(server.connections());
            assertThat(r.wallTime()).isPositive();
            assertThat(r.protocols()).filteredOn(p -> !p.accepted())
                    .allSatisfy(p -> assertThat(p.detail()).isEqualTo("alert fatal protocol_version(70)"));
        }
    }

    @Test
    void everyClientHelloStaysWithinTheSuiteLimitAndTheChunksStillFindEverything() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES), false))) {

            CipherSuiteResult r = probe(server).maxSuitesPerHello(7).maxParallelConnections(3).build()
                    .cipherSuites(TlsProtocol.TLS_1_2);

            assertThat(codes(r.accepted())).isEqualTo(sorted(TLS12_SUITES));
            assertThat(server.hellos()).allSatisfy(h -> assertThat(h.cipherSuites()).hasSizeLessThanOrEqualTo(7));
            // every candidate valid in TLS 1.2 was offered at least once
            assertThat(server.hellos().stream().flatMap(h -> h.cipherSuites().stream()).distinct().count())
                    .isEqualTo(CipherSuite.registry().stream().filter(s -> s.negotiableIn(TlsProtocol.TLS_1_2)).count());
        }
    }

    @Test
    void serverThatHangsUpOnLargeHellosIsHandledBySplitting() throws IOException {
        Function<ParsedClientHello, byte[]> rule = FakeTlsServer.chokingAbove(255,
                FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES), false));
        try (FakeTlsServer server = new FakeTlsServer(rule)) {

            CipherSuiteResult split = probe(server).maxParallelConnections(1).build().cipherSuites(TlsProtocol.TLS_1_2);
            List<ProtocolResult> unsplit = probe(server).maxParallelConnections(1).maxSuitesPerHello(1000).build()
                    .protocols();

            assertThat(codes(split.accepted())).isEqualTo(sorted(TLS12_SUITES));
            assertThat(unsplit).filteredOn(p -> p.protocol() == TlsProtocol.TLS_1_2).singleElement()
                    .satisfies(p -> {
                        assertThat(p.accepted()).isFalse();
                        assertThat(p.detail()).isEqualTo("connection closed without an answer");
                    });
        }
    }

    @Test
    void preferenceCheckTellsServerOrderFromClientOrder() throws IOException {
        try (FakeTlsServer serverOrder = new FakeTlsServer(FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES), true));
             FakeTlsServer clientOrder = new FakeTlsServer(FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES), false));
             FakeTlsServer single = new FakeTlsServer(FakeTlsServer.accepting(Map.of(TLS12, List.of(0xC02F)), true))) {

            assertThat(probe(serverOrder).build().cipherSuites(TlsProtocol.TLS_1_2).serverOrder())
                    .isEqualTo(ServerOrder.SERVER);
            assertThat(probe(clientOrder).build().cipherSuites(TlsProtocol.TLS_1_2).serverOrder())
                    .isEqualTo(ServerOrder.CLIENT);
            assertThat(probe(single).build().cipherSuites(TlsProtocol.TLS_1_2).serverOrder())
                    .isEqualTo(ServerOrder.NOT_APPLICABLE);
            assertThat(probe(clientOrder).checkServerOrder(false).build().cipherSuites(TlsProtocol.TLS_1_2)
                    .serverOrder()).isEqualTo(ServerOrder.NOT_APPLICABLE);
        }
    }

    @Test
    void helloRetryRequestStillNamesTheSuiteTheServerChose() throws IOException {
        Function<ParsedClientHello, byte[]> rule = hello -> {
            if (hello.offeredVersion() != TLS13) {
                return FakeTlsServer.alert(FakeTlsServer.PROTOCOL_VERSION);
            }
            return TLS13_SUITES.stream().filter(hello.cipherSuites()::contains).findFirst()
                    .map(s -> FakeTlsServer.helloRetryRequest(s, 0x0017))
                    .orElse(FakeTlsServer.alert(FakeTlsServer.HANDSHAKE_FAILURE));
        };
        try (FakeTlsServer server = new FakeTlsServer(rule)) {

            EnumerationResult r = probe(server).build().enumerate();

            assertThat(r.acceptedProtocols()).containsExactly(TlsProtocol.TLS_1_3);
            assertThat(codes(r.cipherSuites(TlsProtocol.TLS_1_3).orElseThrow().accepted()))
                    .isEqualTo(sorted(TLS13_SUITES));
            assertThat(r.protocols()).filteredOn(ProtocolResult::accepted).singleElement()
                    .satisfies(p -> assertThat(p.detail()).startsWith("HelloRetryRequest TLSv1.3 (group secp256r1), TLS_"));
        }
    }

    @Test
    void answerInAnotherVersionIsARefusalOfTheOfferedOne() throws IOException {
        // A broken server that answers TLS 1.2 whatever it is offered.
        try (FakeTlsServer server = new FakeTlsServer(hello -> FakeTlsServer.serverHello(TLS12, hello.cipherSuites().get(0)))) {

            List<ProtocolResult> r = probe(server).build().protocols();

            assertThat(r).filteredOn(ProtocolResult::accepted).extracting(ProtocolResult::protocol)
                    .containsExactly(TlsProtocol.TLS_1_2);
            assertThat(r.get(TlsProtocol.TLS_1_0.ordinal()).detail())
                    .startsWith("server answered ServerHello TLSv1.2, ").endsWith("instead of TLSv1.0");
        }
    }

    @Test
    void suiteThatWasNotOfferedIsNotedAndEndsTheLoop() throws IOException {
        // Always picks TLS_RSA_WITH_NULL_MD5, whether offered or not.
        try (FakeTlsServer server = new FakeTlsServer(hello -> hello.offeredVersion() == TLS12
                ? FakeTlsServer.serverHello(TLS12, 0x0001)
                : FakeTlsServer.alert(FakeTlsServer.PROTOCOL_VERSION))) {

            CipherSuiteResult r = probe(server).maxParallelConnections(2).build().cipherSuites(TlsProtocol.TLS_1_2);

            // The chunk that held 0x0001 accepted it once; every chunk then met the oddity and stopped.
            assertThat(codes(r.accepted())).containsExactly(0x0001);
            assertThat(r.notes()).singleElement().asString()
                    .isEqualTo("TLSv1.2: ServerHello TLSv1.2, TLS_RSA_WITH_NULL_MD5, which was not offered");
            assertThat(server.connections()).isLessThan(10);
        }
    }

    @Test
    void silentServerIsUnansweredNeverRefused() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(hello -> FakeTlsServer.SILENCE)) {

            List<ProtocolResult> r = probe(server).readTimeout(Duration.ofMillis(200)).build().protocols();

            assertThat(r).allSatisfy(p -> {
                assertThat(p.accepted()).isFalse();
                assertThat(p.status()).isEqualTo(ProtocolResult.Status.UNANSWERED);
                assertThat(p.detail()).isEqualTo("no answer within 200 ms");
                assertThat(p.alert()).isEmpty();
                assertThat(p.offers().silent()).isEqualTo(p.offers().offers()).isPositive();
            });
        }
    }

    @Test
    void everyAnswerIsCountedPerProtocolAndInAllAndAnAlertingServerIsComplete() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(FakeTlsServer.accepting(
                Map.of(TLS12, TLS12_SUITES, TLS13, TLS13_SUITES), false))) {

            EnumerationResult r = probe(server).build().enumerate();

            assertThat(r.complete()).isTrue();
            assertThat(r.offers().offers()).isEqualTo(r.connections()).isEqualTo(server.connections());
            assertThat(r.offers().unanswered()).isZero();
            assertThat(r.protocols()).allSatisfy(p -> assertThat(p.status()).isNotEqualTo(ProtocolResult.Status.UNANSWERED));
            ProtocolResult tls12 = r.protocols().get(TlsProtocol.TLS_1_2.ordinal());
            // One ServerHello per accepted suite, the preference check's two, and one refusal per chunk.
            assertThat(tls12.offers().serverHellos()).isEqualTo(TLS12_SUITES.size() + 2);
            assertThat(tls12.offers().alerts()).isEqualTo(3);
            assertThat(r.cipherSuites(TlsProtocol.TLS_1_2).orElseThrow().offers()).isEqualTo(tls12.offers());
            ProtocolResult tls10 = r.protocols().get(TlsProtocol.TLS_1_0.ordinal());
            assertThat(tls10.offers()).isEqualTo(new OfferCounts(0, 2, 0, 0, 0));
        }
    }

    /**
     * The case this all exists for: a server that takes TLS 1.0 and 1.1 behind an IPS that resets
     * those hellos. Before, both read as refused and the protocol check passed.
     */
    @Test
    void resetsAreCountedApartFromAlertsAndTooManyMakeTheEnumerationIncomplete() throws IOException {
        Function<ParsedClientHello, byte[]> server = FakeTlsServer.accepting(
                Map.of(0x0301, List.of(0xC013, 0x002F), 0x0302, List.of(0xC013, 0x002F), TLS12, TLS12_SUITES), false);
        try (FakeTlsServer ips = new FakeTlsServer(FakeTlsServer.unansweredWhen(
                h -> h.offeredVersion() == 0x0301 || h.offeredVersion() == 0x0302, FakeTlsServer.RESET, server))) {

            EnumerationResult r = probe(ips).build().enumerate();

            assertThat(r.acceptedProtocols()).containsExactly(TlsProtocol.TLS_1_2);
            for (TlsProtocol p : List.of(TlsProtocol.TLS_1_0, TlsProtocol.TLS_1_1)) {
                ProtocolResult pr = r.protocols().get(p.ordinal());
                assertThat(pr.status()).isEqualTo(ProtocolResult.Status.UNANSWERED);
                assertThat(pr.detail()).isEqualTo("connection reset without an answer");
                assertThat(pr.offers()).isEqualTo(new OfferCounts(0, 0, 0, 2, 0));
            }
            assertThat(r.protocols().get(TlsProtocol.SSL_3_0.ordinal()).status()).isEqualTo(ProtocolResult.Status.REFUSED);
            assertThat(r.offers().resets()).isEqualTo(4);
            assertThat(r.offers().alerts()).isPositive();
            assertThat(r.tooManyUnanswered()).isTrue();
            assertThat(r.answeredThenUnanswered()).isEmpty();
            assertThat(r.complete()).isFalse();
            // Tolerating them is the caller's explicit choice.
            assertThat(probe(ips).maxUnansweredOffers(4).build().enumerate().complete()).isTrue();
        }
    }

    @Test
    void aServerThatClosesOnOneLegacyProtocolStaysWithinTheDefaultToleranceAndNoFurther() throws IOException {
        Function<ParsedClientHello, byte[]> server = FakeTlsServer.unansweredWhen(h -> h.offeredVersion() == 0x0300,
                FakeTlsServer.CLOSE, FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES, TLS13, TLS13_SUITES), false));
        try (FakeTlsServer closing = new FakeTlsServer(server)) {

            EnumerationResult tolerant = probe(closing).build().enumerate();
            EnumerationResult strict = probe(closing).maxUnansweredOffers(0).build().enumerate();

            ProtocolResult ssl3 = tolerant.protocols().get(TlsProtocol.SSL_3_0.ordinal());
            assertThat(ssl3.status()).isEqualTo(ProtocolResult.Status.UNANSWERED);
            assertThat(ssl3.detail()).isEqualTo("connection closed without an answer");
            assertThat(ssl3.offers()).isEqualTo(new OfferCounts(0, 0, 0, 0, 2));
            assertThat(tolerant.complete()).isTrue();
            assertThat(strict.complete()).isFalse();
            assertThat(strict.tooManyUnanswered()).isTrue();
        }
    }

    @Test
    void silenceMidScanFromAProtocolThatAnsweredMakesItIncompleteWhateverTheTolerance() throws IOException {
        // The IPS lets 15 hellos through, then drops everything: the loops stop early, suites go missing.
        Function<ParsedClientHello, byte[]> server = FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES, TLS13, TLS13_SUITES), false);
        try (FakeTlsServer ips = new FakeTlsServer(FakeTlsServer.ipsAfter(15, FakeTlsServer.SILENCE, server))) {

            EnumerationResult r = probe(ips).readTimeout(Duration.ofMillis(300)).maxUnansweredOffers(1000).build().enumerate();

            assertThat(r.offers().silent()).isPositive();
            assertThat(r.tooManyUnanswered()).isFalse();
            assertThat(r.answeredThenUnanswered()).isNotEmpty()
                    .allSatisfy(p -> assertThat(p.offers().answered()).isPositive());
            assertThat(r.complete()).isFalse();
            assertThat(r.accepted().size()).isLessThan(TLS12_SUITES.size() + TLS13_SUITES.size());
        }
    }

    @Test
    void oneResetInAProtocolThatAnsweredIsEnough() throws IOException {
        AtomicInteger seen = new AtomicInteger();
        Function<ParsedClientHello, byte[]> server = FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES), false);
        // Resets the second TLS 1.2 hello offering 0x000A: the first was answered, so TLS 1.2 had answered.
        try (FakeTlsServer ips = new FakeTlsServer(FakeTlsServer.unansweredWhen(
                h -> h.offeredVersion() == TLS12 && h.cipherSuites().contains(0x000A) && seen.incrementAndGet() == 2,
                FakeTlsServer.RESET, server))) {

            EnumerationResult r = probe(ips).build().enumerate();

            ProtocolResult tls12 = r.protocols().get(TlsProtocol.TLS_1_2.ordinal());
            assertThat(tls12.accepted()).isTrue();
            assertThat(tls12.offers().resets()).isEqualTo(1);
            assertThat(r.tooManyUnanswered()).isFalse();
            assertThat(r.answeredThenUnanswered()).containsExactly(tls12);
            assertThat(r.complete()).isFalse();
        }
    }

    @Test
    void serverDrippingBytesCannotStretchTheDeadline() throws IOException {
        // One thread accepts, the other drips.
        ScheduledExecutorService drip = Executors.newScheduledThreadPool(2);
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            drip.submit(() -> {
                while (!listener.isClosed()) {
                    Socket s = listener.accept();
                    OutputStream out = s.getOutputStream();
                    byte[] hello = FakeTlsServer.serverHello(TLS12, 0xC02F);
                    AtomicInteger next = new AtomicInteger();
                    // One byte every 50 ms: each read returns well within any per-read timeout.
                    drip.scheduleAtFixedRate(() -> {
                        try {
                            out.write(hello[next.getAndIncrement() % hello.length]);
                            out.flush();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }, 0, 50, TimeUnit.MILLISECONDS);
                }
                return null;
            });
            TlsProbe probe = TlsProbe.builder().host("127.0.0.1").port(listener.getLocalPort())
                    .readTimeout(Duration.ofMillis(300)).maxParallelConnections(1).build();
            long start = System.nanoTime();

            assertThatThrownBy(probe::protocols)
                    .isInstanceOf(TlsProbeException.class)
                    .hasMessageContaining("bytes arrived, then nothing for 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
            drip.shutdownNow();
        }
    }

    @Test
    void httpServerIsReportedAsNotATlsServer() throws IOException {
        byte[] http = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (FakeTlsServer server = new FakeTlsServer(hello -> http)) {

            assertThatThrownBy(() -> probe(server).build().enumerate())
                    .isInstanceOf(TlsProbeException.class)
                    .hasMessage("not a TLS server: it answered in plain text \"HTTP/1.1 400 Bad Request\"");
        }
    }

    @Test
    void connectionBudgetStopsARunawayProbe() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES), false))) {

            assertThatThrownBy(() -> probe(server).maxConnections(5).build().enumerate())
                    .isInstanceOf(TlsProbeException.class)
                    .hasMessageStartingWith("connection budget of 5 used up");
            assertThat(server.connections()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void closedPortIsAClearError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        TlsProbe probe = TlsProbe.builder().host("127.0.0.1").port(port).build();

        assertThatThrownBy(probe::protocols)
                .isInstanceOf(TlsProbeException.class)
                .hasMessageStartingWith("cannot connect to 127.0.0.1:" + port);
    }

    @Test
    void serverNameIsSentWhenGivenAndNeverForAnAddress() throws IOException {
        try (FakeTlsServer server = new FakeTlsServer(FakeTlsServer.accepting(Map.of(TLS12, TLS12_SUITES), false))) {

            probe(server).serverName("probe.example").build().protocols();
            List<ParsedClientHello> named = List.copyOf(server.hellos());
            server.hellos().clear();
            probe(server).build().protocols();

            // SSLv3 hellos carry no extensions at all
            assertThat(named).filteredOn(h -> h.legacyVersion() != 0x0300)
                    .isNotEmpty()
                    .allSatisfy(h -> assertThat(h.serverName()).hasValue("probe.example"));
            assertThat(server.hellos()).allSatisfy(h -> assertThat(h.serverName()).isEmpty());
        }
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> TlsProbe.builder().build()).hasMessage("TlsProbe needs a host");
        assertThatThrownBy(() -> TlsProbe.builder().port(0)).hasMessageContaining("port out of range");
        assertThatThrownBy(() -> TlsProbe.builder().readTimeout(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> TlsProbe.builder().maxParallelConnections(0)).hasMessageContaining("at least 1");
    }
}
