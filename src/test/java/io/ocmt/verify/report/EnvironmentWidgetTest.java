package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The widget's lines for overrides: one per key, with what it replaced and what set it. */
class EnvironmentWidgetTest {

    private static Environment reference(Map<String, String> variables, Map<String, String> properties) {
        return Environments.load("reference", Path.of("").toAbsolutePath(), variables, properties);
    }

    @Test
    void noOverrideIsOneLineSayingSo() {
        assertThat(EnvironmentWidget.overrides(reference(Map.of(), Map.of()))).containsExactly(Map.entry("Overrides", "none"));
    }

    @Test
    void eachOverriddenKeyIsOneLineAndTheOneThatWonComesFirst() {
        Map<String, String> lines = EnvironmentWidget.overrides(reference(
                Map.of("OCMT_POLICY_HEADERS_HSTS_MINMAXAGE", "100"),
                Map.of("ocmt.policy.headers.hsts.minMaxAge", "200", "ocmt.policy.run.allowUnverified", "[ratelimit]")));
        assertThat(lines).containsExactly(
                Map.entry("Override.policy.headers.hsts.minMaxAge", "200 (was 100; system property -Docmt.policy.headers.hsts.minMaxAge),"
                        + " over 100 (was 31536000; environment variable OCMT_POLICY_HEADERS_HSTS_MINMAXAGE)"),
                Map.entry("Override.policy.run.allowUnverified", "[\"ratelimit\"] (was []; system property -Docmt.policy.run.allowUnverified)"));
    }

    @Test
    void whatTheRunMayLeaveNotVerifiedIsNamed() {
        assertThat(EffectivePolicy.unverifiedAllowed(reference(Map.of(), Map.of()))).isEqualTo("none (policy.run.allowUnverified is empty)");
        assertThat(EffectivePolicy.unverifiedAllowed(reference(Map.of(), Map.of("ocmt.policy.run.allowUnverified", "[ratelimit, backup]"))))
                .isEqualTo("tags ratelimit, backup (policy.run.allowUnverified)");
        assertThat(EffectivePolicy.unverifiedAllowed(reference(Map.of(), Map.of("ocmt.policy.run.notApplicable",
                "{pairing-mode: no messaging channels, admin-ip-allowlist: no admin API}"))))
                .isEqualTo("none (policy.run.allowUnverified is empty); the checks of items declared not applicable: admin-ip-allowlist,"
                        + " pairing-mode (policy.run.notApplicable)");
    }
}
