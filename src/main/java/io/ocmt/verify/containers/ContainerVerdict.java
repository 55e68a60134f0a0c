package io.ocmt.verify.containers;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.report.Finding;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The checklist's container items, judged on one container's settings: each returns what is wrong, if anything. */
public final class ContainerVerdict {

    /** Drivers that keep the log in a file on the host, which must then be rotated. */
    private static final Set<String> FILE_DRIVERS = Set.of("json-file", "local");

    private ContainerVerdict() {
    }

    public static Optional<Finding> nonRoot(ContainerSettings c) {
        String user = c.user().trim();
        String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        if (name.isEmpty() || name.equals("0") || name.equals("root")) {
            return Optional.of(new Finding("Run containers as non-root", "container " + c.name(), "Config.User a non-root user (checklist: \"1000:1000\")",
                    "it runs as root (Config.User " + (user.isEmpty() ? "empty, the image's default root" : "\"" + user + "\"")
                    + "): a process escaping the application owns the container"));
        }
        return Optional.empty();
    }

    public static Optional<Finding> resourceLimits(ContainerSettings c) {
        boolean memory = c.memory() > 0;
        boolean cpu = c.nanoCpus() > 0 || c.cpuQuota() > 0;
        if (memory && cpu) {
            return Optional.empty();
        }
        String missing = !memory && !cpu ? "neither a memory nor a CPU limit" : !memory ? "no memory limit (HostConfig.Memory 0)"
                : "no CPU limit (HostConfig.NanoCpus and CpuQuota 0)";
        return Optional.of(new Finding("Set resource limits", "container " + c.name(),
                "a memory limit and a CPU limit (checklist: memory 2G, cpus 2.0)",
                "it has " + missing + ": one container can starve the host and every tenant on it"));
    }

    public static Optional<Finding> healthCheck(ContainerSettings c) {
        List<String> test = c.healthcheck();
        if (test.isEmpty() || test.get(0).equalsIgnoreCase("NONE")) {
            return Optional.of(new Finding("Enable health checks", "container " + c.name(), "a health check (Config.Healthcheck)",
                    test.isEmpty() ? "it has none: Docker never notices the application hanging" : "its health check is turned off (NONE)"));
        }
        if ("unhealthy".equals(c.healthStatus())) {
            return Optional.of(new Finding("Enable health checks", "container " + c.name(), "its health check passing",
                    "Docker reports it unhealthy (" + test + ")"));
        }
        return Optional.empty();
    }

    public static Optional<Finding> logRotation(ContainerSettings c, Policy.ContainerPolicy policy) {
        String driver = c.logDriver() == null ? "json-file" : c.logDriver();
        if (!FILE_DRIVERS.contains(driver)) {
            // The log leaves the host (syslog, journald, fluentd, a cloud driver): rotation is the receiver's.
            return Optional.empty();
        }
        long limit = bytes(policy.maxLogSize());
        String size = c.logOptions().get("max-size");
        String files = c.logOptions().get("max-file");
        String expected = "log rotation: max-size at most " + policy.maxLogSize() + " and max-file at least " + policy.minLogFiles()
                + " (checklist: json-file, max-size 100m, max-file 3)";
        if (driver.equals("json-file") && size == null) {
            return Optional.of(new Finding("Configure log rotation", "container " + c.name(), expected,
                    "its json-file log has no max-size: it grows until the disk is full"));
        }
        // The local driver rotates by default: 20m per file, 5 files.
        long sizeBytes = size == null ? bytes("20m") : bytes(size);
        int fileCount = files == null ? (driver.equals("local") ? 5 : 1) : parseInt(files);
        if (sizeBytes <= 0 || sizeBytes > limit || fileCount < policy.minLogFiles()) {
            return Optional.of(new Finding("Configure log rotation", "container " + c.name(), expected,
                    "its " + driver + " log has max-size " + (size == null ? "(default)" : size) + " and max-file "
                    + (files == null ? "(default " + fileCount + ")" : files)));
        }
        return Optional.empty();
    }

    /** Docker's sizes: a number with an optional k, m or g (kilo, mega, giga as 1024 powers). */
    static long bytes(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT).replaceFirst("b$", "");
        long unit = 1;
        if (s.endsWith("k")) {
            unit = 1024;
        } else if (s.endsWith("m")) {
            unit = 1024 * 1024;
        } else if (s.endsWith("g")) {
            unit = 1024L * 1024 * 1024;
        }
        if (unit > 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            return (long) (Double.parseDouble(s) * unit);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
