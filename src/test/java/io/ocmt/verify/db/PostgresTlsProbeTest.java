package io.ocmt.verify.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.db.PostgresTlsProbe.Outcome;
import io.ocmt.verify.db.PostgresTlsProbe.Startup;
import io.ocmt.verify.db.PostgresTlsProbe.TlsAnswer;
import io.ocmt.verify.db.PostgresTlsProbe.TlsOffer;
import io.ocmt.verify.tls.LoopbackTlsServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * A fake PostgreSQL on loopback reads the client's first message (start-up or SSLRequest) and then
 * does what the test scripts: answer like pg_hba, ask for a password, fail otherwise, or hang up,
 * reset, stay silent.
 */
class PostgresTlsProbeTest {

    static final int TIMEOUT_MS = 2000;

    /** What the fake does once it has read the client's first message. */
    interface Script {
        void play(Socket s, DataOutputStream out) throws IOException;
    }

    private record Seen<T>(T result, int firstWord) {
    }

    private static <T> Seen<T> against(Script script, java.util.function.IntFunction<T> probe) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> protocol = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    int length = in.readInt();
                    int version = in.readInt();
                    in.readNBytes(length - 8);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    script.play(s, out);
                    out.flush();
                    // Wait for the client to hang up, as a server waits for the next message.
                    s.setSoTimeout(TIMEOUT_MS * 2);
                    while (in.read() >= 0) {
                        // discard (a Terminate, if any)
                    }
                    return version;
                } catch (IOException e) {
                    return -1;
                }
            });
            T result = probe.apply(server.getLocalPort());
            return new Seen<>(result, protocol.get(10, TimeUnit.SECONDS));
        }
    }

    private static Outcome startup(Script script) throws Exception {
        Seen<Outcome> seen = against(script, port -> PostgresTlsProbe.plaintextStartup("127.0.0.1", port,
                PostgresTlsProbe.PROBE_USER, "ocmt", TIMEOUT_MS));
        assertThat(seen.firstWord()).isIn(196608, -1);
        return seen.result();
    }

    private static TlsAnswer sslRequest(Script script) throws Exception {
        return against(script, port -> PostgresTlsProbe.offersTls("127.0.0.1", port, TIMEOUT_MS)).result();
    }

    private static Script message(char type, byte[] body) {
        return (s, out) -> {
            out.write(type);
            out.writeInt(body.length + 4);
            out.write(body);
        };
    }

    private static Script error(String code, String message) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String f : new String[] {"SFATAL", "C" + code, "M" + message}) {
            b.write(f.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        return message('E', b.toByteArray());
    }

    private static final Script SCRAM = message('R', new byte[] {0, 0, 0, 10, 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '2',
            '5', '6', 0, 0});
    private static final Script HANG_UP = (s, out) -> s.close();
    private static final Script RESET = (s, out) -> {
        s.setSoLinger(true, 0);
        s.close();
    };
    private static final Script SILENCE = (s, out) -> {
        // say nothing; the client's timeout ends it
    };

    @Test
    void pgHbaRefusalIsARefusal() throws Exception {
        Outcome o = startup(error("28000",
                "pg_hba.conf rejects connection for host \"10.0.0.1\", user \"x\", database \"ocmt\", no encryption"));

        assertThat(o.startup()).isEqualTo(Startup.REFUSED);
        assertThat(o.sqlState()).isEqualTo("28000");
        assertThat(o.detail()).contains("no encryption");
    }

    @Test
    void anAuthenticationRequestMeansThePlainConnectionWasAccepted() throws Exception {
        Outcome o = startup(SCRAM);

        assertThat(o.startup()).isEqualTo(Startup.ACCEPTED);
        assertThat(o.detail()).isEqualTo("it asked for SCRAM authentication over the unencrypted connection");
    }

    @Test
    void lettingTheClientInWithoutAPasswordIsAnAcceptanceToo() throws Exception {
        Outcome o = startup(message('R', new byte[] {0, 0, 0, 0}));

        assertThat(o.startup()).isEqualTo(Startup.ACCEPTED);
        assertThat(o.detail()).contains("without a password");
    }

    @Test
    void aNoticeBeforeThePasswordChallengeIsReadPast() throws Exception {
        ByteArrayOutputStream notice = new ByteArrayOutputStream();
        notice.write("SNOTICE\0Mhello\0\0".getBytes(StandardCharsets.UTF_8));
        Script noticeThenScram = (s, out) -> {
            message('N', notice.toByteArray()).play(s, out);
            SCRAM.play(s, out);
        };

        assertThat(startup(noticeThenScram).startup()).isEqualTo(Startup.ACCEPTED);
    }

    /** Before, every error was taken for pg_hba's refusal: a wrong password or database "proved" TLS was required. */
    @Test
    void anErrorOtherThanPgHbasRefusalIsNoEvidenceEitherWay() throws Exception {
        Outcome badPassword = startup(error("28P01", "password authentication failed for user \"x\""));
        Outcome noDatabase = startup(error("3D000", "database \"ocmt\" does not exist"));
        Outcome tooMany = startup(error("53300", "sorry, too many clients already"));

        assertThat(List.of(badPassword, noDatabase, tooMany)).allSatisfy(o -> assertThat(o.startup()).isEqualTo(Startup.UNKNOWN));
        assertThat(badPassword.sqlState()).isEqualTo("28P01");
        assertThat(badPassword.detail()).isEqualTo("it refused with SQLSTATE 28P01 (invalid_password) \"password authentication failed"
                + " for user \"x\"\", which is not pg_hba's refusal of a connection without TLS (28000)");
        assertThat(noDatabase.detail()).contains("SQLSTATE 3D000 (invalid_catalog_name: no such database)");
        assertThat(tooMany.detail()).contains("SQLSTATE 53300 (too_many_connections)");
    }

    /** Before, a close read as a refusal and a reset or a timeout broke the test. */
    @Test
    void closeResetAndSilenceAreNoEvidenceAndSaySo() throws Exception {
        Outcome closed = startup(HANG_UP);
        Outcome reset = startup(RESET);
        Outcome silent = startup(SILENCE);

        assertThat(closed.startup()).isEqualTo(Startup.UNKNOWN);
        assertThat(closed.detail()).isEqualTo("the server closed the connection without an answer");
        assertThat(reset.startup()).isEqualTo(Startup.UNKNOWN);
        assertThat(reset.detail()).startsWith("the connection was reset without an answer to the start-up message");
        assertThat(silent.startup()).isEqualTo(Startup.UNKNOWN);
        assertThat(silent.detail()).isEqualTo("no answer to the start-up message within " + TIMEOUT_MS + " ms");
    }

    @Test
    void somethingThatIsNotPostgresIsNoEvidence() throws Exception {
        Outcome http = startup((s, out) -> out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        Outcome other = startup(message('Z', new byte[] {'I'}));

        assertThat(http.startup()).isEqualTo(Startup.UNKNOWN);
        assertThat(http.detail()).startsWith("the server answered something that is not PostgreSQL's protocol ('H', then a length of");
        assertThat(other.startup()).isEqualTo(Startup.UNKNOWN);
        assertThat(other.detail()).contains("message type 'Z'");
    }

    @Test
    void theSslRequestAnswerIsOfferedNotOfferedOrUnknown() throws Exception {
        assertThat(sslRequest((s, out) -> out.write('S')).offer()).isEqualTo(TlsOffer.OFFERED);
        assertThat(sslRequest((s, out) -> out.write('N')).offer()).isEqualTo(TlsOffer.NOT_OFFERED);
        TlsAnswer closed = sslRequest(HANG_UP);
        assertThat(closed.offer()).isEqualTo(TlsOffer.UNKNOWN);
        assertThat(closed.detail()).isEqualTo("it closed the connection without answering an SSLRequest");
        TlsAnswer error = sslRequest(error("08P01", "unsupported frontend protocol"));
        assertThat(error.offer()).isEqualTo(TlsOffer.UNKNOWN);
        assertThat(error.detail()).isEqualTo("it answered an SSLRequest with 'E', neither 'S' nor 'N'");
        assertThat(sslRequest(SILENCE).detail()).isEqualTo("no answer to an SSLRequest within " + TIMEOUT_MS + " ms");
    }

    @Test
    void anAddressNothingListensOnIsNamedAndNotBlamedOnPostgres() throws Exception {
        int closed = LoopbackTlsServer.closedPort();

        for (ThrowingCallable probe : List.<ThrowingCallable>of(
                () -> PostgresTlsProbe.offersTls("127.0.0.1", closed, 5000),
                () -> PostgresTlsProbe.plaintextStartup("127.0.0.1", closed, PostgresTlsProbe.PROBE_USER, "ocmt", 5000))) {
            assertThatThrownBy(probe).isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("Cannot reach PostgreSQL at 127.0.0.1:" + closed + " (grants.postgres): ")
                    .hasMessageContaining("Connection refused")
                    .hasMessageNotContaining("did not answer");
        }
    }
}
