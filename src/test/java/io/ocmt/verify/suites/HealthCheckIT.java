package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.about;
import static io.ocmt.verify.report.Findings.assertNone;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.health.HealthCheck;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.References;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checklist "Container Security: Enable health checks" and "Quick Reference: Test health endpoint":
 * the public health endpoint answers 200 with JSON and discloses nothing an attacker can use.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.CONTAINER)
@Story(Checklist.HEALTH_CHECKS)
@OcmtSuite
@Tag("health")
@DisplayName("Health endpoint")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class HealthCheckIT {

    private List<Finding> findings;
    private Exchange health;

    @BeforeAll
    void fetchHealth(Http http, Policy policy) {
        health = http.get(policy.health().path());
        findings = HealthCheck.judge(health, policy.health());
    }

    /** Each test shows the one answer they all judge, fetched before them. */
    @BeforeEach
    void showTheAnswerJudged() {
        Evidence.attach("Answer judged", "text/plain", health.asEvidence(), ".txt");
    }

    @Severity(SeverityLevel.MINOR)
    @Description("GET /health must answer 200, or orchestrator health checks restart a working container. Fix: the "
            + "route must not depend on anything that can be down, or the container is unhealthy for a reason its "
            + "log names.")
    @Test
    @DisplayName("Answers 200")
    void answers200() {
        assertNone(about(findings, HealthCheck.STATUS::equals));
    }

    @Severity(SeverityLevel.MINOR)
    @Description("GET /health must answer a JSON object (OCMT: {\"status\":\"ok\",...}); text means another service or "
            + "a proxy page answers. Fix: route /health to the management server.")
    @Test
    @DisplayName("Answers a JSON object")
    void answersJson() {
        assertNone(about(findings, HealthCheck.JSON::equals));
    }

    @Severity(SeverityLevel.BLOCKER)
    @Link(name = "ASVS 4.0.3 V14.3 Unintended Security Disclosure", url = References.ASVS_V14)
    @Description("The public /health body must hold no credentials, keys or connection strings. Fix: report only "
            + "status fields (never REDIS_URL, DATABASE_URL or tokens), then rotate whatever it showed.")
    @Test
    @DisplayName("Discloses no credentials, keys or connection strings")
    void disclosesNoSecrets() {
        assertNone(about(findings, HealthCheck.SECRETS::equals));
    }

    @Severity(SeverityLevel.NORMAL)
    @Link(name = "ASVS 4.0.3 V14.3.3", url = References.ASVS_V14)
    @Description("The public /health body must not name software versions (Node, Express, PostgreSQL…). Fix: drop "
            + "version fields from the health answer; keep the release under policy.health.releaseField only.")
    @Test
    @DisplayName("Discloses no software versions")
    void disclosesNoVersions() {
        assertNone(about(findings, HealthCheck.VERSIONS::equals));
    }
}
