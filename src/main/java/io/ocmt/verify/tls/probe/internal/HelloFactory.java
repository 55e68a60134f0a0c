package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.TlsProtocol;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Makes ClientHellos for one target: fresh random per hello, one x25519 key share for all. */
public final class HelloFactory {

    private final Optional<String> serverName;
    private final SecureRandom random;
    private final byte[] x25519PublicKey;

    public HelloFactory(Optional<String> serverName) {
        this(serverName, new SecureRandom(), generateX25519PublicKey());
    }

    HelloFactory(Optional<String> serverName, SecureRandom random, byte[] x25519PublicKey) {
        this.serverName = serverName;
        this.random = random;
        this.x25519PublicKey = x25519PublicKey.clone();
    }

    public byte[] hello(TlsProtocol protocol, List<Integer> cipherSuites) {
        return hello(protocol, cipherSuites, Optional.empty());
    }

    /** A hello offering exactly these groups (and, in TLS 1.3, no key share). */
    public byte[] groupHello(TlsProtocol protocol, List<Integer> cipherSuites, List<Integer> groups) {
        return hello(protocol, cipherSuites, Optional.of(groups));
    }

    private byte[] hello(TlsProtocol protocol, List<Integer> cipherSuites, Optional<List<Integer>> groups) {
        byte[] r = new byte[32];
        byte[] sessionId;
        // TLS 1.3 servers echo a 32-byte legacy session id (middlebox compatibility); older
        // protocols get none so that no server tries to resume.
        synchronized (random) {
            random.nextBytes(r);
            sessionId = new byte[protocol == TlsProtocol.TLS_1_3 ? 32 : 0];
            random.nextBytes(sessionId);
        }
        return ClientHelloWriter.write(new ClientHelloWriter.Spec(
                protocol, cipherSuites, serverName, r, sessionId, x25519PublicKey, groups));
    }

    /**
     * The raw 32-byte public key. The private half is thrown away: the probe stops at the
     * ServerHello, and a server only checks that the share is well formed.
     */
    static byte[] generateX25519PublicKey() {
        try {
            byte[] spki = KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic().getEncoded();
            // X.509 SubjectPublicKeyInfo for X25519 is a fixed 12-byte prefix plus the key.
            if (spki.length != 44) {
                throw new IllegalStateException("unexpected X25519 key encoding of " + spki.length + " bytes");
            }
            return Arrays.copyOfRange(spki, 12, 44);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate X25519 keys", e);
        }
    }
}
