package io.ocmt.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Allure report's environment widget: which environment and target a release manager is
 * signing, which suite version judged it, and which release of the target it was.
 */
public final class EnvironmentWidget {

    private EnvironmentWidget() {
    }

    public static void write(Target target) {
        String dir = System.getProperty("allure.results.directory");
        if (dir == null) {
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("Environment", target.name());
        values.put("Target", target.httpsUrl().toString());
        values.put("Target.release", release(target));
        values.put("Trust", target.trust().description());
        values.put("Suite.version", System.getProperty("ocmt.suite.version", "dev"));
        values.put("Java", System.getProperty("java.version"));
        if (!target.switches().isEmpty()) {
            values.put("Broken.controls", String.join(",", target.switches()));
        }
        try {
            Path file = Path.of(dir).resolve("environment.properties");
            Files.createDirectories(file.getParent());
            Categories.write(file.getParent());
            Files.writeString(file, values.entrySet().stream()
                    .map(e -> e.getKey() + "=" + Redactor.text(e.getValue()).replace("\\", "\\\\").replace(":", "\\:"))
                    .collect(Collectors.joining("\n")) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String release(Target target) {
        String field = target.policy().health().releaseField();
        try {
            Exchange health = Http.to(target).get(target.policy().health().path());
            JsonNode value = new ObjectMapper().readTree(health.body()).get(field);
            return value != null && value.isValueNode() ? value.asText() : "not published by " + target.policy().health().path();
        } catch (IOException | RuntimeException e) {
            return "unknown (" + target.policy().health().path() + " did not answer JSON)";
        }
    }
}
