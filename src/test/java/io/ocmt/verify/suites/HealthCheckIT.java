package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.about;
import static io.ocmt.verify.report.Findings.assertNone;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.health.HealthCheck;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Finding;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checklist "Container Security: Enable health checks" and "Quick Reference: Test health endpoint":
 * the public health endpoint answers 200 with JSON and discloses nothing an attacker can use.
 */
@OcmtSuite
@Tag("health")
@DisplayName("Health endpoint")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class HealthCheckIT {

    private List<Finding> findings;

    @BeforeAll
    void fetchHealth(Http http, Policy policy) {
        findings = HealthCheck.judge(http.get(policy.health().path()), policy.health());
    }

    @Test
    @DisplayName("Answers 200")
    void answers200() {
        assertNone(about(findings, HealthCheck.STATUS::equals));
    }

    @Test
    @DisplayName("Answers a JSON object")
    void answersJson() {
        assertNone(about(findings, HealthCheck.JSON::equals));
    }

    @Test
    @DisplayName("Discloses no credentials, keys or connection strings")
    void disclosesNoSecrets() {
        assertNone(about(findings, HealthCheck.SECRETS::equals));
    }

    @Test
    @DisplayName("Discloses no software versions")
    void disclosesNoVersions() {
        assertNone(about(findings, HealthCheck.VERSIONS::equals));
    }
}
