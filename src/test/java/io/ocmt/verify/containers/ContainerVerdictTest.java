package io.ocmt.verify.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Policy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerVerdictTest {

    private static final Policy.ContainerPolicy POLICY = new Policy.ContainerPolicy("100m", 2);

    private static ContainerSettings hardened() {
        return new ContainerSettings("ocmt-server", "1000:1000", 1L << 30, 1_000_000_000L, 0,
                List.of("CMD", "true"), "healthy", "json-file", Map.of("max-size", "10m", "max-file", "3"));
    }

    private static ContainerSettings with(String user, long memory, long nanoCpus, long quota, List<String> health, String status,
                                          String driver, Map<String, String> log) {
        return new ContainerSettings("ocmt-server", user, memory, nanoCpus, quota, health, status, driver, log);
    }

    @Test
    void aHardenedContainerPassesEveryCheck() {
        ContainerSettings c = hardened();
        assertThat(ContainerVerdict.nonRoot(c)).isEmpty();
        assertThat(ContainerVerdict.resourceLimits(c)).isEmpty();
        assertThat(ContainerVerdict.healthCheck(c)).isEmpty();
        assertThat(ContainerVerdict.logRotation(c, POLICY)).isEmpty();
    }

    @Test
    void rootInAnySpellingIsRoot() {
        for (String user : List.of("", "0", "root", "0:0", "root:1000")) {
            assertThat(ContainerVerdict.nonRoot(with(user, 1, 1, 0, List.of("CMD", "x"), null, "json-file", Map.of())))
                    .as(user).hasValueSatisfying(f -> assertThat(f.toString()).contains("runs as root"));
        }
        assertThat(ContainerVerdict.nonRoot(with("node", 1, 1, 0, List.of(), null, null, Map.of()))).isEmpty();
        assertThat(ContainerVerdict.nonRoot(with("1000", 1, 1, 0, List.of(), null, null, Map.of()))).isEmpty();
    }

    @Test
    void limitsNeedMemoryAndCpu() {
        assertThat(ContainerVerdict.resourceLimits(with("1", 0, 0, 0, List.of(), null, null, Map.of())))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("neither a memory nor a CPU limit"));
        assertThat(ContainerVerdict.resourceLimits(with("1", 0, 1, 0, List.of(), null, null, Map.of())))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("no memory limit"));
        assertThat(ContainerVerdict.resourceLimits(with("1", 1, 0, -1, List.of(), null, null, Map.of())))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("no CPU limit"));
        assertThat(ContainerVerdict.resourceLimits(with("1", 1, 0, 50000, List.of(), null, null, Map.of()))).isEmpty();
    }

    @Test
    void aHealthCheckMustExistBeOnAndPass() {
        assertThat(ContainerVerdict.healthCheck(with("1", 1, 1, 0, List.of(), null, null, Map.of())))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("it has none"));
        assertThat(ContainerVerdict.healthCheck(with("1", 1, 1, 0, List.of("NONE"), null, null, Map.of())))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("turned off"));
        assertThat(ContainerVerdict.healthCheck(with("1", 1, 1, 0, List.of("CMD", "x"), "unhealthy", null, Map.of())))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("unhealthy"));
        assertThat(ContainerVerdict.healthCheck(with("1", 1, 1, 0, List.of("CMD", "x"), "starting", null, Map.of()))).isEmpty();
    }

    @Test
    void fileLogsMustRotateWithinThePolicy() {
        assertThat(ContainerVerdict.logRotation(with("1", 1, 1, 0, List.of(), null, "json-file", Map.of()), POLICY))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("no max-size"));
        assertThat(ContainerVerdict.logRotation(with("1", 1, 1, 0, List.of(), null, "json-file", Map.of("max-size", "1g", "max-file", "3")), POLICY))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("max-size 1g"));
        assertThat(ContainerVerdict.logRotation(with("1", 1, 1, 0, List.of(), null, "json-file", Map.of("max-size", "100m")), POLICY))
                .hasValueSatisfying(f -> assertThat(f.seen()).contains("max-file (default 1)"));
        assertThat(ContainerVerdict.logRotation(with("1", 1, 1, 0, List.of(), null, "local", Map.of()), POLICY)).isEmpty();
        assertThat(ContainerVerdict.logRotation(with("1", 1, 1, 0, List.of(), null, "journald", Map.of()), POLICY)).isEmpty();
        assertThat(ContainerVerdict.bytes("100m")).isEqualTo(100L * 1024 * 1024);
        assertThat(ContainerVerdict.bytes("1.5k")).isEqualTo(1536);
    }
}
