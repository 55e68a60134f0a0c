package io.ocmt.verify.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.ocmt.verify.config.Grants;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityLogTest {

    @Test
    void aFileCountsOnlyWhatWasWrittenAfterTheMark(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("security.log");
        Files.writeString(file, "{\"event\":\"old\"}\n");
        SecurityLog log = SecurityLog.open(new Grants.SecurityLog(file.toString(), null), Duration.ofSeconds(2));
        SecurityLog.Mark mark = log.mark();
        assertThat(log.linesSince(mark)).isEmpty();
        Files.writeString(file, "{\"event\":\"new\"}\n", StandardOpenOption.APPEND);
        assertThat(log.linesSince(mark)).containsExactly("{\"event\":\"new\"}");
        // Rotated: the file is shorter than at the mark, so all of it is new.
        Files.writeString(file, "{\"e\":1}\n");
        assertThat(log.linesSince(mark)).containsExactly("{\"e\":1}");
    }

    @Test
    void aFileNotThereYetIsEmptyAndSaysSo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("security.log");
        SecurityLog log = SecurityLog.open(new Grants.SecurityLog(file.toString(), null), Duration.ofSeconds(2));
        SecurityLog.Mark mark = log.mark();
        assertThat(log.linesSince(mark)).isEmpty();
        assertThat(log.where()).endsWith("(which does not exist)");
        Files.writeString(file, "line\n");
        assertThat(log.linesSince(mark)).containsExactly("line");
    }

    @Test
    void aUrlCountsLinesStampedAfterTheMarkAndGetsTheMarkAsSince() throws IOException {
        AtomicReference<String> query = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Instant now = Instant.now();
        String body = "{\"timestamp\":\"" + now.minusSeconds(3600) + "\",\"event\":\"old\"}\n"
                + "{\"timestamp\":\"" + now.plusSeconds(1) + "\",\"event\":\"new\"}\n"
                + "unstamped line\n";
        server.createContext("/", exchange -> {
            query.set(exchange.getRequestURI().getQuery());
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        server.start();
        try {
            SecurityLog log = SecurityLog.open(new Grants.SecurityLog(null,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/logs?since={since}"), Duration.ofSeconds(2));
            SecurityLog.Mark mark = log.mark();
            assertThat(log.linesSince(mark)).hasSize(2).anyMatch(l -> l.contains("\"new\"")).contains("unstamped line");
            assertThat(query.get()).startsWith("since=" + mark.at().minus(SecurityLog.SKEW).toString().substring(0, 10));
        } finally {
            server.stop(0);
        }
    }
}
