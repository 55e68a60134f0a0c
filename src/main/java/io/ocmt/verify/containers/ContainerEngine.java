package io.ocmt.verify.containers;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Docker Engine API, read only: the two requests below are the only ones this class can send
 * ({@code GET /containers/json} with a label filter, {@code GET /containers/{id}/json}), through
 * docker-java's transport and into docker-java's models. No exec, no logs, no write: the grant is
 * an operator's trust in a read-only socket proxy, and this class never asks more of it.
 */
public final class ContainerEngine implements AutoCloseable {

    /** A container name or id as the Engine API accepts it in a path; anything else would change the path. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final URI engine;
    private final DockerHttpClient http;
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ContainerEngine(URI engine, DockerHttpClient http) {
        this.engine = engine;
        this.http = http;
    }

    public static ContainerEngine connect(String engineUrl, Duration timeout) {
        URI uri = URI.create(engineUrl.trim());
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(uri)
                .connectionTimeout(timeout).responseTimeout(timeout).build();
        return new ContainerEngine(uri, http);
    }

    public String where() {
        return engine.toString();
    }

    /** The settings of one container by name or id; empty where the engine knows no such container. */
    public Optional<InspectContainerResponse> inspect(String nameOrId) {
        if (!NAME.matcher(nameOrId).matches()) {
            throw new IllegalArgumentException("'" + nameOrId + "' is not a container name or id");
        }
        return get("/containers/" + nameOrId + "/json", InspectContainerResponse.class);
    }

    /** The running containers that carry {@code label} ({@code key} or {@code key=value}). */
    public List<Container> withLabel(String label) {
        String filters = URLEncoder.encode("{\"label\":[" + quote(label) + "]}", StandardCharsets.UTF_8);
        return get("/containers/json?filters=" + filters, Container[].class).map(List::of).orElse(List.of());
    }

    private <T> Optional<T> get(String path, Class<T> type) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path(path).headers(Map.of("Accept", "application/json")).build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            int status = response.getStatusCode();
            if (status == 404) {
                return Optional.empty();
            }
            if (status != 200) {
                // The body is the engine's or the proxy's message: no container settings, so safe to show.
                String message = new String(body.readNBytes(500), StandardCharsets.UTF_8).strip();
                throw new EngineException("GET " + path.replaceFirst("\\?.*", "") + " on " + engine + " answered " + status
                        + (message.isEmpty() ? "" : ": " + message));
            }
            return Optional.of(json.readValue(body, type));
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path.replaceFirst("\\?.*", "") + " on " + engine + ": " + e.getMessage(), e);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The engine (or the proxy in front of it) refused or failed a read. */
    public static final class EngineException extends RuntimeException {
        EngineException(String message) {
            super(message);
        }
    }
}
