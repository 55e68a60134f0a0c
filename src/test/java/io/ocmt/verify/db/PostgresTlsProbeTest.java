package io.ocmt.verify.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** A fake PostgreSQL on loopback answers the startup message the way pg_hba would. */
class PostgresTlsProbeTest {

    private static PostgresTlsProbe.Outcome against(byte type, byte[] body) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> protocol = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    int length = in.readInt();
                    int version = in.readInt();
                    in.readNBytes(length - 8);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.write(type);
                    out.writeInt(body.length + 4);
                    out.write(body);
                    out.flush();
                    return version;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            PostgresTlsProbe.Outcome outcome = PostgresTlsProbe.plaintextStartup("127.0.0.1", server.getLocalPort(), PostgresTlsProbe.PROBE_USER, "ocmt", 5000);
            assertThat(protocol.get()).isEqualTo(196608);
            return outcome;
        }
    }

    private static byte[] error(String code, String message) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String f : new String[] {"SFATAL", "C" + code, "M" + message}) {
            b.write(f.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        return b.toByteArray();
    }

    @Test
    void pgHbaRefusalIsARefusal() throws Exception {
        PostgresTlsProbe.Outcome o = against((byte) 'E', error("28000",
                "pg_hba.conf rejects connection for host \"10.0.0.1\", user \"x\", database \"ocmt\", no encryption"));
        assertThat(o.accepted()).isFalse();
        assertThat(o.sqlState()).isEqualTo("28000");
        assertThat(o.detail()).contains("no encryption");
    }

    @Test
    void anAuthenticationRequestMeansThePlainConnectionWasAccepted() throws Exception {
        PostgresTlsProbe.Outcome o = against((byte) 'R', new byte[] {0, 0, 0, 10, 'S', 'C', 'R', 'A', 'M', 0, 0});
        assertThat(o.accepted()).isTrue();
        assertThat(o.detail()).contains("SCRAM");
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
