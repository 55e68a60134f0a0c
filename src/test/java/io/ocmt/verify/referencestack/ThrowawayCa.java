package io.ocmt.verify.referencestack;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that lives for one stack: created at start, its key never written to the
 * repository, its certificate the only thing the suite trusts for the embedded target.
 */
public final class ThrowawayCa {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BITS = 2048;
    private static final String SIGNATURE = "SHA256withRSA";

    private final KeyPair caKeys;
    private final X509Certificate caCert;

    /** A server certificate and its key, in PEM, ready for nginx. */
    public record Issued(String certificatePem, String privateKeyPem) {
    }

    public ThrowawayCa() {
        try {
            caKeys = rsa();
            X500Name name = new X500Name("CN=OCMT reference stack throwaway CA " + Instant.now().getEpochSecond());
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(30))), name, caKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            caCert = sign(b, caKeys);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the throwaway CA", e);
        }
    }

    public String certificatePem() {
        return pem(caCert);
    }

    /**
     * Issues a TLS server certificate.
     *
     * @param dnsNames  subject alternative DNS names
     * @param ips       subject alternative IP addresses
     * @param notBefore start of validity
     * @param lifetime  validity from {@code notBefore}
     */
    public Issued issueServer(List<String> dnsNames, List<String> ips, Instant notBefore, Duration lifetime) {
        return issueServer(dnsNames, ips, notBefore, lifetime, KEY_BITS, SIGNATURE);
    }

    /**
     * The same, with an RSA key of {@code keyBits} signed with {@code signatureAlgorithm} (a JCA name
     * such as SHA256withRSA): how a certificate of a legacy CA is made.
     */
    public Issued issueServer(List<String> dnsNames, List<String> ips, Instant notBefore, Duration lifetime, int keyBits,
                              String signatureAlgorithm) {
        try {
            KeyPair keys = rsa(keyBits);
            X500Name subject = new X500Name("CN=" + (dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0)));
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(notBefore), Date.from(notBefore.plus(lifetime)), subject, keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            GeneralName[] names = new GeneralName[dnsNames.size() + ips.size()];
            int i = 0;
            for (String dns : dnsNames) {
                names[i++] = new GeneralName(GeneralName.dNSName, dns);
            }
            for (String ip : ips) {
                names[i++] = new GeneralName(GeneralName.iPAddress, ip);
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate cert = sign(b, caKeys, signatureAlgorithm);
            return new Issued(pem(cert) + pem(caCert), pem(keys.getPrivate()));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a server certificate", e);
        }
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        return rsa(KEY_BITS);
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits, RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).abs().add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        return sign(b, signer, SIGNATURE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer, String algorithm)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
