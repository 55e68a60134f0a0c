package io.ocmt.verify.referencestack;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.StackEndpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack hands its egress proxies to the suite as one derived setting, which travels two ways:
 * straight into the configuration (read as YAML), and through target/reference-stack.env, which
 * scripts/reference-stack and a person's shell source. Both must give back the same list.
 */
class DerivedSettingsTest {

    private static final List<String> URLS = List.of("http://localhost:41001", "http://localhost:41002", "http://localhost:41003");

    @Test
    void theEgressListLoadsAsTheGrantsList() {
        Environment env = Environments.load("reference", Path.of("."), Map.of(), Map.of(),
                Map.of("grants.egressProxies.urls", ReferenceStack.yamlList(URLS), "grants.outsideProxy.url", URLS.get(0)));
        assertThat(env.grants().egressProxies().urls()).containsExactlyElementsOf(URLS);
        assertThat(env.grants().outsideProxy().url()).isEqualTo(URLS.get(0));
    }

    @Test
    void theEnvFileWithTheListIsStillShellSourceable(@TempDir Path dir) throws IOException, InterruptedException {
        StackEndpoints endpoints = new StackEndpoints("https://localhost:1/", "http://localhost:2/", "localhost", 1,
                dir.resolve("ca.pem"), Set.of(), Map.of("grants.egressProxies.urls", ReferenceStack.yamlList(URLS)));
        Path file = dir.resolve("reference-stack.env");
        Files.writeString(file, endpoints.toEnvFile());
        Process bash = new ProcessBuilder("bash", "-c", "set -eu; . \"$1\"; printf %s \"$OCMT_GRANTS_EGRESSPROXIES_URLS\"", "_",
                file.toString()).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo(ReferenceStack.yamlList(URLS));
    }
}
