package io.ocmt.verify.tls;

import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.config.TargetConfig.TrustConfig;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import nl.altindag.ssl.SSLFactory;
import nl.altindag.ssl.pem.util.PemUtils;

/**
 * How the suite decides that the target's certificate is genuine: the JVM's system trust store, or
 * only the CA certificates in one PEM file. Built once per run with SSLContext-Kickstart and used by
 * every HTTPS request and every certificate check, so all of them trust the same roots.
 */
public final class Trust {

    private final SSLFactory sslFactory;
    private final String description;

    private Trust(SSLFactory sslFactory, String description) {
        this.sslFactory = sslFactory;
        this.description = description;
    }

    public static Trust system() {
        return new Trust(SSLFactory.builder().withDefaultTrustMaterial().build(), "the JVM's system trust store");
    }

    public static Trust caFile(Path pem) {
        try {
            return new Trust(SSLFactory.builder().withTrustMaterial(PemUtils.loadTrustMaterial(pem)).build(),
                    "the CA file " + pem);
        } catch (RuntimeException e) {
            throw new ConfigException("Cannot read the CA file " + pem + " (" + e.getMessage()
                    + "). Fix: target.trust.caFile must name a PEM file with one or more CA certificates.", e);
        }
    }

    /** The trust an environment's file asks for; an embedded stack passes its own CA file. */
    public static Trust of(TrustConfig config, Path embeddedCa) {
        if (embeddedCa != null) {
            return caFile(embeddedCa);
        }
        return "ca-file".equals(config.type()) ? caFile(Path.of(config.caFile())) : system();
    }

    public SSLContext sslContext() {
        return sslFactory.getSslContext();
    }

    public SSLFactory sslFactory() {
        return sslFactory;
    }

    /** Names the trust in messages: "untrusted by the CA file target/…/ca.pem". */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
