package io.ocmt.verify.tls.probe;

import io.ocmt.verify.tls.probe.internal.ServerHello;
import io.ocmt.verify.tls.probe.internal.ServerResponse;
import io.ocmt.verify.tls.probe.internal.ServerResponseReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The answers are real: captured from OpenSSL 3.0.19 {@code s_server} on 127.0.0.1 answering the
 * probe's own ClientHellos (first records only, up to the end of the ServerHello).
 */
class ServerResponseReaderTest {

    /** s_server -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA, offered C02F and 0035. */
    static final String TLS12_SERVER_HELLO = "160303005d0200005903039a50735aeab8f3bf361133592c0de4da99e8fc2fb46d05b0fd"
            + "2069c5c3b80850205f58e731c14b90bb280c46e005918a013ca51febf5bf5c7f12212b71e9f3c596c02f000011ff010001"
            + "00000b00040300010200170000";

    /** s_server -tls1_3, offered 1301 1302 1303 with an x25519 key share. */
    static final String TLS13_SERVER_HELLO = "160303007a02000076030369d6910bb9d095a9996cf66fbb2156f8bd0328f11dfbe224c2"
            + "cdfdfc9a8fdd86208d00229c9ac40fa737b5b532ed72ae53ca89ea9d09932f04f6bcb19c135efb63130100002e002b0002"
            + "030400330024001d0020a6437b3982c534d759cc7b7db1bfb47a107aca1aa2f1dda10adf703891854c7d";

    /** s_server -tls1_3 -groups P-256: our x25519 share does not fit, so it asks for secp256r1. */
    static final String TLS13_HELLO_RETRY_REQUEST = "1603030058020000540303cf21ad74e59a6111be1d8c021e65b891c2a211167abb"
            + "8c5e079e09e2c8a8339c20a66552952298b17bf64cb26dff069e5a047b4fe80620ecee9af509f5e64023f3130100000c002b"
            + "00020304003300020017";

    /** s_server with TLS 1.0-1.3 enabled, offered TLS 1.0: its random ends in DOWNGRD\0. */
    static final String TLS10_SERVER_HELLO_WITH_SENTINEL = "16030100550200005103011f67a1880981b779c1aec567409bfaac"
            + "82f6a8ddeb506114444f574e4752440020feee5078fc7d9aff5fe34fec3cfef68e472deaadc53f769b1080fe9ccd5f08bb"
            + "0035000009ff0100010000170000";

    /** s_server -tls1_2 offered only RC4-SHA and DES-CBC3-SHA, which it does not have. */
    static final String HANDSHAKE_FAILURE = "15030300020228";

    /** s_server -tls1_2 offered a TLS 1.0 ClientHello. */
    static final String PROTOCOL_VERSION = "15030100020246";

    static ServerResponse read(String hex) throws IOException {
        return read(HexFormat.of().parseHex(hex));
    }

    static ServerResponse read(byte[] bytes) throws IOException {
        return ServerResponseReader.read(new ByteArrayInputStream(bytes), 1000);
    }

