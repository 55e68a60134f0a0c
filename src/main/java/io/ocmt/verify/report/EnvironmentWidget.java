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
        String expected = System.getProperty(RunVerdict.EXPECT_RELEASE, "").strip();
        if (!expected.isEmpty()) {
            // The target was only opened because /health reported this release (config.Preflight).
            values.put("Target.release.expected", expected + " (-D" + RunVerdict.EXPECT_RELEASE + ", checked when the target was opened)");
        }
        values.put("Trust", target.trust().description());
        values.put("Suite.version", System.getProperty("ocmt.suite.version", "dev"));
        values.put("Java", System.getProperty("java.version"));
        if (!target.switches().isEmpty()) {
            values.put("Broken.controls", String.join(",", target.switches()));
        }
        // Whatever the run was told from outside the environment file, so a weakened threshold shows here.
        values.putAll(overrides(target.environment()));
        values.put("Not.verified.allowed", EffectivePolicy.unverifiedAllowed(target.environment()));
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

    /**
     * One line per key set by {@code -Docmt.<key>} or {@code OCMT_<KEY>}: {@code Override.<key>} = the value,
     * what it replaced and what set it; {@code Overrides=none} where nothing was. A key set twice (a
     * variable, then a system property) shows the one that won and, in the source, that it replaced the other.
     */
    static Map<String, String> overrides(io.ocmt.verify.config.Environment env) {
        Map<String, String> lines = new LinkedHashMap<>();
        if (env.overrides().isEmpty()) {
            lines.put("Overrides", "none");
        }
        env.overrides().forEach(o -> lines.merge("Override." + o.key(), o.value() + " (" + (o.changed() ? "was " + o.was() : "unchanged")
                + "; " + o.source() + ")", (first, second) -> second + ", over " + first));
        return lines;
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
