package io.ocmt.verify.tls;

import io.ocmt.verify.config.Target;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import nl.altindag.ssl.SSLFactory;
import org.opentest4j.TestAbortedException;

/**
 * What a modern client negotiates with the target: a JSSE client built with SSLContext-Kickstart,
 * offering TLS 1.3 and 1.2 with the JDK's default suites, trusting what the environment trusts and
 * checking the host name as a browser does.
 *
 * @param chain the certificates the server presented, leaf first
 */
public record Handshake(String endpoint, String protocol, String cipherSuite, List<X509Certificate> chain) {

    public static Handshake modernClient(Target target) {
        SSLFactory client = SSLFactory.builder()
                .withTrustMaterial(target.trust().sslFactory().getTrustManager().orElseThrow())
                .withProtocols("TLSv1.3", "TLSv1.2")
                .build();
        return connect(target, client, true);
    }

    /** The certificates only, whatever the trust says: for reporting on a chain the trust refuses. */
    public static Handshake certificatesOnly(Target target) {
        return connect(target, SSLFactory.builder().withUnsafeTrustMaterial().build(), false);
    }

    private static Handshake connect(Target target, SSLFactory factory, boolean verifyHost) {
        String endpoint = target.tlsHost() + ":" + target.tlsPort();
        try (SSLSocket socket = TlsSockets.open(factory.getSslSocketFactory(), target.tlsHost(), target.tlsPort(),
                target.connectTimeoutMs(), target.readTimeoutMs(), verifyHost)) {
            SSLSession session = socket.getSession();
            Certificate[] peer = session.getPeerCertificates();
            return new Handshake(endpoint, session.getProtocol(), session.getCipherSuite(),
                    Arrays.stream(peer).map(X509Certificate.class::cast).toList());
        } catch (TlsSockets.NotConnected e) {
            // Nothing answered, so nothing about TLS can be judged; preflight saw the target, so it went away since.
            throw new TestAbortedException("Not verified: " + e.getMessage() + ". The TLS check could not open a "
                    + "connection to the target; check that it is up and that target.tlsHost / target.tlsPort name it.", e);
        } catch (IOException e) {
            throw new IllegalStateException("TLS handshake with " + endpoint + " failed: " + e.getMessage(), e);
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "handshake with " + endpoint + ": " + protocol + " " + cipherSuite;
    }
}
