package io.ocmt.reference;

import java.util.Map;

/** Everything the server reads from its environment, checked once at startup. */
public final class ServerSettings {

    static final int DEFAULT_PORT = 3000;
    static final String DEFAULT_RELEASE = "reference-dev";
    static final String DEFAULT_USER_UI_URL = "https://localhost";
    /** Only ever shown by BREAK_HEALTH=leaky, which exists to leak a secret that looks real. */
    static final String DEFAULT_REDIS_PASSWORD = "s3cr3t-redis-pass";

    private final int port;
    private final String release;
    private final String redisPassword;
    private final Switches switches;
    private final SecurityPolicy policy;

    private ServerSettings(int port, String release, String userUiUrl, String redisPassword, Switches switches) {
        this.port = port;
        this.release = release;
        this.redisPassword = redisPassword;
        this.switches = switches;
        this.policy = SecurityPolicy.of(switches, userUiUrl);
    }

    public static ServerSettings fromEnvironment(Map<String, String> env) {
        return new ServerSettings(
                port(env.get("PORT")),
                orDefault(env.get("RELEASE"), DEFAULT_RELEASE),
                orDefault(env.get("USER_UI_URL"), DEFAULT_USER_UI_URL),
                orDefault(env.get("REDIS_PASSWORD"), DEFAULT_REDIS_PASSWORD),
                Switches.fromEnvironment(env));
    }

    /** For tests: an ephemeral port and the given switches, everything else at its default. */
    public static ServerSettings forTest(Switches switches) {
        return new ServerSettings(0, DEFAULT_RELEASE, DEFAULT_USER_UI_URL, DEFAULT_REDIS_PASSWORD, switches);
    }

    public int port() {
        return port;
    }

    public String release() {
        return release;
    }

    public String redisPassword() {
        return redisPassword;
    }

    public Switches switches() {
        return switches;
    }

    public SecurityPolicy policy() {
        return policy;
    }

    private static int port(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(raw.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the offending value
        }
        throw new ConfigurationException("PORT must be a number from 1 to 65535; got: " + raw);
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
