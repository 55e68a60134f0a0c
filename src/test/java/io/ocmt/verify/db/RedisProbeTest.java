package io.ocmt.verify.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.tls.LoopbackTlsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RedisProbeTest {

    private static RedisProbe.Reply parse(String wire) throws IOException {
        return RedisProbe.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEveryReplyType() throws IOException {
        RedisProbe.Reply noauth = parse("-NOAUTH Authentication required.\r\n");
        assertThat(noauth.isError()).isTrue();
        assertThat(noauth.errorCode()).isEqualTo("NOAUTH");
        assertThat(parse("+PONG\r\n").text()).isEqualTo("PONG");
        assertThat(parse("$-1\r\n").text()).isNull();
        RedisProbe.Reply config = parse("*4\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n$9\r\nmaxmemory\r\n$9\r\n268435456\r\n");
        assertThat(RedisProbe.pairs(config)).containsEntry("appendonly", "yes").containsEntry("maxmemory", "268435456");
        String info = "# Memory\r\nmaxmemory:0\r\nmaxmemory_policy:noeviction\r\n";
        assertThat(RedisProbe.info(parse("$" + info.length() + "\r\n" + info + "\r\n")))
                .containsEntry("maxmemory", "0").containsEntry("maxmemory_policy", "noeviction");
    }

    @Test
    void secretSettingsAreRegisteredAsTheyAreReadAndShownMasked() throws IOException {
        RedisProbe.Reply config = parse("*6\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n$11\r\nrequirepass\r\n$16\r\nredis-Pw-0123abc\r\n"
                + "$10\r\nmasterauth\r\n$15\r\nprimary-Pw-4567\r\n");
        var settings = RedisProbe.pairs(config);
        assertThat(settings).containsEntry("requirepass", "redis-Pw-0123abc");
        assertThat(Redactor.settings(settings)).isEqualTo("appendonly yes\nrequirepass <redacted>\nmasterauth <redacted>\n");
        assertThat(Redactor.text("AUTH failed for redis-Pw-0123abc; primary-Pw-4567")).as("registered when read")
                .isEqualTo("AUTH failed for <redacted>; <redacted>");
        String info = "# Replication\r\nmaster_host:primary\r\nmasterauth:info-Pw-8901\r\n";
        RedisProbe.info(parse("$" + info.length() + "\r\n" + info + "\r\n"));
        assertThat(Redactor.text("info-Pw-8901")).isEqualTo("<redacted>");
        RedisProbe.pairs(parse("*2\r\n$23\r\ntracking-table-max-keys\r\n$7\r\n1000000\r\n"));
        assertThat(Redactor.text("maxmemory 1000000")).as("a harmless setting's value is not masked everywhere").isEqualTo("maxmemory 1000000");
    }

    @Test
    void speaksRespToAServer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[14];
                    int n = in.readNBytes(buf, 0, buf.length);
                    OutputStream out = s.getOutputStream();
                    out.write("-NOAUTH Authentication required.\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return new String(buf, 0, n, StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (RedisProbe probe = RedisProbe.connect("127.0.0.1", server.getLocalPort(), 5000)) {
                assertThat(probe.command("PING").errorCode()).isEqualTo("NOAUTH");
            }
            assertThat(received.get()).isEqualTo("*1\r\n$4\r\nPING\r\n");
        }
    }

    @Test
    void anAddressNothingListensOnIsNamedWithTheGrant() throws IOException {
        int closed = LoopbackTlsServer.closedPort();

        assertThatThrownBy(() -> RedisProbe.connect("127.0.0.1", closed, 5000)).isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("Cannot reach Redis at 127.0.0.1:" + closed + " (grants.redis): ")
                .hasMessageContaining("Connection refused");
    }
}
