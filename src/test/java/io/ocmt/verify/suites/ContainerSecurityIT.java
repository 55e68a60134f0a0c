package io.ocmt.verify.suites;

import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.containers.ContainerEngine;
import io.ocmt.verify.containers.ContainerSettings;
import io.ocmt.verify.containers.ContainerVerdict;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checklist "Container Security", judged on the settings Docker holds for each container the grant
 * names, read through a read-only Engine API: the user the process runs as, its memory and CPU
 * limits, its health check, its log rotation. Nothing is exec'd and nothing changed.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.CONTAINER)
@OcmtSuite
@Tag("containers")
@Requires(Grant.CONTAINERS)
@DisplayName("Containers: user, limits, health check, log rotation")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ContainerSecurityIT {

    private final List<ContainerSettings> judged = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();
    private String engineWhere;
    private Policy.ContainerPolicy policy;

    /** One read of every granted container, for all four checks: the settings do not change between them. */
    @BeforeAll
    void readContainers(Target target, Policy policy) {
        this.policy = policy.containers();
        Grants.Containers grant = target.environment().grants().containers();
        if (!grant.granted()) {
            return; // @Requires skips every test, with the key.
        }
        Map<String, String> byId = new LinkedHashMap<>();
        try (ContainerEngine engine = ContainerEngine.connect(grant.engineUrl(), Duration.ofMillis(Math.max(5000, target.readTimeoutMs())))) {
            engineWhere = engine.where();
            for (String label : grant.labels()) {
                var found = engine.withLabel(label);
                if (found.isEmpty()) {
                    unreadable.add("no running container has the label " + label + " (grants.containers.labels)");
                }
                found.forEach(c -> byId.putIfAbsent(c.getId(), label));
            }
            List<String> wanted = new ArrayList<>(grant.names());
            byId.keySet().forEach(wanted::add);
            for (String name : wanted.stream().distinct().toList()) {
                engine.inspect(name).map(ContainerSettings::of).ifPresentOrElse(c -> {
                    if (judged.stream().noneMatch(j -> j.name().equals(c.name()))) {
                        judged.add(c);
                    }
                }, () -> unreadable.add("the engine knows no container " + name + " (grants.containers.names)"));
            }
        } catch (ContainerEngine.EngineException | UncheckedIOException e) {
            unreadable.add(e.getMessage());
        } catch (RuntimeException e) {
            // An engine that cannot be reached (refused, no such socket) leaves every check unjudged, not failed.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            unreadable.add("cannot read the Docker Engine API at " + grant.engineUrl() + " (grants.containers.engineUrl): "
                    + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()));
        }
    }

    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.NON_ROOT)
    @Link(name = "ASVS 4.0.3 V14 Configuration", url = References.ASVS_V14)
    @Description("Every granted container must run as a non-root user (Config.User not empty, 0 or root). " + Remediation.CONTAINERS)
    @Test
    @DisplayName("Containers run as a non-root user")
    void runAsNonRoot() {
        judge(ContainerVerdict::nonRoot);
    }

    @Severity(SeverityLevel.NORMAL)
    @Story(Checklist.RESOURCE_LIMITS)
    @Link(name = "ASVS 4.0.3 V14 Configuration", url = References.ASVS_V14)
    @Description("Every granted container must have a memory limit (HostConfig.Memory) and a CPU limit (NanoCpus or CpuQuota). "
            + Remediation.CONTAINERS)
    @Test
    @DisplayName("Containers have memory and CPU limits")
    void resourceLimits() {
        judge(ContainerVerdict::resourceLimits);
    }

    @Severity(SeverityLevel.NORMAL)
    @Story(Checklist.HEALTH_CHECKS)
    @Link(name = "ASVS 4.0.3 V14 Configuration", url = References.ASVS_V14)
    @Description("Every granted container must have a health check (Config.Healthcheck), and Docker must not report it unhealthy. "
            + Remediation.CONTAINERS)
    @Test
    @DisplayName("Containers have a health check, and it passes")
    void healthChecks() {
        judge(ContainerVerdict::healthCheck);
    }

    @Severity(SeverityLevel.NORMAL)
    @Story(Checklist.LOG_ROTATION)
    @Link(name = "ASVS 4.0.3 V7 Error Handling and Logging", url = References.ASVS_V7)
    @Description("A container logging to a file on the host (json-file, local) must rotate it: max-size at most "
            + "policy.containers.maxLogSize, max-file at least policy.containers.minLogFiles. Drivers that ship the log "
            + "elsewhere pass. " + Remediation.CONTAINERS)
    @Test
    @DisplayName("Container logs are rotated")
    void logRotation() {
        judge(c -> ContainerVerdict.logRotation(c, policy));
    }

    private void judge(Function<ContainerSettings, Optional<Finding>> check) {
        Evidence.attach("Container settings read from " + engineWhere,
                judged.stream().map(ContainerSettings::describe).collect(Collectors.joining("\n"))
                        + (unreadable.isEmpty() ? "" : "\nNot read:\n  " + String.join("\n  ", unreadable)));
        Findings.assertNone(judged.stream().map(check).flatMap(Optional::stream).toList());
        NotVerified.unless(unreadable.isEmpty(), () -> NotVerified.PREFIX + String.join("; ", unreadable)
                + (judged.isEmpty() ? "" : " (the " + judged.size() + " read pass)"));
    }
}
