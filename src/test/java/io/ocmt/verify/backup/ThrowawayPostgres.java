package io.ocmt.verify.backup;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.ocmt.verify.docker.LocalImage;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

/**
 * An empty PostgreSQL in a container of its own, built from {@code src/test/docker/restore-postgres}
 * (the suite's image, not the reference stack's), published on loopback only and removed on close.
 * What a backup restores into: it holds nothing the backup does not bring.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    public static final String USER = "restore";
    public static final String DATABASE = "postgres";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** psql's outcome: what it printed on stderr (redacted), and whether it succeeded. */
    public record Outcome(boolean ok, String stderr) {
    }

    private final GenericContainer<?> container;
    private final String password;

    private ThrowawayPostgres(GenericContainer<?> container, String password) {
        this.container = container;
        this.password = password;
    }

    public static ThrowawayPostgres start(Path projectDir, Duration startup) {
        String image = LocalImage.build("ocmt-verify/restore-postgres", projectDir.resolve("src/test/docker/restore-postgres"), Map.of())
                .join();
        byte[] pw = new byte[16];
        RANDOM.nextBytes(pw);
        String password = HexFormat.of().formatHex(pw);
        Redactor.registerSecret(password);
        GenericContainer<?> c = new GenericContainer<>(image)
                .withEnv("RESTORE_USER", USER)
                .withEnv("RESTORE_PASSWORD", password)
                .withExposedPorts(5432)
                .withLabel("io.ocmt.verify.restore", "throwaway")
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(5432))))
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 1).withStartupTimeout(startup));
        try {
            c.start();
        } catch (RuntimeException e) {
            c.stop();
            throw e;
        }
        return new ThrowawayPostgres(c, password);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + container.getMappedPort(5432) + "/" + DATABASE;
    }

    public String password() {
        return password;
    }

    /** Creates the roles the dump hands objects to, so that only the dump itself can make the restore fail. */
    public Outcome createRoles(Set<String> roles) {
        if (roles.isEmpty()) {
            return new Outcome(true, "");
        }
        String sql = roles.stream().filter(r -> !r.equals(USER))
                .map(r -> "CREATE ROLE " + SqlDump.quote(r) + " NOLOGIN;").collect(Collectors.joining(" "));
        return psql(Duration.ofMinutes(1), "-c", sql.isEmpty() ? "SELECT 1" : sql);
    }

    /** Replays a plain SQL dump in one transaction, stopping at the first error. */
    public Outcome restore(Path sql, Duration timeout) {
        container.copyFileToContainer(MountableFile.forHostPath(sql, 0600), "/tmp/restore.sql");
        try {
            // Copied in as root; readable by the server's user only, since it is the whole database.
            Container.ExecResult chown = container.execInContainerWithUser("root", "chown", "postgres:postgres", "/tmp/restore.sql");
            if (chown.getExitCode() != 0) {
                return new Outcome(false, "cannot hand the dump to the postgres user: " + chown.getStderr());
            }
        } catch (IOException e) {
            return new Outcome(false, "cannot hand the dump to the postgres user: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
        return psql(timeout, "--single-transaction", "-f", "/tmp/restore.sql");
    }

    /** Bounded by coreutils' timeout inside the container: execInContainer itself waits forever. */
    private Outcome psql(Duration timeout, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("timeout", Long.toString(timeout.toSeconds()), "psql", "-X", "-q",
                "-v", "ON_ERROR_STOP=1", "-U", USER, "-d", DATABASE, "-o", "/dev/null"));
        cmd.addAll(List.of(args));
        try {
            Container.ExecResult r = container.execInContainer(cmd.toArray(String[]::new));
            // CONTEXT and DETAIL lines quote the failing row (COPY data): the deployment's users' data stays out of the report.
            String stderr = r.getStderr().lines().filter(l -> !l.contains("CONTEXT:") && !l.contains("DETAIL:"))
                    .limit(10).collect(Collectors.joining("\n"));
            if (r.getExitCode() == 124) {
                stderr = "psql did not finish within " + timeout.toSeconds() + " s (policy.backup.restoreTimeoutSeconds)\n" + stderr;
            }
            return new Outcome(r.getExitCode() == 0, Redactor.text(stderr));
        } catch (IOException e) {
            return new Outcome(false, "psql could not be run in the throwaway PostgreSQL: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    @Override
    public void close() {
        container.stop();
    }
}
