package io.ocmt.verify.config;

import io.ocmt.verify.http.DryRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.report.HardeningChecklist;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.RunVerdict;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs before any suite (Maven's pre-integration-test phase): loads the environment, checks its
 * secrets, the checklist items it declares not applicable, that the target answers with a trusted
 * certificate and, where {@code -Docmt.expectRelease} is given, that it runs that release. Bad input
 * ends here with one line that names the fix and exit code 2, instead of one failure per test. In a
 * dry run ({@code -Docmt.dryRun=true}) it only loads the environment: it contacts nothing.
 */
public final class Preflight {

    /** {@code -Docmt.expectRelease=X}: the release the target's /health must report (Jenkins passes the deployed one). */
    public static final String EXPECT_RELEASE = RunVerdict.EXPECT_RELEASE;

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
        return run(env, projectDir, expectedRelease());
    }

    /** @param expectedRelease {@value #EXPECT_RELEASE}, blank where the run expects none */
    static String run(Environment env, Path projectDir, String expectedRelease) {
        requireKnownChecklistItems(env);
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
                    + target.trust().description() + requireRelease(target, expectedRelease) + ".";
        }
        var running = StackEndpoints.readRunning(projectDir);
        if (running.isPresent()) {
            Target reused = Targets.embedded(env, running.get(), java.util.Map.of());
            boolean answers;
            try {
                Targets.check(reused);
                answers = true;
            } catch (ConfigException stale) {
                // A stale file only means the suites start a fresh stack; Docker must then be there.
                answers = false;
            }
            if (answers) {
                // Outside the catch: a stack that answers with another release is the wrong one, not a stale one.
                return "Environment '" + env.name() + "': reusing the running reference stack at " + running.get().httpsUrl()
                        + requireRelease(reused, expectedRelease) + ".";
            }
        }
        String release = requireStackRelease(env, expectedRelease);
        requireDocker();
        return "Environment '" + env.name() + "': the suites start the reference stack with Docker" + release + ".";
    }

    /**
     * The stack this run starts reports {@link Targets#referenceStackRelease()}, known before it runs, so
     * a run that expects another stops here, before a stack is started, like a remote target would.
     * The suites check its {@code /health} again once it runs ({@link Targets#open}).
     */
    static String requireStackRelease(Environment env, String expected) {
        if (expected == null || expected.isBlank()) {
            return "";
        }
        String release = Targets.referenceStackRelease();
        if (!release.equals(expected.strip())) {
            throw new ConfigException("The reference stack environment '" + env.name() + "' starts reports release " + release
                    + " in field '" + env.policy().health().releaseField() + "' of /health, but this run expects " + expected.strip()
                    + " (-D" + EXPECT_RELEASE + "). Fix: point -Denv at the environment " + expected.strip() + " was deployed to, or run"
                    + " without -D" + EXPECT_RELEASE + " (or with -D" + EXPECT_RELEASE + "=" + release + ") against the reference stack.");
        }
        return ", release " + release + " as expected";
    }

    /** The release the run must find on the target, from {@code -D}{@value #EXPECT_RELEASE}; blank where none is expected. */
    public static String expectedRelease() {
        return System.getProperty(EXPECT_RELEASE, "").strip();
    }

    /**
     * Stops the run before any test where the target's {@code /health} reports another release than
     * {@code -D}{@value #EXPECT_RELEASE} (Jenkins passes the release it deployed): a report signed for
     * one release must not be of another. Run by the preflight for a remote target and a running
     * reference stack the suites reuse (the one a run starts: {@link #requireStackRelease}), and again
     * where the suites' JVM opens the target ({@link Targets#open}), the started stack included, whose
     * /health is read only once it runs. Nothing is requested where no release is expected.
     *
     * @return "" where none is expected, else ", release X as expected" for the preflight's line
     * @throws ConfigException naming both values and the fix, where they differ or /health does not say
     */
    public static String requireExpectedRelease(Target target) {
        return requireRelease(target, expectedRelease());
    }

    static String requireRelease(Target target, String expected) {
        if (expected == null || expected.isBlank()) {
            return "";
        }
        String field = target.policy().health().releaseField();
        URI health = target.https(target.policy().health().path());
        String where = "Target " + target.httpsUrl() + " (" + health + ")";
        String reported = reportedRelease(target, health, field, expected, where);
        if (!reported.equals(expected)) {
            throw new ConfigException(where + " reports release " + reported + " in field '" + field + "', but this run expects "
                    + expected + " (-D" + EXPECT_RELEASE + "). Fix: let the deployment of " + expected + " finish, or point -Denv at the"
                    + " environment it went to; where " + reported + " is the release to sign, run with -D" + EXPECT_RELEASE + "="
                    + reported + ".");
        }
        return ", release " + reported + " as expected";
    }

    private static String reportedRelease(Target target, URI health, String field, String expected, String where) {
        String cannot = ", so this run cannot confirm the release it expects, " + expected + " (-D" + EXPECT_RELEASE + "). Fix: ";
        HttpResponse<String> answer;
        try {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(target.trust().sslContext())
                    .connectTimeout(Duration.ofMillis(target.connectTimeoutMs()))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            answer = client.send(HttpRequest.newBuilder(health).timeout(Duration.ofMillis(target.readTimeoutMs()))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConfigException(where + " could not be read: " + e.getMessage() + cannot
                    + "check that the target is up, or run without -D" + EXPECT_RELEASE + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException(where + " was not read: interrupted" + cannot + "run again.", e);
        }
        JsonNode value = null;
        try {
            JsonNode body = new ObjectMapper().readTree(answer.body());
            value = body == null ? null : body.get(field);
        } catch (IOException e) {
            // Not JSON: said below, with the status.
        }
        if (answer.statusCode() != 200 || value == null || !value.isValueNode() || value.isNull() || value.asText().isBlank()) {
            String what = answer.statusCode() != 200 ? "answers " + answer.statusCode()
                    : value == null ? "has no field '" + field + "' (policy.health.releaseField)" : "has an empty '" + field + "'";
            throw new ConfigException(where + " " + what + cannot + "make /health publish the deployed release in '" + field
                    + "' (or set policy.health.releaseField to the field that does), or run without -D" + EXPECT_RELEASE + ".");
        }
        return value.asText().strip();
    }

    /** Every item {@code policy.run.notApplicable} names must be one of the checklist's. */
    static void requireKnownChecklistItems(Environment env) {
        Map<String, String> declared = env.policy().run() == null ? Map.of() : env.policy().run().notApplicable();
        if (declared.isEmpty()) {
            return;
        }
        HardeningChecklist checklist = HardeningChecklist.load();
        List<String> unknown = declared.keySet().stream().filter(id -> checklist.item(id).isEmpty()).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new ConfigException(RunVerdict.NOT_APPLICABLE_KEY + " in environment '" + env.name() + "' names "
                    + String.join(", ", unknown) + ", which " + (unknown.size() == 1 ? "is" : "are") + " no item of the hardening checklist."
                    + " Fix: use the items' ids (" + String.join(", ", checklist.items().stream().map(HardeningChecklist.Item::id).toList())
                    + "), as signoff.json lists them.");
        }
        List<String> noReason = declared.entrySet().stream().filter(e -> e.getValue() == null || e.getValue().isBlank())
                .map(Map.Entry::getKey).sorted().toList();
        if (!noReason.isEmpty()) {
            throw new ConfigException(RunVerdict.NOT_APPLICABLE_KEY + " in environment '" + env.name() + "' gives no reason for "
                    + String.join(", ", noReason) + ". Fix: say why each item does not apply (id: reason); the sign-off summary shows it.");
        }
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
