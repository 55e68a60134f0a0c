package io.ocmt.verify.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Policy.HealthPolicy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

    private static final HealthPolicy POLICY = new HealthPolicy("/health", "release");

    private static List<Finding> judge(int status, String contentType, String body) {
        return HealthCheck.judge(new Exchange("GET", "https://ocmt.test/health", status,
                Map.of("Content-Type", List.of(contentType)), body), POLICY);
    }

    @Test
    void ocmtsOwnHealthPasses() {
        assertThat(judge(200, "application/json; charset=utf-8",
                "{\"status\":\"ok\",\"relay\":{\"connected\":true,\"clients\":3},\"release\":\"2026.11.28-1\"}")).isEmpty();
    }

    @Test
    void statusAndContentTypeAreJudged() {
        assertThat(judge(503, "text/plain", "OK")).extracting(Finding::control)
                .containsExactlyInAnyOrder(HealthCheck.STATUS, HealthCheck.JSON, HealthCheck.JSON);
    }

    @Test
    void secretsAreFoundByNameAndByShapeButNeverShown() {
        List<Finding> findings = judge(200, "application/json",
                "{\"status\":\"ok\",\"redisUrl\":\"redis://:hunter2hunter2@redis:6379\",\"db\":{\"url\":\"postgresql://ocmt:pw123456@db/ocmt\"},"
                        + "\"id\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}");
        assertThat(findings).extracting(Finding::control).containsOnly(HealthCheck.SECRETS).hasSize(3);
        assertThat(findings.toString()).doesNotContain("hunter2", "pw123456", "9f86d081");
    }

    @Test
    void versionsAreFoundByKeyAndByProductName() {
        List<Finding> findings = judge(200, "application/json",
                "{\"status\":\"ok\",\"versions\":{\"node\":\"v20.11.1\",\"express\":\"4.18.2\"},\"server\":\"nginx/1.22.1\"}");
        assertThat(findings).extracting(Finding::control).containsOnly(HealthCheck.VERSIONS).hasSize(3);
        assertThat(findings.toString()).contains("v20.11.1", "4.18.2", "nginx/1.22.1");
    }

    @Test
    void theDeclaredReleaseFieldIsNotABanner() {
        assertThat(judge(200, "application/json", "{\"status\":\"ok\",\"release\":\"1.4.2\"}")).isEmpty();
        assertThat(judge(200, "application/json", "{\"status\":\"ok\",\"version\":\"1.4.2\"}"))
                .extracting(Finding::control).containsExactly(HealthCheck.VERSIONS);
    }
}
