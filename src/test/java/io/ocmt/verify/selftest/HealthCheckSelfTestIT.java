package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: health checks fail when /health leaks or is not JSON")
class HealthCheckSelfTestIT {

    private static final Class<?> SUITE = io.ocmt.verify.suites.HealthCheckIT.class;

    @Test
    void leakyHealthNamesTheSecretAndTheVersions() {
        assertThat(run(SUITE, "health-leaky")).failedOnly("disclosesNoSecrets", "disclosesNoVersions")
                .withMessage("disclosesNoSecrets", "redisUrl", "<redacted>")
                .withMessage("disclosesNoVersions", "node", "20.11.1");
    }

    @Test
    void plainTextHealth() {
        assertThat(run(SUITE, "health-text")).failedOnly("answersJson")
                .withMessage("answersJson", "application/json", "text/plain");
    }
}
