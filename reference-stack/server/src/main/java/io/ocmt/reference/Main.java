package io.ocmt.reference;

import io.ocmt.reference.api.ApiModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the reference server image. */
public final class Main {

    /** Printed once the port is bound; the test harness waits for this exact line. */
    static final String READY_LINE = "OCMT reference server listening on ";

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        ServerSettings settings;
        ReferenceServer server;
        ApiModule api = null;
        try {
            settings = ServerSettings.fromEnvironment(System.getenv());
            LOG.info("Release {}; switches: {}", settings.release(), settings.switches().describe());
            api = ApiModule.fromEnvironment(System.getenv(), settings.switches()).orElse(null);
            if (api != null) {
                api.start();
            }
            // Components read their own variables (rate limits, trusted proxies) while the server is built.
            server = new ReferenceServer(settings, api);
        } catch (ConfigurationException e) {
            // A misconfigured reference server must not come up looking hardened (or broken).
            System.err.println("OCMT reference server refused to start: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IllegalStateException e) {
            // The database did not come up in time, or the schema could not be created.
            System.err.println("OCMT reference server could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        int port = server.start();
        ApiModule started = api;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            if (started != null) {
                started.close();
            }
        }, "shutdown"));
        System.out.println(READY_LINE + port);
    }
}
