package io.ocmt.verify.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's request count is in what a release manager signs: an attachment every test of the
 * report carries (Allure has no run-level attachment), the environment widget, and the file beside the
 * HTML report.
 */
class RunFootprintTest {

    @Test
    void theRequestCountIsAttachedToEveryTestOfTheReport(@TempDir Path results, @TempDir Path reports) throws IOException {
        Files.writeString(results.resolve("a1-result.json"), "{\"uuid\":\"a1\",\"name\":\"strictTransportSecurity\",\"status\":\"passed\"}");
        Files.writeString(results.resolve("b2-result.json"), "{\"uuid\":\"b2\",\"name\":\"answers200\",\"status\":\"skipped\"}");
        Files.writeString(results.resolve("environment.properties"), "Environment=production\nRequests.sent=stale\n");
        String count = "Requests sent to the target: 5 (2 GET https /health, 3 GET https /api/auth/me)\n"
                + "Request budget: policy.run.maxRequests is 500 in environment 'production'; sent 5 of 500, none refused.\n";
        String was = System.getProperty("allure.results.directory");
        System.setProperty("allure.results.directory", results.toString());
        try {
            RunFootprint.record("5; per route: 2 GET https /health, 3 GET https /api/auth/me",
                    "Request budget: policy.run.maxRequests is 500", count, "Requests the selected tests send ...\n");
        } finally {
            if (was == null) {
                System.clearProperty("allure.results.directory");
            } else {
                System.setProperty("allure.results.directory", was);
            }
        }

        ObjectMapper json = new ObjectMapper();
        List<Path> containers;
        try (Stream<Path> files = Files.list(results)) {
            containers = files.filter(f -> f.getFileName().toString().endsWith("-container.json")).toList();
        }
        assertThat(containers).hasSize(1);
        JsonNode container = json.readTree(containers.get(0).toFile());
        assertThat(container.get("children")).extracting(JsonNode::asText).containsExactlyInAnyOrder("a1", "b2");
        JsonNode after = container.get("afters").get(0);
        assertThat(after.get("name").asText()).isEqualTo(RunFootprint.FIXTURE);
        assertThat(after.get("status").asText()).isEqualTo("passed");
        JsonNode sent = after.get("attachments").get(0);
        assertThat(sent.get("name").asText()).isEqualTo(RunFootprint.ATTACHMENT);
        assertThat(Files.readString(results.resolve(sent.get("source").asText()))).isEqualTo(count);
        assertThat(after.get("attachments").get(1).get("name").asText()).isEqualTo(RunFootprint.PLAN_ATTACHMENT);

        assertThat(Files.readAllLines(results.resolve("environment.properties"))).containsExactly("Environment=production",
                "Requests.sent=5; per route\\: 2 GET https /health, 3 GET https /api/auth/me",
                "Requests.budget=Request budget\\: policy.run.maxRequests is 500");

        // The build copies it beside the HTML report, after Allure has emptied that directory.
        RunFootprint.main(new String[] {results.resolve(RunFootprint.RESULTS_FILE).toString(), reports.toString()});
        assertThat(Files.readString(reports.resolve(RunFootprint.FILE))).isEqualTo(count);
    }
}
