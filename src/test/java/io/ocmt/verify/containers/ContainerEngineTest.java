package io.ocmt.verify.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Engine API's answers, as Docker 20-27 sends them, read into the settings the checks judge; and only GETs sent. */
class ContainerEngineTest {

    private static final String INSPECT = """
            {"Id":"abc123","Name":"/ocmt-server","State":{"Status":"running","Health":{"Status":"healthy","FailingStreak":0}},
             "Config":{"User":"1000:1000","Env":["ENCRYPTION_KEY=do-not-show-me"],
                       "Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":30000000000}},
             "HostConfig":{"Memory":1073741824,"NanoCpus":1000000000,"CpuQuota":0,
                           "LogConfig":{"Type":"json-file","Config":{"max-file":"3","max-size":"10m"}}}}
            """;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + java.net.URLDecoder.decode(exchange.getRequestURI().toString(), StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            int status = 200;
            if (path.equals("/containers/ocmt-server/json")) {
                body = INSPECT.getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/containers/json")) {
                body = "[{\"Id\":\"abc123\",\"Names\":[\"/ocmt-server\"]}]".getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/containers/forbidden/json")) {
                status = 403;
                body = "{\"message\":\"forbidden by the proxy\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 404;
                body = "{\"message\":\"No such container\"}".getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ContainerEngine engine() {
        return ContainerEngine.connect("tcp://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(5));
    }

    @Test
    void readsTheSettingsTheChecklistSpeaksOfAndNothingElse() {
        try (ContainerEngine engine = engine()) {
            ContainerSettings c = ContainerSettings.of(engine.inspect("ocmt-server").orElseThrow());
            assertThat(c).isEqualTo(new ContainerSettings("ocmt-server", "1000:1000", 1073741824L, 1000000000L, 0,
                    List.of("CMD-SHELL", "true"), "healthy", "json-file", Map.of("max-file", "3", "max-size", "10m")));
            assertThat(c.describe()).doesNotContain("do-not-show-me").doesNotContain("ENCRYPTION_KEY");
            assertThat(engine.withLabel("com.docker.compose.project=ocmt")).singleElement()
                    .satisfies(container -> assertThat(container.getNames()).containsExactly("/ocmt-server"));
            assertThat(engine.inspect("gone")).isEmpty();
            assertThatThrownBy(() -> engine.inspect("forbidden")).hasMessageContaining("answered 403")
                    .hasMessageContaining("forbidden by the proxy");
            assertThatThrownBy(() -> engine.inspect("../../images/create")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(requests).allMatch(r -> r.startsWith("GET /containers/"));
        assertThat(requests).anyMatch(r -> r.contains("filters={\"label\":[\"com.docker.compose.project=ocmt\"]}"));
    }
}
