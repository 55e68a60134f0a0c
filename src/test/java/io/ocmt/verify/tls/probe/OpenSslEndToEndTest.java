package io.ocmt.verify.tls.probe;

import io.ocmt.verify.tls.probe.CipherSuite.Flag;
import io.ocmt.verify.tls.probe.CipherSuiteResult.ServerOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe against a real {@code openssl s_server} on 127.0.0.1. The expected sets are never
 * written down here: they are what {@code openssl ciphers -s} says the same configuration
 * supports, narrowed to what the server's certificates and PSK let it actually negotiate.
 */
class OpenSslEndToEndTest {

    static final String TLS13_ALL = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
            + ":TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";
    static final String MOZILLA_INTERMEDIATE = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"
            + ":ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
            + ":ECDHE-RSA-CHACHA20-POLY1305";
    static final String PSK = "0123456789abcdef0123456789abcdef";

    @TempDir
    static Path dir;
    static OpenSsl.Credentials creds;

    @BeforeAll
    static void credentials() throws Exception {
        if (OpenSsl.available()) {
            creds = OpenSsl.credentials(dir);
        }
    }

    /** Per test, not in @BeforeAll, so that each test shows up as skipped with the reason. */
    @BeforeEach
    void needsOpenssl() {
        OpenSsl.assumeAvailable();
    }

    static List<String> rsaOnly() {
        return List.of("-cert", creds.rsaCert().toString(), "-key", creds.rsaKey().toString());
    }

    static List<String> rsaAndEcdsa() {
        List<String> a = new ArrayList<>(rsaOnly());
        a.addAll(List.of("-dcert", creds.ecCert().toString(), "-dkey", creds.ecKey().toString()));
        return a;
    }