    static ServerHello hello(String hex) throws IOException {
        ServerResponse r = read(hex);
        assertThat(r).isInstanceOf(ServerResponse.Hello.class);
        return ((ServerResponse.Hello) r).hello();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    /** Re-frames a single-record handshake into records of the given fragment sizes. */
    static byte[] refragment(String singleRecordHex, int... fragmentSizes) {
        byte[] record = HexFormat.of().parseHex(singleRecordHex);
        byte[] payload = Arrays.copyOfRange(record, 5, record.length);
        byte[] out = new byte[0];
        int off = 0;
        for (int i = 0; i <= fragmentSizes.length; i++) {
            int len = i < fragmentSizes.length ? fragmentSizes[i] : payload.length - off;
            byte[] header = {22, 3, 3, (byte) (len >>> 8), (byte) len};
            out = concat(out, header, Arrays.copyOfRange(payload, off, off + len));
            off += len;
        }
        return out;
    }

    // ---- ServerHellos, also fragmented or in company ----

    @Test
    void tls12ServerHelloNamesVersionSuiteAndExtensions() throws IOException {
        ServerHello h = hello(TLS12_SERVER_HELLO);

        assertThat(h.legacyVersion()).isEqualTo(0x0303);
        assertThat(h.negotiatedVersion()).isEqualTo(0x0303);
        assertThat(h.cipherSuite()).isEqualTo(0xC02F);
        assertThat(h.helloRetryRequest()).isFalse();
        assertThat(h.selectedGroup()).isEmpty();
        assertThat(h.extensions()).containsOnlyKeys(0xff01, 0x000b, 0x0017);
        assertThat(h.downgradeSentinel()).isFalse();
    }

    @Test
    void tls13VersionComesFromSupportedVersionsNotTheLegacyField() throws IOException {
        ServerHello h = hello(TLS13_SERVER_HELLO);

        assertThat(h.legacyVersion()).isEqualTo(0x0303);
        assertThat(h.negotiatedVersion()).isEqualTo(0x0304);
        assertThat(h.cipherSuite()).isEqualTo(0x1301);
        assertThat(h.helloRetryRequest()).isFalse();
        assertThat(h.selectedGroupName()).isEqualTo("x25519");
    }

    @Test
    void helloRetryRequestIsRecognisedByItsRandomAndStillNamesTheSuite() throws IOException {
        ServerHello h = hello(TLS13_HELLO_RETRY_REQUEST);

        assertThat(h.helloRetryRequest()).isTrue();
        assertThat(h.negotiatedVersion()).isEqualTo(0x0304);
        assertThat(h.cipherSuite()).isEqualTo(0x1301);
        assertThat(h.selectedGroup()).hasValue(0x0017);
        assertThat(h.selectedGroupName()).isEqualTo("secp256r1");
    }

    @Test
    void tls10ServerHelloFromATls13ServerCarriesTheDowngradeSentinel() throws IOException {
        ServerHello h = hello(TLS10_SERVER_HELLO_WITH_SENTINEL);

        assertThat(h.negotiatedVersion()).isEqualTo(0x0301);
        assertThat(h.cipherSuite()).isEqualTo(0x0035);
        assertThat(h.downgradeSentinel()).isTrue();
    }

    @Test
    void serverHelloSplitAcrossRecordsIsReassembled() throws IOException {
        // Split inside the 4-byte handshake header, then inside the body.
        ServerResponse r = read(refragment(TLS12_SERVER_HELLO, 2, 40));

        assertThat(((ServerResponse.Hello) r).hello().cipherSuite()).isEqualTo(0xC02F);
    }

    @Test
    void serverHelloFollowedByMoreHandshakeMessagesInTheSameRecord() throws IOException {
        byte[] sh = HexFormat.of().parseHex(TLS12_SERVER_HELLO);
        byte[] helloMessage = Arrays.copyOfRange(sh, 5, sh.length);
        byte[] serverHelloDone = {14, 0, 0, 0};
        byte[] payload = concat(helloMessage, serverHelloDone);
        byte[] record = concat(new byte[] {22, 3, 3, 0, (byte) payload.length}, payload);

        assertThat(read(record)).isInstanceOf(ServerResponse.Hello.class);
    }

    @Test
    void warningAlertBeforeTheServerHelloIsSkipped() throws IOException {
        byte[] unrecognizedNameWarning = {21, 3, 3, 0, 2, 1, 112};

        ServerResponse r = read(concat(unrecognizedNameWarning, HexFormat.of().parseHex(TLS13_SERVER_HELLO)));

        assertThat(((ServerResponse.Hello) r).hello().cipherSuite()).isEqualTo(0x1301);
    }

    // ---- refusals ----

    @Test
    void handshakeFailureAlert() throws IOException {
        ServerResponse r = read(HANDSHAKE_FAILURE);

        TlsAlert alert = ((ServerResponse.Alert) r).alert();
        assertThat(alert.fatal()).isTrue();
        assertThat(alert.description()).isEqualTo(40);
        assertThat(alert).hasToString("fatal handshake_failure(40)");
    }

    @Test
    void protocolVersionAlert() throws IOException {
        TlsAlert alert = ((ServerResponse.Alert) read(PROTOCOL_VERSION)).alert();

        assertThat(alert).hasToString("fatal protocol_version(70)");
    }

    @Test
    void closeNotifyEndsTheAnswer() throws IOException {
        TlsAlert alert = ((ServerResponse.Alert) read("15030300020100")).alert();

        assertThat(alert.descriptionName()).isEqualTo("close_notify");
    }

    @Test
    void noBytesAtAllIsAClose() throws IOException {
        assertThat(read(new byte[0])).isEqualTo(new ServerResponse.Closed(false));
    }

    @Test
    void silenceBeforeTheFirstByteIsReportedAsSilence() throws IOException {
        InputStream timesOut = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }
        };

