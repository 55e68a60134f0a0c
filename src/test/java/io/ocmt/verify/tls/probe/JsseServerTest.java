package io.ocmt.verify.tls.probe;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe against the JDK's own TLS server, in process on 127.0.0.1. The expected set is the
 * server's enabled list, minus the ECDSA suites its RSA key cannot serve.
 */
class JsseServerTest {

    static final List<String> ENABLED = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");

    static SSLServerSocket listener;
    static final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jsse-server");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair kp = gen.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                name, kp.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", kp.getPrivate(), new char[0], new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);

        listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        listener.setEnabledProtocols(new String[] {"TLSv1.2", "TLSv1.3"});
        listener.setEnabledCipherSuites(ENABLED.toArray(String[]::new));
        workers.submit(() -> {
            while (!listener.isClosed()) {
                SSLSocket s = (SSLSocket) listener.accept();
                workers.submit(() -> {
                    try (s) {
                        s.setSoTimeout(5000);
                        s.startHandshake();
                    } catch (IOException e) {
                        // the probe hangs up after the ServerHello, by design
                    }
                });
            }
            return null;
        });
    }

    @AfterAll
    static void stop() throws IOException {
        if (listener != null) {
            listener.close();
        }
        workers.shutdownNow();
    }

    @Test
    void findsExactlyTheSuitesTheJdkServerCanServe() {
        EnumerationResult r = TlsProbe.builder().host("127.0.0.1").port(listener.getLocalPort()).build().enumerate();

        Set<String> enabled = Set.of(listener.getEnabledCipherSuites());
        Set<String> servable = enabled.stream()
                .map(n -> CipherSuite.forName(n).orElseThrow())
                .filter(s -> s.authentication() != CipherSuite.Authentication.ECDSA)
                .map(CipherSuite::ianaName)
                .collect(Collectors.toSet());
        assertThat(r.acceptedProtocols()).containsExactly(TlsProtocol.TLS_1_2, TlsProtocol.TLS_1_3);
        assertThat(r.accepted()).extracting(a -> a.suite().ianaName()).containsExactlyInAnyOrderElementsOf(servable);
        assertThat(r.accepted()).allSatisfy(a -> assertThat(a.suite().negotiableIn(a.protocol())).isTrue());
        assertThat(r.protocols()).filteredOn(p -> p.protocol() == TlsProtocol.TLS_1_1).singleElement()
                .satisfies(p -> assertThat(p.status()).isEqualTo(ProtocolResult.Status.REFUSED));
        // The JDK refuses with alerts too, SSLv3 included: nothing goes unanswered.
        assertThat(r.offers().unanswered()).as("%s", r.protocols()).isZero();
        assertThat(r.complete()).isTrue();
    }
}