    static List<String> args(List<String> base, String... more) {
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of(more));
        return a;
    }

    /**
     * Also holds the probe's premise: a real TLS server refuses every offer it does not want with
     * an alert (SSLv3 included), so nothing goes unanswered and the enumeration is complete.
     */
    static EnumerationResult enumerate(OpenSsl.Server server) {
        EnumerationResult r = TlsProbe.builder().host("127.0.0.1").port(server.port())
                .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5))
                .maxUnansweredOffers(0)
                .build().enumerate();
        assertThat(r.offers().unanswered()).as("%s %s", r.protocols(), server.log()).isZero();
        assertThat(r.complete()).isTrue();
        return r;
    }

    static GroupEnumerationResult groupsOf(OpenSsl.Server server) {
        TlsProbe probe = TlsProbe.builder().host("127.0.0.1").port(server.port()).maxUnansweredOffers(0).build();
        GroupEnumerationResult r = probe.groups(probe.enumerate());
        assertThat(r.offers().unanswered()).as(server.log()).isZero();
        assertThat(r.complete()).isTrue();
        return r;
    }

    static Map<TlsProtocol, Set<String>> found(EnumerationResult r) {
        Map<TlsProtocol, Set<String>> m = new EnumMap<>(TlsProtocol.class);
        for (TlsProtocol p : TlsProtocol.values()) {
            m.put(p, r.cipherSuites(p).map(c -> c.accepted().stream().map(CipherSuite::ianaName)
                    .collect(Collectors.toCollection(TreeSet::new))).orElse(new TreeSet<>()));
        }
        return m;
    }

    /**
     * {@code openssl ciphers -V -stdname -s -tls1_x <extra> <spec>}: what OpenSSL itself supports in
     * that protocol with that configuration, keeping what the server's credentials can serve.
     */
    static Set<String> expected(TlsProtocol p, Predicate<OpenSsl.Cipher> serverCanServe, String... extraAndSpec)
            throws Exception {
        String flag = switch (p) {
            case TLS_1_0 -> "-tls1";
            case TLS_1_1 -> "-tls1_1";
            case TLS_1_2 -> "-tls1_2";
            case TLS_1_3 -> "-tls1_3";
            case SSL_3_0 -> throw new IllegalArgumentException("this OpenSSL has no SSLv3");
        };
        List<String> a = new ArrayList<>(List.of("-s", flag));
        a.addAll(List.of(extraAndSpec));
        return OpenSsl.ciphers(dir, a.toArray(String[]::new)).stream()
                .filter(c -> p == TlsProtocol.TLS_1_3 ? c.protocol().equals("TLSv1.3") : !c.protocol().equals("TLSv1.3"))
                .filter(serverCanServe)
                .map(OpenSsl.Cipher::ianaName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<TlsProtocol> acceptedProtocols(EnumerationResult r) {
        return Set.copyOf(r.acceptedProtocols());
    }

    @Test
    void tls12ServerWithTwoSuitesAndItsOwnPreference() throws Exception {
        String spec = "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA";
        try (OpenSsl.Server server = OpenSsl.startServer(dir, args(rsaOnly(), "-tls1_2", "-cipher", spec, "-serverpref"))) {

            EnumerationResult r = enumerate(server);

            assertThat(acceptedProtocols(r)).as(server.log()).containsExactly(TlsProtocol.TLS_1_2);
            assertThat(found(r).get(TlsProtocol.TLS_1_2))
                    .isEqualTo(expected(TlsProtocol.TLS_1_2, c -> true, spec))
                    .containsExactlyInAnyOrder("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA");
            CipherSuiteResult tls12 = r.cipherSuites(TlsProtocol.TLS_1_2).orElseThrow();
            assertThat(tls12.serverOrder()).isEqualTo(ServerOrder.SERVER);
            CipherSuite staticRsa = tls12.accepted().stream()
                    .filter(s -> s.code() == 0x0035).findFirst().orElseThrow();
            assertThat(staticRsa.forwardSecrecy()).isFalse();
            assertThat(staticRsa.has(Flag.CBC)).isTrue();
            assertThat(r.protocols()).filteredOn(p -> p.protocol() == TlsProtocol.TLS_1_0).singleElement()
                    .satisfies(p -> assertThat(p.alert()).hasValueSatisfying(
                            a -> assertThat(a.descriptionName()).isEqualTo("protocol_version")));
        }
    }

    @Test
    void tls13OnlyServerIncludingCcm() throws Exception {
        String suites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256";
        try (OpenSsl.Server server = OpenSsl.startServer(dir, args(rsaOnly(), "-tls1_3", "-ciphersuites", suites))) {

            EnumerationResult r = enumerate(server);

            assertThat(acceptedProtocols(r)).as(server.log()).containsExactly(TlsProtocol.TLS_1_3);
            assertThat(found(r).get(TlsProtocol.TLS_1_3))
                    .isEqualTo(expected(TlsProtocol.TLS_1_3, c -> true, "-ciphersuites", suites, "ALL"))
                    .hasSize(3);
        }
    }

    @Test
    void tls13ServerWantingAnotherGroupAnswersWithHelloRetryRequest() throws Exception {
        try (OpenSsl.Server server = OpenSsl.startServer(dir, args(rsaOnly(), "-tls1_3", "-groups", "P-384"))) {

            EnumerationResult r = enumerate(server);

            assertThat(r.protocols()).filteredOn(ProtocolResult::accepted).singleElement()
                    .satisfies(p -> assertThat(p.detail())
                            .startsWith("HelloRetryRequest TLSv1.3 (group secp384r1)"));
            assertThat(found(r).get(TlsProtocol.TLS_1_3))
                    .isEqualTo(expected(TlsProtocol.TLS_1_3, c -> true, "ALL"));
        }
    }

    /**
     * Everything OpenSSL 3 can still do: TLS 1.0 to 1.3 at security level 0, RSA and ECDSA
     * certificates, a PSK, and the legacy provider (SEED) where it is installed. The server can
     * serve every suite whose authentication it has a credential for; it has no DSA certificate
     * and no SRP verifier file.
     */
    @Test
    void permissiveServerEveryProtocolAndSuiteAsOpensslSays() throws Exception {
        List<String> providers = OpenSsl.legacyProviderAvailable(dir)
                ? List.of("-provider", "legacy", "-provider", "default") : List.of();
        List<String> serverArgs = new ArrayList<>(rsaAndEcdsa());
        serverArgs.addAll(providers);
        serverArgs.addAll(List.of("-cipher", "ALL:@SECLEVEL=0", "-ciphersuites", TLS13_ALL,
                "-min_protocol", "TLSv1", "-psk", PSK));
        Predicate<OpenSsl.Cipher> servable = c -> !c.au().equals("DSS") && !c.kx().equals("SRP");

        try (OpenSsl.Server server = OpenSsl.startServer(dir, serverArgs)) {

            EnumerationResult r = enumerate(server);

            assertThat(acceptedProtocols(r)).as(server.log())
                    .containsExactlyInAnyOrder(TlsProtocol.TLS_1_0, TlsProtocol.TLS_1_1, TlsProtocol.TLS_1_2,
                            TlsProtocol.TLS_1_3);
            Map<TlsProtocol, Set<String>> found = found(r);
            for (TlsProtocol p : List.of(TlsProtocol.TLS_1_0, TlsProtocol.TLS_1_1, TlsProtocol.TLS_1_2)) {
                List<String> a = new ArrayList<>(providers);
                a.addAll(List.of("-psk", "ALL:@SECLEVEL=0"));
                assertThat(found.get(p)).as("%s", p).isEqualTo(expected(p, servable, a.toArray(String[]::new)));
            }
            assertThat(found.get(TlsProtocol.TLS_1_3))
                    .isEqualTo(expected(TlsProtocol.TLS_1_3, servable, "-ciphersuites", TLS13_ALL, "ALL:@SECLEVEL=0"));
            assertThat(found.get(TlsProtocol.SSL_3_0)).isEmpty();
            assertThat(r.protocols()).filteredOn(p -> p.protocol() == TlsProtocol.TLS_1_0).singleElement()
                    .satisfies(p -> assertThat(p.detail()).endsWith("(its random says it also speaks TLS 1.3)"));

            // The point of raw ClientHellos: suites the JDK cannot offer are found.
            List<AcceptedSuite> tls12 = r.cipherSuites(TlsProtocol.TLS_1_2).orElseThrow().pairs();
            assertThat(tls12).extracting(a -> a.suite().cipher())
                    .contains(CipherSuite.Cipher.CAMELLIA, CipherSuite.Cipher.ARIA);
            assertThat(tls12).extracting(a -> a.suite().mode()).contains(CipherSuite.Mode.CCM, CipherSuite.Mode.CCM_8);
            assertThat(tls12).anySatisfy(a -> assertThat(a.suite().has(Flag.ANON)).isTrue());
            assertThat(tls12).anySatisfy(a -> assertThat(a.suite().keyExchange()).isEqualTo(CipherSuite.KeyExchange.PSK));
            assertThat(r.cipherSuites(TlsProtocol.TLS_1_2).orElseThrow().serverOrder()).isEqualTo(ServerOrder.CLIENT);
        }
    }

    /** Mozilla "intermediate": TLS 1.2 and 1.3, six ECDHE AEAD suites, no CBC, no static RSA. */
    @Test
    void hardenedServerOffersNothingBeyondMozillaIntermediate() throws Exception {
        try (OpenSsl.Server server = OpenSsl.startServer(dir, args(rsaAndEcdsa(),
                "-min_protocol", "TLSv1.2", "-cipher", MOZILLA_INTERMEDIATE, "-groups", "X25519:P-256:P-384"))) {

            EnumerationResult r = enumerate(server);

            assertThat(acceptedProtocols(r)).as(server.log())
                    .containsExactlyInAnyOrder(TlsProtocol.TLS_1_2, TlsProtocol.TLS_1_3);
            assertThat(found(r).get(TlsProtocol.TLS_1_2))
                    .isEqualTo(expected(TlsProtocol.TLS_1_2, c -> true, MOZILLA_INTERMEDIATE))
                    .hasSize(6);
            assertThat(found(r).get(TlsProtocol.TLS_1_3)).isEqualTo(expected(TlsProtocol.TLS_1_3, c -> true, "ALL"));
            assertThat(r.accepted()).allSatisfy(a -> {
                assertThat(a.suite().forwardSecrecy()).isTrue();
                assertThat(a.suite().flags()).isEmpty();
            });
        }
    }

    static Map<TlsProtocol, Set<String>> groups(GroupEnumerationResult r) {
        Map<TlsProtocol, Set<String>> m = new EnumMap<>(TlsProtocol.class);
        r.results().forEach(g -> m.put(g.protocol(), g.accepted().stream().map(KeyExchangeGroup::name)
                .collect(Collectors.toCollection(TreeSet::new))));
        return m;
    }

    /**
     * The reference stack's "extra groups" list under {@code -groups}, which is nginx's
     * {@code ssl_ecdh_curve}. OpenSSL 3 takes secp224r1 only up to TLS 1.2 and ffdhe2048 (for
     * named groups) only in TLS 1.3, so the two protocols differ exactly there.
     */
    @Test
    void groupsAreExactlyWhatSServerIsConfiguredWithPerProtocol() throws Exception {
        try (OpenSsl.Server server = OpenSsl.startServer(dir, args(rsaOnly(), "-min_protocol", "TLSv1.2",
                "-cipher", MOZILLA_INTERMEDIATE, "-groups", "X25519:prime256v1:secp384r1:secp521r1:X448:ffdhe2048:secp224r1"))) {
            GroupEnumerationResult r = groupsOf(server);

            assertThat(groups(r).get(TlsProtocol.TLS_1_3)).as(server.log())
                    .containsExactlyInAnyOrder("x25519", "secp256r1", "secp384r1", "secp521r1", "x448", "ffdhe2048");
            assertThat(groups(r).get(TlsProtocol.TLS_1_2))
                    .containsExactlyInAnyOrder("x25519", "secp256r1", "secp384r1", "secp521r1", "x448", "secp224r1");
            assertThat(r.results()).allSatisfy(g -> assertThat(g.notes()).noneMatch(n -> n.contains("offering only")));
            assertThat(r.connections()).isEqualTo(r.results().stream().mapToInt(g -> g.offered().size()).sum());
        }
    }

    @Test
    void hardenedServerAcceptsExactlyMozillaIntermediateGroups() throws Exception {
        try (OpenSsl.Server server = OpenSsl.startServer(dir, args(rsaAndEcdsa(),
                "-min_protocol", "TLSv1.2", "-cipher", MOZILLA_INTERMEDIATE, "-groups", "X25519:P-256:P-384"))) {
            GroupEnumerationResult r = groupsOf(server);

            assertThat(groups(r)).as(server.log()).isEqualTo(Map.of(
                    TlsProtocol.TLS_1_2, Set.of("x25519", "secp256r1", "secp384r1"),
                    TlsProtocol.TLS_1_3, Set.of("x25519", "secp256r1", "secp384r1")));
        }
    }

    /** The RSA certificate's suites are offered, so the ECDSA certificate's P-256 cannot hide x25519 and P-384. */
    @Test
    void withBothCertificatesTls12GroupsAreProbedThroughTheRsaSuites() throws Exception {
        try (OpenSsl.Server server = OpenSsl.startServer(dir, args(rsaAndEcdsa(), "-tls1_2", "-cipher", MOZILLA_INTERMEDIATE,
                "-groups", "X25519:P-256:P-384"))) {
            GroupResult r = groupsOf(server).groups(TlsProtocol.TLS_1_2).orElseThrow();

            assertThat(r.accepted()).extracting(KeyExchangeGroup::name).as(server.log())
                    .containsExactlyInAnyOrder("x25519", "secp256r1", "secp384r1");
            assertThat(r.notes()).noneMatch(n -> n.contains("ECDHE_ECDSA"));
        }
    }

    /** An ECDSA-only server: what TLS 1.2 can show is said to be possibly incomplete, TLS 1.3 is not limited. */
    @Test
    void ecdsaOnlyServerGetsANoteForTls12() throws Exception {
        try (OpenSsl.Server server = OpenSsl.startServer(dir, List.of("-cert", creds.ecCert().toString(), "-key",
                creds.ecKey().toString(), "-min_protocol", "TLSv1.2", "-cipher", MOZILLA_INTERMEDIATE,
                "-groups", "X25519:P-256:P-384"))) {
            GroupEnumerationResult r = groupsOf(server);

            assertThat(groups(r).get(TlsProtocol.TLS_1_3)).as(server.log())
                    .containsExactlyInAnyOrder("x25519", "secp256r1", "secp384r1");
            assertThat(groups(r).get(TlsProtocol.TLS_1_2)).contains("secp256r1");
            assertThat(r.groups(TlsProtocol.TLS_1_2).orElseThrow().notes())
                    .anySatisfy(n -> assertThat(n).contains("only ECDHE_ECDSA suites accepted"));
        }
    }
}