        assertThat(ServerResponseReader.read(timesOut, 750)).isEqualTo(new ServerResponse.Silent(750));
    }

    // ---- malformed, truncated and foreign answers: a clear exception, never a hang ----

    @Test
    void truncatedRecord() {
        String cut = TLS12_SERVER_HELLO.substring(0, TLS12_SERVER_HELLO.length() - 20);

        assertThatThrownBy(() -> read(cut))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("truncated record: header announces 93 bytes of handshake, connection closed after 83");
    }

    @Test
    void truncatedRecordHeader() {
        assertThatThrownBy(() -> read("160303"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("truncated record header: connection closed after 3 of 5 bytes (16 03 03)");
    }

    @Test
    void connectionClosedBetweenFragmentsOfTheServerHello() {
        byte[] split = refragment(TLS12_SERVER_HELLO, 40);
        byte[] firstRecordOnly = Arrays.copyOf(split, 5 + 40);

        assertThatThrownBy(() -> read(firstRecordOnly))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("truncated handshake: connection closed after 40 bytes of a ServerHello");
    }

    @Test
    void silenceAfterPartOfTheAnswerIsTruncationNotRefusal() {
        byte[] partial = Arrays.copyOf(HexFormat.of().parseHex(TLS12_SERVER_HELLO), 30);
        InputStream thenTimesOut = new SequenceInputStream(new ByteArrayInputStream(partial), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }
        });

        assertThatThrownBy(() -> ServerResponseReader.read(thenTimesOut, 500))
                .isInstanceOf(TlsProbeException.class)
                .hasMessageContaining("30 bytes arrived, then nothing for 500 ms");
    }

    @Test
    void recordLongerThanTlsAllows() {
        // 0x4801 = 18433, one more than 2^14 + 2048.
        assertThatThrownBy(() -> read("1603034801" + "00".repeat(16)))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("record length 18433 exceeds the TLS maximum of 18432 (header 16 03 03 48 01)");
    }

    @Test
    void garbage() {
        assertThatThrownBy(() -> read("deadbeef0042"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("not a TLS server: the answer starts with de ad be ef 00");
    }

    @Test
    void httpServerAnsweringWith400() {
        byte[] http = "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> read(http))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("not a TLS server: it answered in plain text \"HTTP/1.1 400 Bad Request\"");
    }

    @Test
    void sslv2ServerHello() {
        // 2-byte SSLv2 header with the high bit set, then SERVER-HELLO (4).
        assertThatThrownBy(() -> read("802e0400010002000000000000"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessageContaining("SSLv2 SERVER-HELLO");
    }

    @Test
    void recordVersionThatIsNotSsl3OrTls() {
        assertThatThrownBy(() -> read("16fe fd00 02 0228".replace(" ", "")))
                .isInstanceOf(TlsProbeException.class)
                .hasMessageStartingWith("not a TLS server");
    }

    @Test
    void emptyRecord() {
        assertThatThrownBy(() -> read("1603030000"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("empty handshake record: TLS forbids it");
    }

    @Test
    void alertOfWrongLength() {
        assertThatThrownBy(() -> read("1503030003022800"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("malformed alert record: 3 bytes, expected 2 (02 28 00)");
    }

    @Test
    void changeCipherSpecBeforeTheServerHello() {
        assertThatThrownBy(() -> read("140303000101"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("unexpected change_cipher_spec(20) record before the ServerHello");
    }

    @Test
    void firstHandshakeMessageIsNotAServerHello() {
        assertThatThrownBy(() -> read("16030300040b000000"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("expected ServerHello, got handshake message certificate(11)");
    }

    @Test
    void extensionsLengthDisagreesWithTheMessage() {
        // The TLS 1.2 hello announces 17 bytes of extensions (0x0011); claim 18 instead.
        String bad = TLS12_SERVER_HELLO.replace("c02f000011ff01", "c02f000012ff01");

        assertThatThrownBy(() -> read(bad))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("malformed ServerHello: extensions length 18 but 17 bytes follow");
    }

    @Test
    void sessionIdLongerThan32Bytes() {
        // The session id length byte follows the 32-byte random: 0x20 -> 0x21.
        String bad = TLS12_SERVER_HELLO.replace("0850205f58", "0850215f58");

        assertThatThrownBy(() -> read(bad))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("malformed ServerHello: session_id length 33 exceeds 32");
    }

    @Test
    void serverHelloShorterThanItsFixedFields() {
        assertThatThrownBy(() -> read("16030300080200000403030000"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("malformed ServerHello: random needs 32 bytes, only 2 left of 4");
    }

    @Test
    void handshakeMessageAnnouncingMoreThanTheLimit() {
        assertThatThrownBy(() -> read("160303000402ffffff"))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("ServerHello length 16777215 exceeds the probe's limit of 65536");
    }

    @Test
    void endlessWarningAlertsAreCutOff() {
        byte[] warning = {21, 3, 3, 0, 2, 1, 112};
        byte[] many = new byte[0];
        for (int i = 0; i < 100; i++) {
            many = concat(many, warning);
        }
        byte[] input = many;

        assertThatThrownBy(() -> read(input))
                .isInstanceOf(TlsProbeException.class)
                .hasMessage("no complete ServerHello within 64 records");
    }

    @Test
    void supportedVersionsOfWrongLength() {
        String bad = TLS13_SERVER_HELLO.replace("002b00020304", "002b00010304");

        assertThatThrownBy(() -> read(bad))
                .isInstanceOf(TlsProbeException.class)
                .hasMessageStartingWith("malformed ServerHello");
    }
}
