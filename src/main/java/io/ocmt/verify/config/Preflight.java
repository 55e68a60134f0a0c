package io.ocmt.verify.config;

import io.ocmt.verify.http.DryRun;
import io.ocmt.verify.report.Redactor;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs before any suite (Maven's pre-integration-test phase): loads the environment, checks its
 * secrets and that the target answers with a trusted certificate. Bad input ends here with one line
 * that names the fix and exit code 2, instead of one failure per test. In a dry run
 * ({@code -Docmt.dryRun=true}) it only loads the environment: it contacts nothing.
 */
public final class Preflight {

    private Preflight() {
    }

    /**
     * The build runs it inside Maven's JVM (exec:java), where the command line's -D overrides are
     * visible; bad input ends that JVM, and so Maven, with exit status 2, which tells it apart from a
     * failed control (1) and a check not verified (3, {@link io.ocmt.verify.report.RunVerdict}).
     */
    public static void main(String[] args) {
        try {
            DryRun.invalidValue().ifPresent(v -> {
                throw new ConfigException("-D" + DryRun.PROPERTY + " is '" + v + "'. Fix: -D" + DryRun.PROPERTY + "=true to list what the "
                        + "run would send and send nothing, or false (the default) to run the checks.");
            });
            System.out.println("[ocmt-verify] " + Redactor.text(run(Environments.fromSystem(), Environments.projectDir())));
        } catch (ConfigException e) {
            System.err.println("[ocmt-verify] " + Redactor.text(e.getMessage()));
            System.err.flush();
            System.exit(2);
        }
    }

    static String run(Environment env, Path projectDir) {
        if (DryRun.on()) {
            // The environment loaded, which is all a dry run needs: it contacts no target, starts no stack and reads no secret.
            return "Environment '" + env.name() + "': dry run (-D" + DryRun.PROPERTY + "=true): " + (env.target().embedded()
                    ? "no reference stack is started, Docker is not needed"
                    : env.target().httpsUrl() + " is not contacted and its secrets are not read")
                    + "; the suites print what they would send and send nothing.";
        }
        if (!env.target().embedded()) {
            Target target = Targets.fromFile(env);
            Targets.check(target);
            return "Environment '" + env.name() + "': " + target.httpsUrl() + " answers, certificate trusted by "
                    + target.trust().description() + ".";
        }
        var running = StackEndpoints.readRunning(projectDir);
        if (running.isPresent()) {
            try {
                Targets.check(Targets.embedded(env, running.get(), java.util.Map.of()));
                return "Environment '" + env.name() + "': reusing the running reference stack at " + running.get().httpsUrl() + ".";
            } catch (ConfigException stale) {
                // A stale file only means the suites start a fresh stack; Docker must then be there.
            }
        }
        requireDocker();
        return "Environment '" + env.name() + "': the suites start the reference stack with Docker.";
    }

    private static void requireDocker() {
        String problem;
        try {
            Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                problem = "`docker info` did not answer within 30 s";
            } else if (p.exitValue() != 0) {
                String out = new String(p.getInputStream().readAllBytes()).strip();
                problem = "`docker info` failed: " + out.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
            } else {
                return;
            }
        } catch (java.io.IOException e) {
            problem = "the docker command is not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        throw new ConfigException("The reference environment starts its stack with Docker, but " + problem
                + ". Fix: run scripts/bootstrap-docker (Debian) or start Docker, or choose a remote environment with -Denv=<name>.");
    }
}
