package io.ocmt.verify.containers;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few settings of a container the checklist speaks of, copied out of the Engine's answer. The
 * answer itself is never kept or shown: its {@code Config.Env} holds the container's secrets.
 *
 * @param user         Config.User ("" = the image's default, root unless the image says otherwise)
 * @param memory       HostConfig.Memory in bytes, 0 = unlimited
 * @param nanoCpus     HostConfig.NanoCpus, 0 = unlimited
 * @param cpuQuota     HostConfig.CpuQuota (µs per CpuPeriod), 0 or -1 = unlimited
 * @param healthcheck  Config.Healthcheck.Test, empty when none is configured
 * @param healthStatus State.Health.Status (starting, healthy, unhealthy), null without a health check
 * @param logDriver    HostConfig.LogConfig.Type
 * @param logOptions   HostConfig.LogConfig.Config
 */
public record ContainerSettings(String name, String user, long memory, long nanoCpus, long cpuQuota, List<String> healthcheck,
                                String healthStatus, String logDriver, Map<String, String> logOptions) {

    public static ContainerSettings of(InspectContainerResponse c) {
        HostConfig host = c.getHostConfig();
        HealthCheck health = c.getConfig() == null ? null : c.getConfig().getHealthcheck();
        LogConfig log = host == null ? null : host.getLogConfig();
        String status = c.getState() == null || c.getState().getHealth() == null ? null : c.getState().getHealth().getStatus();
        return new ContainerSettings(
                c.getName() == null ? c.getId() : c.getName().replaceFirst("^/", ""),
                c.getConfig() == null || c.getConfig().getUser() == null ? "" : c.getConfig().getUser(),
                host == null || host.getMemory() == null ? 0 : host.getMemory(),
                host == null || host.getNanoCPUs() == null ? 0 : host.getNanoCPUs(),
                host == null || host.getCpuQuota() == null ? 0 : host.getCpuQuota(),
                health == null || health.getTest() == null ? List.of() : List.copyOf(health.getTest()),
                status,
                log == null || log.getType() == null ? null : log.getType().getType(),
                log == null || log.getConfig() == null ? Map.of() : Map.copyOf(log.getConfig()));
    }

    /** What the report shows of this container: only these settings, never its environment. */
    public String describe() {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("Config.User", user.isEmpty() ? "(empty: the image's user)" : user);
        shown.put("HostConfig.Memory", memory);
        shown.put("HostConfig.NanoCpus", nanoCpus);
        shown.put("HostConfig.CpuQuota", cpuQuota);
        shown.put("Config.Healthcheck.Test", healthcheck.isEmpty() ? "(none)" : healthcheck);
        shown.put("State.Health.Status", healthStatus);
        shown.put("HostConfig.LogConfig", logDriver + " " + logOptions);
        StringBuilder out = new StringBuilder(name).append('\n');
        shown.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
        return out.toString();
    }
}
