package io.ocmt.verify.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImageTest {

    @TempDir
    Path context;

    @Test
    void theTagFollowsTheContentAndTheBuildArgumentsButNotBuildOutput() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM debian:bookworm-slim\n");
        Files.createDirectories(context.resolve("src"));
        Files.writeString(context.resolve("src/a.txt"), "a");
        String first = LocalImage.digest(context, Map.of());
        assertThat(first).hasSize(12).isEqualTo(LocalImage.digest(context, Map.of()));

        Files.createDirectories(context.resolve("target"));
        Files.writeString(context.resolve("target/app.jar"), "build output");
        assertThat(LocalImage.digest(context, Map.of())).as("target/ is never part of the context").isEqualTo(first);

        assertThat(LocalImage.digest(context, Map.of("EXTRA_CA_CERTS", "pem"))).isNotEqualTo(first);
        Files.writeString(context.resolve("src/a.txt"), "b");
        assertThat(LocalImage.digest(context, Map.of())).isNotEqualTo(first);
    }
}
