package io.ocmt.verify.config;

import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.tls.TlsSockets;
import io.ocmt.verify.tls.Trust;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@link Environment} into a reachable, trusted {@link Target}: derives the addresses
 * (from the file, from a running reference stack, or by starting one) and checks once that the
 * target answers and that its certificate is trusted, so an unreachable target is one clear
 * message instead of one time-out per test.
 */
public final class Targets {

    private static final Logger LOG = LoggerFactory.getLogger(Targets.class);

    private Targets() {
    }

    /** A target and whatever must be closed when the run is over (an embedded stack). */
    public record Opened(Target target, AutoCloseable resource) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            resource.close();
        }
    }

    /** {@code -Docmt.suite.version}: the suite's version, which names the release the reference stack it starts reports. */
    public static final String SUITE_VERSION = "ocmt.suite.version";

    /**
     * The release the reference stack's servers report in /health (their {@code RELEASE}): the suite's
     * own version, so the preflight knows it before the stack runs.
     */
    public static String referenceStackRelease() {
        return "reference-" + System.getProperty(SUITE_VERSION, "dev");
    }

    public static Opened open(Environment env, Set<String> switches, Path projectDir) {
        return open(env, switches, projectDir, Map.of());
    }

    /**
     * @param overrides {@code ocmt.<key>} to value over this JVM's system properties (see
     *                  {@link Environments#fromSystem(Map)}); an embedded stack is started for them,
     *                  never a running one reused
     */
    public static Opened open(Environment env, Set<String> switches, Path projectDir, Map<String, String> overrides) {
        if (!env.target().embedded()) {
            if (!switches.isEmpty()) {
                throw new ConfigException("Switches " + switches + " break the embedded reference stack; environment '"
                        + env.name() + "' is a real deployment. Fix: run self-tests with -Denv=reference.");
            }
            Target target = fromFile(env);
            check(target);
            Preflight.requireExpectedRelease(target);
            return new Opened(target, () -> { });
        }
        if (switches.isEmpty() && overrides.isEmpty()) {
            var running = StackEndpoints.readRunning(projectDir);
            if (running.isPresent()) {
                Target target = embedded(env, running.get(), Map.of());
                try {
                    check(target);
                    LOG.info("{}", Redactor.text("Reusing the running reference stack at " + target.httpsUrl()
                            + (running.get().switches().isEmpty() ? "" : " (started broken: " + running.get().switches() + ")")));
                } catch (ConfigException stale) {
                    LOG.warn("{}", Redactor.text(StackEndpoints.runningFile(projectDir) + " names a stack that does not answer ("
                            + stale.getMessage() + "); starting a new one."));
                    target = null;
                }
                if (target != null) {
                    // Outside the catch: a stack that answers with another release is not stale, it is the wrong one.
                    Preflight.requireExpectedRelease(target);
                    return new Opened(target, () -> { });
                }
            }
        }
        EmbeddedStack stack = factory().start(env, switches, projectDir);
        try {
            Target target = embedded(env, stack.endpoints(), stack.secrets(), overrides);
            check(target);
            // The embedded stack's release is known only now that it runs: a mismatch fails every test with this one line.
            Preflight.requireExpectedRelease(target);
            return new Opened(target, stack::close);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public static Target fromFile(Environment env) {
        TargetConfig t = env.target();
        Secrets secrets = new Secrets(env, System::getenv, Map.of());
        secrets.requireAll();
        return new Target(env, URI.create(t.httpsUrl()), URI.create(t.httpUrl()), t.tlsHost(), t.tlsPort(),
                Trust.of(t.trust(), null), secrets, Set.of());
    }

    public static Target embedded(Environment file, StackEndpoints endpoints, Map<String, String> provided) {
        return embedded(file, endpoints, provided, Map.of());
    }

    private static Target embedded(Environment file, StackEndpoints endpoints, Map<String, String> provided, Map<String, String> overrides) {
        // Reloaded with what the stack derived (its mapped ports, the grants it offers), in the one key space.
        Environment env = Environments.load(file.name(), file.file().getParent().getParent(), System.getenv(),
                Environments.withOverrides(overrides), endpoints.settings());
        Secrets secrets = new Secrets(env, System::getenv, provided);
        return new Target(env, URI.create(endpoints.httpsUrl()), URI.create(endpoints.httpUrl()),
                endpoints.tlsHost(), endpoints.tlsPort(), Trust.caFile(endpoints.caPem()), secrets, endpoints.switches());
    }

    static EmbeddedStack.Factory factory() {
        List<EmbeddedStack.Factory> found = ServiceLoader.load(EmbeddedStack.Factory.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        if (found.isEmpty()) {
            throw new ConfigException("The environment asks for the embedded reference stack, but it is not on the classpath."
                    + " Fix: run through Maven (./mvnw verify), which puts it there.");
        }
        return found.get(0);
    }

    /** The target answers on HTTPS with a certificate the trust accepts for its host name, and on plain HTTP. */
    public static void check(Target target) {
        String where = target.tlsHost() + ":" + target.tlsPort();
        try (SSLSocket ignored = TlsSockets.open(target.trust().sslContext().getSocketFactory(), target.tlsHost(),
                target.tlsPort(), target.connectTimeoutMs(), target.readTimeoutMs(), true)) {
            // Trusted for its host name: the handshake checked both, exactly as an HTTPS client does.
        } catch (TlsSockets.NotConnected e) {
            throw unreachable(target.httpsUrl().toString(), target.tlsHost(), target.tlsPort(), target.connectTimeoutMs(),
                    e.getCause());
        } catch (SSLHandshakeException e) {
            throw untrusted(target, where, e);
        } catch (SocketTimeoutException e) {
            throw new ConfigException("Target " + target.httpsUrl() + " accepted a connection but no TLS handshake finished within "
                    + target.readTimeoutMs() + " ms. Fix: check that " + where + " speaks TLS (target.tlsHost, target.tlsPort).", e);
        } catch (IOException e) {
            throw new ConfigException("TLS handshake with " + where + " failed: " + e.getMessage()
                    + ". Fix: check that " + target.httpsUrl() + " is the HTTPS address of the target.", e);
        }
        URI http = target.httpUrl();
        int port = http.getPort() > 0 ? http.getPort() : 80;
        try (Socket ignored = connect(http.getHost(), port, target.connectTimeoutMs(), http.toString())) {
            // Reachable: the redirect suite judges what it answers.
        } catch (IOException e) {
            throw new ConfigException("Plain-HTTP address " + http + " failed: " + e.getMessage(), e);
        }
    }

    private static Socket connect(String host, int port, int timeoutMs, String url) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            return socket;
        } catch (IOException e) {
            close(socket);
            throw unreachable(url, host, port, timeoutMs, e);
        }
    }

    private static ConfigException unreachable(String url, String host, int port, int timeoutMs, IOException e) {
        if (e instanceof UnknownHostException) {
            return new ConfigException("Target " + url + " is unreachable: host " + host
                    + " does not resolve. Fix: check target.* in the environment file and DNS.", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new ConfigException("Target " + url + " is unreachable: no answer from " + host + ":" + port + " within "
                    + timeoutMs + " ms. Fix: check the address and that this machine may reach it (firewall, VPN).", e);
        }
        return new ConfigException("Target " + url + " is unreachable: " + host + ":" + port + " " + e.getMessage()
                + ". Fix: check that the target is up and the address in the environment file is right.", e);
    }

    private static ConfigException untrusted(Target target, String where, SSLHandshakeException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String reason = root.getMessage() == null ? e.getMessage() : root.getMessage();
        boolean hostname = root instanceof CertificateException && reason != null && reason.contains("match");
        String fix = hostname
                ? "Fix: target.tlsHost must be a name the certificate is issued for."
                : "Fix: set target.trust to the CA that issued it (trust.type: ca-file, trust.caFile: <pem>), or install a certificate from a trusted CA.";
        return new ConfigException("The certificate of " + where + " is not trusted by " + target.trust().description()
                + ": " + reason + ". " + fix, e);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing a socket that never connected has nothing left to report.
        }
    }
}
