package io.ocmt.verify.tls.probe;

import io.ocmt.verify.tls.probe.CipherSuite.Authentication;
import io.ocmt.verify.tls.probe.CipherSuite.Cipher;
import io.ocmt.verify.tls.probe.CipherSuite.Flag;
import io.ocmt.verify.tls.probe.CipherSuite.KeyExchange;
import io.ocmt.verify.tls.probe.CipherSuite.Mode;
import io.ocmt.verify.tls.probe.internal.CipherSuiteRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CipherSuiteRegistryTest {

    @Test
    void committedTableIsExactlyWhatTheGeneratorWrites() throws IOException {
        String committed;
        try (InputStream in = getClass().getResourceAsStream(CipherSuiteRegistry.RESOURCE)) {
            committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        // On failure: run CipherSuiteTableGenerator (see its javadoc) and review the diff.
        assertThat(committed).isEqualTo(CipherSuiteTableGenerator.render());
    }

    @Test
    void everyBouncyCastleSuiteIsPresentUnderItsCode() {
        Map<Integer, String> bc = CipherSuiteTableGenerator.bouncyCastleSuites();

        assertThat(bc).hasSizeGreaterThan(300);
        bc.forEach((code, name) -> assertThat(CipherSuite.forCode(code))
                .as("BouncyCastle %s (0x%04X)", name, code)
                .hasValueSatisfying(s -> assertThat(s.ianaName()).isEqualTo(name)));
        assertThat(CipherSuite.registry()).hasSameSizeAs(bc.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # name                                        | kx        | auth  | cipher   | mode     | bits | fs    | protocols       | flags
            ECDHE-RSA-AES128-GCM-SHA256                   | ECDHE     | RSA   | AES      | GCM      | 128  | true  | TLSv1.2         |
            TLS_RSA_WITH_AES_128_CBC_SHA                  | RSA       | RSA   | AES      | CBC      | 128  | false | SSLv3-TLSv1.2   | CBC
            ECDHE-ECDSA-CHACHA20-POLY1305                 | ECDHE     | ECDSA | CHACHA20 | POLY1305 | 256  | true  | TLSv1.2         |
            DES-CBC3-SHA                                  | RSA       | RSA   | 3DES     | CBC      | 168  | false | SSLv3-TLSv1.2   | 3DES,CBC
            RC4-MD5                                       | RSA       | RSA   | RC4      | STREAM   | 128  | false | SSLv3-TLSv1.2   | RC4
            EXP-RC4-MD5                                   | RSA       | RSA   | RC4      | STREAM   | 40   | false | SSLv3-TLSv1.2   | EXPORT,RC4
            EXP-EDH-RSA-DES-CBC-SHA                       | DHE       | RSA   | DES      | CBC      | 40   | true  | SSLv3-TLSv1.2   | EXPORT,CBC
            ADH-AES256-GCM-SHA384                         | DH_anon   | anon  | AES      | GCM      | 256  | true  | TLSv1.2         | anon
            AECDH-NULL-SHA                                | ECDH_anon | anon  | NULL     | NULL     | 0    | true  | TLSv1.0-TLSv1.2 | NULL,anon
            NULL-SHA256                                   | RSA       | RSA   | NULL     | NULL     | 0    | false | TLSv1.2         | NULL
            ECDH-RSA-AES128-SHA                           | ECDH      | RSA   | AES      | CBC      | 128  | false | TLSv1.0-TLSv1.2 | CBC
            DH-DSS-AES256-GCM-SHA384                      | DH        | DSS   | AES      | GCM      | 256  | false | TLSv1.2         |
            CAMELLIA256-SHA                               | RSA       | RSA   | CAMELLIA | CBC      | 256  | false | SSLv3-TLSv1.2   | CBC
            DHE-RSA-ARIA128-GCM-SHA256                    | DHE       | RSA   | ARIA     | GCM      | 128  | true  | TLSv1.2         |
            ECDHE-ECDSA-AES128-CCM8                       | ECDHE     | ECDSA | AES      | CCM_8    | 128  | true  | TLSv1.2         |
            TLS_RSA_WITH_AES_256_CCM                      | RSA       | RSA   | AES      | CCM      | 256  | false | TLSv1.2         |
            DHE-DSS-SEED-SHA                              | DHE       | DSS   | SEED     | CBC      | 128  | true  | SSLv3-TLSv1.2   | CBC
            IDEA-CBC-SHA                                  | RSA       | RSA   | IDEA     | CBC      | 128  | false | SSLv3-TLSv1.2   | CBC
            PSK-AES128-CBC-SHA256                         | PSK       | PSK   | AES      | CBC      | 128  | false | TLSv1.0-TLSv1.2 | CBC
            RSA-PSK-AES256-GCM-SHA384                     | RSA_PSK   | RSA   | AES      | GCM      | 256  | false | TLSv1.2         |
            TLS_PSK_DHE_WITH_AES_128_CCM_8                | DHE_PSK   | PSK   | AES      | CCM_8    | 128  | true  | TLSv1.2         |
            SRP-RSA-AES-256-CBC-SHA                       | SRP       | RSA   | AES      | CBC      | 256  | false | SSLv3-TLSv1.2   | CBC
            TLS_AES_128_GCM_SHA256                        | TLS13     | TLS13 | AES      | GCM      | 128  | true  | TLSv1.3         |
            TLS_AES_128_CCM_8_SHA256                      | TLS13     | TLS13 | AES      | CCM_8    | 128  | true  | TLSv1.3         |
            TLS_SM4_GCM_SM3                               | TLS13     | TLS13 | SM4      | GCM      | 128  | true  | TLSv1.3         |
            TLS_SHA384_SHA384                             | TLS13     | TLS13 | NULL     | NULL     | 0    | true  | TLSv1.3         | NULL
            TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC  | GOST      | GOST  | KUZNYECHIK | CTR    | 256  | false | TLSv1.2         |
            TLS_NULL_WITH_NULL_NULL                       | NONE      | NONE  | NULL     | NULL     | 0    | false | SSLv3-TLSv1.2   | NULL,anon
            """)
    void wellKnownSuitesAreClassifiedAsEveryScannerDoes(String name, String kx, String auth, String cipher,
            String mode, int bits, boolean fs, String protocols, String flags) {
        CipherSuite s = CipherSuite.forName(name).orElseThrow(() -> new AssertionError("not in registry: " + name));

        assertThat(s.keyExchange()).isEqualTo(KeyExchange.fromLabel(kx));
        assertThat(s.authentication()).isEqualTo(Authentication.fromLabel(auth));
        assertThat(s.cipher()).isEqualTo(Cipher.fromLabel(cipher));
        assertThat(s.mode()).isEqualTo(Mode.fromLabel(mode));
        assertThat(s.keyBits()).isEqualTo(bits);
        assertThat(s.forwardSecrecy()).isEqualTo(fs);
        String[] range = protocols.split("-");
        assertThat(s.minProtocol()).isEqualTo(TlsProtocol.fromLabel(range[0]));
        assertThat(s.maxProtocol()).isEqualTo(TlsProtocol.fromLabel(range[range.length - 1]));
        Set<Flag> expectedFlags = flags == null ? Set.of()
                : List.of(flags.split(",")).stream().map(Flag::fromLabel).collect(Collectors.toSet());
        assertThat(s.flags()).containsExactlyInAnyOrderElementsOf(expectedFlags);
    }

    @Test
    void briefExamplesByBothNames() {
        CipherSuite gcm = CipherSuite.forName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").orElseThrow();
        assertThat(gcm.code()).isEqualTo(0xC02F);
        assertThat(gcm.opensslName()).hasValue("ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(CipherSuite.forName("ECDHE-RSA-AES128-GCM-SHA256")).hasValue(gcm);
        assertThat(gcm).hasToString("0xC02F TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (ECDHE-RSA-AES128-GCM-SHA256)");

        CipherSuite cbc = CipherSuite.forCode(0x002F).orElseThrow();
        assertThat(cbc.ianaName()).isEqualTo("TLS_RSA_WITH_AES_128_CBC_SHA");
        assertThat(cbc.keyExchange()).isEqualTo(KeyExchange.RSA);
        assertThat(cbc.forwardSecrecy()).isFalse();
        assertThat(cbc.has(Flag.CBC)).isTrue();
    }

    @Test
    void signallingValuesAreFlaggedAndNeverNegotiable() {
        CipherSuite reneg = CipherSuite.forCode(0x00FF).orElseThrow();
        CipherSuite fallback = CipherSuite.forCode(0x5600).orElseThrow();

        assertThat(reneg.ianaName()).isEqualTo("TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
        assertThat(fallback.ianaName()).isEqualTo("TLS_FALLBACK_SCSV");
        for (CipherSuite scsv : List.of(reneg, fallback)) {
            assertThat(scsv.isSignallingValue()).isTrue();
            assertThat(scsv.flags()).containsExactly(Flag.SCSV);
            for (TlsProtocol p : TlsProtocol.values()) {
                assertThat(scsv.negotiableIn(p)).isFalse();
            }
        }
        assertThat(CipherSuite.registry()).filteredOn(CipherSuite::isSignallingValue).hasSize(2);
    }

    @Test
    void flagsAgreeWithTheColumnsTheyDescribe() {
        for (CipherSuite s : CipherSuite.registry()) {
            if (s.isSignallingValue()) {
                continue;
            }
            assertThat(s.has(Flag.NULL)).as("%s NULL", s).isEqualTo(s.cipher() == Cipher.NULL);
            assertThat(s.has(Flag.RC4)).as("%s RC4", s).isEqualTo(s.cipher() == Cipher.RC4);
            assertThat(s.has(Flag.TRIPLE_DES)).as("%s 3DES", s).isEqualTo(s.cipher() == Cipher.TRIPLE_DES);
            assertThat(s.has(Flag.CBC)).as("%s CBC", s).isEqualTo(s.mode() == Mode.CBC);
            assertThat(s.has(Flag.EXPORT)).as("%s EXPORT", s).isEqualTo(s.ianaName().contains("_EXPORT_"));
            assertThat(s.has(Flag.ANON)).as("%s anon", s)
                    .isEqualTo(s.authentication() == Authentication.ANON || s.code() == 0x0000);
            assertThat(s.keyExchange() == KeyExchange.TLS13).as("%s TLS13", s)
                    .isEqualTo(s.minProtocol() == TlsProtocol.TLS_1_3);
        }
    }

    @Test
    void everyProtocolHasCandidatesAndTls13OnlyItsOwn() {
        for (TlsProtocol p : TlsProtocol.values()) {
            assertThat(CipherSuite.registry()).filteredOn(s -> s.negotiableIn(p)).isNotEmpty();
        }
        assertThat(CipherSuite.registry()).filteredOn(s -> s.negotiableIn(TlsProtocol.TLS_1_3))
                .allSatisfy(s -> assertThat(s.keyExchange()).isEqualTo(KeyExchange.TLS13));
    }

    /** OpenSSL, where installed, is a second opinion on names and minimum protocol versions. */
    @Test
    void namesAndMinimumProtocolsAgreeWithTheLocalOpenssl(@TempDir Path dir) throws Exception {
        OpenSsl.assumeAvailable();
        List<String> args = new ArrayList<>();
        if (OpenSsl.legacyProviderAvailable(dir)) {
            args.addAll(List.of("-provider", "legacy", "-provider", "default"));
        }
        args.add("ALL:COMPLEMENTOFALL:@SECLEVEL=0");

        List<OpenSsl.Cipher> ciphers = OpenSsl.ciphers(dir, args.toArray(String[]::new));

        assertThat(ciphers).hasSizeGreaterThan(100);
        for (OpenSsl.Cipher c : ciphers) {
            CipherSuite s = CipherSuite.forCode(c.code()).orElseThrow(() -> new AssertionError("missing " + c));
            assertThat(s.ianaName()).as("%s", c).isEqualTo(c.ianaName());
            assertThat(s.opensslName()).as("%s", c).hasValue(c.opensslName());
            assertThat(s.minProtocol().label()).as("%s", c).isEqualTo(c.protocol());
        }
    }

    @Test
    void brokenTableFailsWithItsLineNumber() {
        String header = String.join("\t", CipherSuiteRegistry.COLUMNS);
        String badFs = "0xC02F\tTLS_X\t-\tTLSv1.2\tECDHE\tmaybe\tRSA\tAES\tGCM\t128\t-";

        assertThatThrownBy(() -> CipherSuiteRegistry.parse(new BufferedReader(new StringReader(
                "# comment\n" + header + "\n" + badFs + "\n"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cipher-suites.tsv:3: fs must be yes or no: maybe");

        assertThatThrownBy(() -> CipherSuiteRegistry.parse(new BufferedReader(new StringReader("code\tname\n"))))
                .hasMessageContaining(":1: header must be");

        String good = "0xC02F\tTLS_X\t-\tTLSv1.2\tECDHE\tyes\tRSA\tAES\tGCM\t128\t-";
        assertThatThrownBy(() -> CipherSuiteRegistry.parse(new BufferedReader(new StringReader(
                header + "\n" + good + "\n" + good + "\n"))))
                .hasMessageContaining(":3: duplicate code 0xC02F");
    }

    @Test
    void enumLabelsRoundTrip() {
        assertThat(EnumSet.allOf(Flag.class)).allSatisfy(f -> assertThat(Flag.fromLabel(f.label())).isEqualTo(f));
        assertThat(Cipher.fromLabel("3DES")).isEqualTo(Cipher.TRIPLE_DES);
        assertThatThrownBy(() -> Cipher.fromLabel("ROT13")).hasMessage("unknown label: ROT13");
    }
}
