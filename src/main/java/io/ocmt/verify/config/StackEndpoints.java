package io.ocmt.verify.config;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where an embedded stack can be reached: what {@code scripts/reference-stack up} writes to
 * {@code target/reference-stack.env} as KEY=VALUE lines, and what a suite run reads back to reuse a
 * stack that is already running instead of starting a second one.
 *
 * @param switches the controls this stack was started with broken; empty for a hardened stack
 */
public record StackEndpoints(String httpsUrl, String httpUrl, String tlsHost, int tlsPort, Path caPem,
                             Set<String> switches, Map<String, String> settings) {
    // settings: by configuration key (grants.mailbox.port) or by its variable name (OCMT_GRANTS_MAILBOX_PORT).

    /**
     * Derived settings are written under their environment-variable names
     * ({@code OCMT_GRANTS_MAILBOX_PORT=31443}), so the file stays a shell-sourceable KEY=VALUE list.
     */
    private static final String SETTING = "OCMT_";

    public static Path runningFile(Path projectDir) {
        return projectDir.resolve("target").resolve("reference-stack.env");
    }

    public String toEnvFile() {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by scripts/reference-stack up; removed by scripts/reference-stack down.");
        lines.add("HTTPS_URL=" + httpsUrl);
        lines.add("HTTP_URL=" + httpUrl);
        lines.add("TLS_HOST=" + tlsHost);
        lines.add("TLS_PORT=" + tlsPort);
        lines.add("CA_PEM=" + caPem.toAbsolutePath());
        lines.add("SWITCHES=" + String.join(",", switches));
        settings.forEach((k, v) -> lines.add(io.ocmt.verify.config.internal.Overrides.variableName(k) + "=" + v));
        return String.join("\n", lines) + "\n";
    }

    /** The stack recorded as running, if the file is there and complete. Whether it answers is the caller's question. */
    public static Optional<StackEndpoints> readRunning(Path projectDir) {
        Path file = runningFile(projectDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Set<String> switches = new TreeSet<>();
            for (String s : p.getProperty("SWITCHES", "").split(",")) {
                if (!s.isBlank()) {
                    switches.add(s.trim());
                }
            }
            return Optional.of(new StackEndpoints(
                    require(p, "HTTPS_URL"), require(p, "HTTP_URL"), require(p, "TLS_HOST"),
                    Integer.parseInt(require(p, "TLS_PORT")), Path.of(require(p, "CA_PEM")), switches,
                    p.stringPropertyNames().stream().filter(k -> k.startsWith(SETTING))
                            .collect(java.util.stream.Collectors.toMap(k -> k, p::getProperty))));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + " is incomplete (" + e.getMessage()
                    + "). Fix: scripts/reference-stack down, then up again, or delete the file.");
        }
    }

    private static String require(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("no " + key);
        }
        return v.trim();
    }
}
