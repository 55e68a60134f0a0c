package io.ocmt.verify.tls;

import io.ocmt.verify.config.Policy.CertificatePolicy;
import io.ocmt.verify.report.Finding;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges the certificate the target presents: days to expiry (a warning window and a failure
 * window), lifetime, key size and signature algorithm of every certificate the server sends.
 * Trust and the host name are judged by the handshake itself ({@link Handshake#modernClient}).
 */
public final class CertificateCheck {

    public static final String EXPIRY = "Certificate expiry";
    public static final String LIFETIME = "Certificate lifetime";
    public static final String KEY = "Certificate key";
    public static final String SIGNATURE = "Certificate signature";

    private CertificateCheck() {
    }

    /** Findings that fail the check. */
    public static List<Finding> judge(Handshake handshake, CertificatePolicy policy, Instant now) {
        List<Finding> findings = new ArrayList<>();
        X509Certificate leaf = handshake.leaf();
        String subject = subject(handshake, leaf);
        long daysLeft = Duration.between(now, leaf.getNotAfter().toInstant()).toDays();
        if (daysLeft < policy.failDays()) {
            findings.add(new Finding(EXPIRY, subject, "more than " + policy.failDays() + " days before expiry",
                    daysLeft < 0 ? "it expired " + (-daysLeft) + " days ago (" + leaf.getNotAfter().toInstant() + ")"
                            : "it expires in " + daysLeft + " days (" + leaf.getNotAfter().toInstant() + ")"));
        }
        long lifetime = Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()).toDays();
        if (lifetime > policy.maxLifetimeDays()) {
            findings.add(new Finding(LIFETIME, subject, "a lifetime of at most " + policy.maxLifetimeDays() + " days",
                    "it is valid for " + lifetime + " days"));
        }
        // The root is not sent (or not judged): its signature is never verified by clients.
        for (int i = 0; i < handshake.chain().size(); i++) {
            X509Certificate cert = handshake.chain().get(i);
            if (i > 0 && isSelfSigned(cert)) {
                continue;
            }
            String who = subject(handshake, cert);
            keySize(cert.getPublicKey(), policy).ifPresent(seen ->
                    findings.add(new Finding(KEY, who, "RSA ≥ " + policy.minRsaBits() + " bits or EC ≥ " + policy.minEcBits() + " bits", seen)));
            String alg = cert.getSigAlgName().toUpperCase(Locale.ROOT);
            for (String forbidden : policy.forbiddenSignatureAlgorithms()) {
                if (alg.contains(forbidden.toUpperCase(Locale.ROOT))) {
                    findings.add(new Finding(SIGNATURE, who, "no " + String.join("/", policy.forbiddenSignatureAlgorithms()) + " signatures",
                            "signed with " + cert.getSigAlgName()));
                }
            }
        }
        return findings;
    }

    /** A warning, not a failure: the leaf expires inside the warning window but outside the failure window. */
    public static Optional<String> expiryWarning(Handshake handshake, CertificatePolicy policy, Instant now) {
        long daysLeft = Duration.between(now, handshake.leaf().getNotAfter().toInstant()).toDays();
        return daysLeft < policy.warnDays() && daysLeft >= policy.failDays()
                ? Optional.of("The certificate of " + handshake.endpoint() + " expires in " + daysLeft
                + " days (warn at " + policy.warnDays() + ", fail at " + policy.failDays() + "): renew it.")
                : Optional.empty();
    }

    private static Optional<String> keySize(PublicKey key, CertificatePolicy policy) {
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < policy.minRsaBits()) {
            return Optional.of("RSA " + rsa.getModulus().bitLength() + " bits");
        }
        if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() < policy.minEcBits()) {
            return Optional.of("EC " + ec.getParams().getCurve().getField().getFieldSize() + " bits");
        }
        return Optional.empty();
    }

    private static boolean isSelfSigned(X509Certificate cert) {
        return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
    }

    private static String subject(Handshake handshake, X509Certificate cert) {
        return "certificate " + cert.getSubjectX500Principal().getName() + " of " + handshake.endpoint();
    }
}
