package io.ocmt.verify.tls.probe;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the {@code openssl} command line for the end-to-end tests: throwaway certificates, a local
 * {@code s_server} on 127.0.0.1, and {@code openssl ciphers}, whose answer is the expected result.
 *
 * <p>Every command runs with OPENSSL_CONF pointing at an empty file, so a distribution's system
 * policy (Debian raises the security level) cannot change what the server accepts behind the
 * test's back.
 */
final class OpenSsl {

    static final String MISSING = "openssl is not on PATH: the end-to-end tests run a local openssl s_server";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** Servers a crashed or killed test run left behind are ended with the JVM. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }
    private static Boolean available;

    private OpenSsl() {
    }

    static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
                available = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        return available;
    }

    static void assumeAvailable() {
        Assumptions.assumeTrue(available(), MISSING);
    }

    /** Runs openssl with the arguments in dir; returns stdout, fails on a non-zero exit. */
    static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "openssl", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        environment(pb.environment(), dir);
        Process p = pb.start();
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl did not finish in " + COMMAND_TIMEOUT + ": " + command);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("openssl exited " + p.exitValue() + ": " + command + "\n" + output);
        }
        return output;
    }

    private static void environment(Map<String, String> env, Path dir) throws IOException {
        Path conf = dir.resolve("empty-openssl.cnf");
        if (!Files.exists(conf)) {
            Files.writeString(conf, "# empty on purpose: no system-wide policy\n");
        }
        env.put("OPENSSL_CONF", conf.toString());
    }

    static boolean legacyProviderAvailable(Path dir) {
        try {
            run(dir, "list", "-providers", "-provider", "legacy");
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A self-signed RSA-2048 and an ECDSA P-256 certificate with keys in dir. */
    record Credentials(Path rsaCert, Path rsaKey, Path ecCert, Path ecKey) {
    }

    static Credentials credentials(Path dir) throws IOException, InterruptedException {
        Credentials c = new Credentials(dir.resolve("rsa.crt"), dir.resolve("rsa.key"),
                dir.resolve("ec.crt"), dir.resolve("ec.key"));
        run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-keyout", c.rsaKey().toString(), "-out", c.rsaCert().toString());
        run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-keyout", c.ecKey().toString(), "-out", c.ecCert().toString());
        return c;
    }

    /** One line of {@code openssl ciphers -V -stdname}. */
    record Cipher(int code, String ianaName, String opensslName, String protocol, String kx, String au) {
    }

    private static final Pattern CIPHER_LINE = Pattern.compile(
            "\\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\\S+)\\s+- (\\S+)\\s+(\\S+)\\s+Kx=(\\S+)\\s+Au=(\\S+).*");

    /** {@code openssl ciphers -V -stdname <args>}, parsed. */
    static List<Cipher> ciphers(Path dir, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("ciphers", "-V", "-stdname"));
        all.addAll(List.of(args));
        List<Cipher> out = new ArrayList<>();
        for (String line : run(dir, all.toArray(String[]::new)).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = CIPHER_LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("unexpected openssl ciphers line: " + line);
            }
            int code = Integer.parseInt(m.group(1) + m.group(2), 16);
            String protocol = m.group(5).equals("TLSv1") ? "TLSv1.0" : m.group(5);
            out.add(new Cipher(code, m.group(3), m.group(4), protocol, m.group(6), m.group(7)));
        }
        return out;
    }

    /** A running {@code openssl s_server}; close() ends it. */
    static final class Server implements AutoCloseable {
        private final Process process;
        private final int port;
        private final Path log;

        private Server(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        int port() {
            return port;
        }

        String log() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            RUNNING.remove(process);
        }
    }

    /**
     * Starts {@code openssl s_server -accept 127.0.0.1:<free port> <args>} and returns once it
     * accepts TCP connections.
     */
    static Server startServer(Path dir, List<String> args) throws IOException {
        int port = freeLoopbackPort();
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-quiet"));
        command.addAll(args);
        Path log = Files.createTempFile(dir, "s_server", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb.environment(), dir);
        // stdin stays an open pipe: s_server stops when its stdin ends.
        Process process = pb.start();
        RUNNING.add(process);
        Server server = new Server(process, port, log);
        try {
            Awaitility.await("openssl s_server on 127.0.0.1:" + port)
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("openssl s_server exited with " + process.exitValue()
                                    + ": " + String.join(" ", command) + "\n" + server.log());
                        }
                        return accepts(port);
                    });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
