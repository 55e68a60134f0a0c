package io.ocmt.verify.tls.probe;

import io.ocmt.verify.tls.probe.internal.ClientHelloWriter;
import io.ocmt.verify.tls.probe.internal.ClientHelloWriter.Spec;
import io.ocmt.verify.tls.probe.internal.HelloFactory;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.crypto.KeyAgreement;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.ocmt.verify.tls.probe.ParsedClientHello.EC_POINT_FORMATS;
import static io.ocmt.verify.tls.probe.ParsedClientHello.EXTENDED_MASTER_SECRET;
import static io.ocmt.verify.tls.probe.ParsedClientHello.KEY_SHARE;
import static io.ocmt.verify.tls.probe.ParsedClientHello.PADDING;
import static io.ocmt.verify.tls.probe.ParsedClientHello.PSK_KEY_EXCHANGE_MODES;
import static io.ocmt.verify.tls.probe.ParsedClientHello.RENEGOTIATION_INFO;
import static io.ocmt.verify.tls.probe.ParsedClientHello.SIGNATURE_ALGORITHMS;
import static io.ocmt.verify.tls.probe.ParsedClientHello.SUPPORTED_VERSIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientHelloWriterTest {

    static final byte[] RANDOM = filled(32, 0x11);
    static final byte[] KEY = filled(32, 0x22);

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static ParsedClientHello write(TlsProtocol p, List<Integer> suites, Optional<String> sni) {
        byte[] sessionId = p == TlsProtocol.TLS_1_3 ? filled(32, 0x33) : new byte[0];
        return ParsedClientHello.parse(ClientHelloWriter.write(new Spec(p, suites, sni, RANDOM, sessionId, KEY)));
    }

    @Test
    void tls12HelloOffersExactlyTheSuitesWithABroadExtensionSet() {
        ParsedClientHello h = write(TlsProtocol.TLS_1_2, List.of(0xC02F, 0x0035), Optional.of("example.org"));

        assertThat(h.recordVersions()).containsExactly(0x0301);
        assertThat(h.legacyVersion()).isEqualTo(0x0303);
        assertThat(h.random()).isEqualTo(RANDOM);
        assertThat(h.sessionId()).isEmpty();
        assertThat(h.cipherSuites()).containsExactly(0xC02F, 0x0035);
        assertThat(h.compressionMethods()).containsExactly(0);
        assertThat(h.serverName()).hasValue("example.org");
        assertThat(h.supportedGroups()).contains(NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1,
                NamedGroup.secp521r1, NamedGroup.ffdhe2048, NamedGroup.ffdhe8192);
        assertThat(h.extensions()).containsKeys(EC_POINT_FORMATS, EXTENDED_MASTER_SECRET);
        assertThat(h.extensions().get(RENEGOTIATION_INFO)).containsExactly(0);
        assertThat(h.signatureSchemes()).contains(SignatureScheme.rsa_pss_rsae_sha256,
                SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pkcs1_sha256,
                SignatureScheme.rsa_pkcs1_sha1, SignatureScheme.ecdsa_sha1, 0x0101 /* md5 rsa */);
        assertThat(h.extensions()).doesNotContainKeys(SUPPORTED_VERSIONS, KEY_SHARE);
    }

    @ParameterizedTest
    @EnumSource(value = TlsProtocol.class, names = {"TLS_1_0", "TLS_1_1"})
    void olderTlsHellosCarryTheirVersionAndNoSignatureAlgorithms(TlsProtocol p) {
        ParsedClientHello h = write(p, List.of(0x002F), Optional.empty());

        assertThat(h.legacyVersion()).isEqualTo(p.code());
        assertThat(h.recordVersions()).containsExactly(0x0301);
        assertThat(h.extensions()).doesNotContainKey(SIGNATURE_ALGORITHMS);
        assertThat(h.extensions()).containsKey(RENEGOTIATION_INFO);
    }

    @Test
    void sslv3HelloSignalsRenegotiationBySuiteAndHasNoExtensions() {
        ParsedClientHello h = write(TlsProtocol.SSL_3_0, List.of(0x000A, 0x0005), Optional.of("example.org"));

        assertThat(h.recordVersions()).containsExactly(0x0300);
        assertThat(h.legacyVersion()).isEqualTo(0x0300);
        assertThat(h.cipherSuites()).containsExactly(0x000A, 0x0005, 0x00FF);
        assertThat(h.extensions()).isEmpty();
    }

    @Test
    void tls13HelloHidesBehind12AndCarriesAKeyShare() {
        ParsedClientHello h = write(TlsProtocol.TLS_1_3, List.of(0x1301, 0x1302, 0x1303), Optional.empty());

        assertThat(h.legacyVersion()).isEqualTo(0x0303);
        assertThat(h.supportedVersions()).containsExactly(0x0304);
        assertThat(h.sessionId()).hasSize(32);
        assertThat(h.serverName()).isEmpty();
        // client_shares length 36, group x25519, key length 32, key
        byte[] share = h.extensions().get(KEY_SHARE);
        assertThat(Arrays.copyOf(share, 6)).containsExactly(0, 36, 0, 0x1d, 0, 32);
        assertThat(Arrays.copyOfRange(share, 6, 38)).isEqualTo(KEY);
        assertThat(h.extensions().get(PSK_KEY_EXCHANGE_MODES)).containsExactly(1, 1);
        assertThat(h.signatureSchemes()).contains(SignatureScheme.rsa_pss_rsae_sha256,
                SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.ed25519);
        assertThat(h.supportedGroups()).contains(NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.ffdhe2048);
        assertThat(h.extensions()).doesNotContainKeys(RENEGOTIATION_INFO, EC_POINT_FORMATS);
    }

    @ParameterizedTest
    @EnumSource(value = TlsProtocol.class, names = "SSL_3_0", mode = EnumSource.Mode.EXCLUDE)
    void helloLengthNeverFallsIntoTheRangeOldLoadBalancersChokeOn(TlsProtocol p) {
        List<Integer> codes = IntStream.rangeClosed(1, 400).boxed().toList();
        for (int n = 1; n <= 400; n++) {
            ParsedClientHello h = write(p, codes.subList(0, n), Optional.of("a-long-enough-name.example.org"));

            assertThat(h.handshakeLength() < 256 || h.handshakeLength() >= 512).as("%d suites: %d bytes", n, h.handshakeLength()).isTrue();
            if (h.extensions().containsKey(PADDING)) {
                // 512 exactly, unless even an empty padding extension overshoots it
                assertThat(h.handshakeLength()).as("%d suites, padded", n).isBetween(512, 515);
            }
        }
    }

    @Test
    void aHelloLargerThanOneRecordIsSplitIntoSeveral() {
        List<Integer> many = IntStream.range(0, 9000).boxed().toList();

        ParsedClientHello h = write(TlsProtocol.TLS_1_2, many, Optional.empty());

        assertThat(h.recordVersions()).hasSize(2);
        assertThat(h.cipherSuites()).isEqualTo(many);
    }

    @Test
    void specRejectsWhatCannotBeSent() {
        assertThatThrownBy(() -> new Spec(TlsProtocol.TLS_1_2, List.of(), Optional.empty(), RANDOM, new byte[0], KEY))
                .hasMessageContaining("at least one cipher suite");
        assertThatThrownBy(() -> new Spec(TlsProtocol.TLS_1_3, List.of(0x1301), Optional.empty(), RANDOM,
                new byte[0], new byte[5]))
                .hasMessageContaining("x25519");
    }

    @Test
    void factoryUsesFreshRandomsAndAKeyShareThatIsARealX25519Key() throws Exception {
        HelloFactory factory = new HelloFactory(Optional.of("localhost"));

        ParsedClientHello a = ParsedClientHello.parse(factory.hello(TlsProtocol.TLS_1_3, List.of(0x1301)));
        ParsedClientHello b = ParsedClientHello.parse(factory.hello(TlsProtocol.TLS_1_3, List.of(0x1301)));

        assertThat(a.random()).isNotEqualTo(b.random());
        assertThat(a.serverName()).hasValue("localhost");
        byte[] raw = Arrays.copyOfRange(a.extensions().get(KEY_SHARE), 6, 38);
        // The JDK agrees a secret with it, so a server will accept it as a share.
        byte[] littleEndian = raw.clone();
        for (int i = 0; i < 16; i++) {
            byte t = littleEndian[i];
            littleEndian[i] = littleEndian[31 - i];
            littleEndian[31 - i] = t;
        }
        PublicKey pub = KeyFactory.getInstance("X25519").generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, littleEndian)));
        KeyAgreement ka = KeyAgreement.getInstance("X25519");
        ka.init(KeyPairGenerator.getInstance("X25519").generateKeyPair().getPrivate());
        ka.doPhase(pub, true);
        assertThat(ka.generateSecret()).hasSize(32).isNotEqualTo(new byte[32]);
    }
}
