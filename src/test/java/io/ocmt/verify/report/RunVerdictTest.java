package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step after the report: reading the run's Allure results and deciding the build's exit status. */
class RunVerdictTest {

    private static Path resource(String name) {
        try {
            return Path.of(RunVerdictTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<RunVerdict.Result> results(String scenario) {
        return RunVerdict.read(resource("results/" + scenario));
    }

    private static RunVerdict.Result named(List<RunVerdict.Result> results, String prefix) {
        return results.stream().filter(r -> r.test().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void readsStatusChecklistItemTagsAndReasonOfEveryResultAndNothingElse() {
        List<RunVerdict.Result> results = results("not-verified");
        assertThat(results).hasSize(5);
        RunVerdict.Result windows = named(results, "windowsEnd");
        assertThat(windows.status()).isEqualTo("skipped");
        assertThat(windows.feature()).isEqualTo("Rate Limiting");
        assertThat(windows.story()).isEqualTo("Test rate limiting is working");
        assertThat(windows.tags()).containsExactly("ratelimit");
        assertThat(windows.notVerified()).isTrue();
        assertThat(windows.failed()).isFalse();
        // JUnit's "Assumption failed: " is dropped; a first line that ends in ':' keeps the line after it.
        assertThat(windows.reason()).isEqualTo("Not verified: no window of this tag could be waited out: authentication (login)"
                + " (POST /api/auth/login): its window is 900 s, longer than policy.session.maxWaitSeconds=120");
        assertThat(named(results, "answers200").notVerified()).isFalse();
    }

    @Test
    void aMethodsFeatureAndStoryWinOverItsClasss() {
        // Allure writes the class's @Feature/@Story first and the method's after them; the sign-off maps the
        // method's (headerGrade judges "Run security header scan", not its class's "Verify security headers are set").
        RunVerdict.Result grade = named(results("method-over-class"), "headerGrade");
        assertThat(grade.feature()).isEqualTo("Post-Deployment Verification");
        assertThat(grade.story()).isEqualTo("Run security header scan");
    }

    @Test
    void aDynamicTestIsNamedByItsFactoryAndDisplayNameAndHasItsClassTags() {
        List<RunVerdict.Result> results = results("not-verified");
        RunVerdict.Result vault = named(results, "vault");
        assertThat(vault.test()).isEqualTo("vault › vault unlock (POST /api/vault/unlock): exactly the limit passes, summed over every"
                + " replica, and the next request gets 429");
        assertThat(vault.tags()).containsExactly("ratelimit");
        // A class none of whose results carries a tag stays untagged: only -Docmt.allowUnverified=true allows it.
        assertThat(named(results, "rejected").tags()).isEmpty();
    }

    @Test
    void notVerifiedAndNotAllowedEndsTheBuildWithThreeAndNamesEachItemTestAndReason() {
        RunVerdict.Decision d = RunVerdict.decide(results("not-verified"), false, List.of(), 0, true);
        assertThat(d.exitStatus()).isEqualTo(3);
        assertThat(d.refused()).extracting(RunVerdict.Result::test)
                .containsExactly("newestIsFresh", "vault › vault unlock (POST /api/vault/unlock): exactly the limit passes, summed over"
                        + " every replica, and the next request gets 429", "windowsEnd");
        assertThat(d.lines()).hasSize(3);
        assertThat(d.lines().get(0)).isEqualTo("Not verified: Database Security / Regular database backups: newestIsFresh [backup]"
                + " (Not verified: grants.backups.directory is not set in environment 'staging', expected the directory the encrypted"
                + " dumps are read from)");
        assertThat(d.lines().get(1)).startsWith("Not verified: Rate Limiting / Test rate limiting is working: vault › vault unlock")
                .contains("[ratelimit] (Not verified: vault unlock (POST /api/vault/unlock) refused the first request")
                .contains("; windowsEnd [ratelimit] (Not verified: no window of this tag could be waited out: ");
        assertThat(d.lines().get(2)).startsWith("3 checks not verified and not allowed (tags: backup, ratelimit): the build ends with exit"
                        + " status 3.")
                .contains("-Docmt.policy.run.allowUnverified=[backup,ratelimit]").contains("-Docmt.allowUnverified=true");
    }

    @Test
    void namedTagsAllowOnlyTheirChecks() {
        RunVerdict.Decision some = RunVerdict.decide(results("not-verified"), false, List.of("ratelimit"), 0, true);
        assertThat(some.exitStatus()).isEqualTo(3);
        assertThat(some.refused()).extracting(RunVerdict.Result::test).containsExactly("newestIsFresh");
        assertThat(some.allowed()).hasSize(2);
        assertThat(some.lines()).anyMatch(l -> l.startsWith("Not verified, allowed by policy.run.allowUnverified=[ratelimit]: Rate Limiting"));

        RunVerdict.Decision both = RunVerdict.decide(results("not-verified"), false, List.of(" backup", "ratelimit"), 0, true);
        assertThat(both.exitStatus()).isZero();
        assertThat(both.refused()).isEmpty();
        assertThat(both.lines()).last().asString()
                .isEqualTo("3 checks not verified, all allowed by policy.run.allowUnverified=[backup, ratelimit]: they do not change the"
                        + " exit status.");
    }

    @Test
    void allowUnverifiedTrueAllowsEveryOneTaggedOrNot() {
        RunVerdict.Decision d = RunVerdict.decide(results("not-verified"), true, List.of(), 0, true);
        assertThat(d.exitStatus()).isZero();
        assertThat(d.allowed()).hasSize(3);
        assertThat(d.lines()).first().asString().startsWith("Not verified, allowed by -Docmt.allowUnverified=true: Database Security");
    }

    @Test
    void failuresAreLeftToFailsafeWhichEndsTheBuildWithOneAfterTheListIsPrinted() {
        long failsafe = RunVerdict.failsafeFailures(resource("failsafe-summary-failures.xml"));
        RunVerdict.Decision d = RunVerdict.decide(results("failed-and-not-verified"), false, List.of(), failsafe, true);
        assertThat(d.exitStatus()).isZero();
        assertThat(d.failuresFailTheBuild()).isTrue();
        assertThat(d.refused()).extracting(RunVerdict.Result::test).containsExactly("windowsEnd");
        assertThat(d.lines()).last().asString().startsWith("1 check not verified and not allowed (tags: ratelimit); 1 test failed as"
                + " well, which failsafe reports next (exit status 1).");
        // Failsafe told to ignore failures would let the build pass: the not-verified list then ends it.
        assertThat(RunVerdict.decide(results("failed-and-not-verified"), false, List.of(), failsafe, false).exitStatus()).isEqualTo(3);
    }

    @Test
    void aFailureOnlyAllureSawStillCounts() {
        RunVerdict.Decision d = RunVerdict.decide(results("failed-and-not-verified"), false, List.of(), 0, true);
        assertThat(d.failed()).isEqualTo(1);
        assertThat(d.exitStatus()).isZero();
    }

    @Test
    void everyCheckJudgedIsExitZeroAndSaysSo() {
        RunVerdict.Decision d = RunVerdict.decide(results("all-judged"), false, List.of(), 0, true);
        assertThat(d.exitStatus()).isZero();
        assertThat(d.lines()).containsExactly("Every check that ran was judged: none is not verified.");
        assertThat(RunVerdict.read(Path.of("does-not-exist"))).isEmpty();
    }

    @Test
    void brokenResultsAreNotVerifiedOnlyWhereTheReportFilesThemSoAndUnknownOnesAlways() {
        var grant = new RunVerdict.Result("t", "F", "S", Set.of("admin"), "broken",
                "Cannot open the target: Missing secret 'adminToken' for environment 'staging'.");
        var error = new RunVerdict.Result("t", "F", "S", Set.of("admin"), "broken", "NullPointerException");
        var unknown = new RunVerdict.Result("t", "F", "", Set.of(), "unknown", null);
        assertThat(grant.notVerified()).isTrue();
        assertThat(grant.failed()).isTrue();
        assertThat(error.notVerified()).isFalse();
        assertThat(unknown.notVerified()).isTrue();
        assertThat(unknown.reason()).isEqualTo("no verdict was recorded: the test did not finish");
        assertThat(unknown.item()).isEqualTo("F");
    }

    @Test
    void eachResultHasOneVerdictAndANotVerifiedOneAKindOfReason() {
        var passed = new RunVerdict.Result("t", "F", "S", Set.of(), "passed", null);
        var failed = new RunVerdict.Result("t", "F", "S", Set.of(), "failed", "expected 429, got 200");
        var error = new RunVerdict.Result("t", "F", "S", Set.of(), "broken", "NullPointerException");
        assertThat(passed.verdict()).isEqualTo(RunVerdict.Verdict.PASSED);
        assertThat(failed.verdict()).isEqualTo(RunVerdict.Verdict.FAILED);
        assertThat(error.verdict()).isEqualTo(RunVerdict.Verdict.FAILED);
        assertThat(kind("skipped", "Not verified: grants.mailbox.type is none in environment 'staging', expected imap or mailpit"))
                .isEqualTo(RunVerdict.NotVerifiedKind.GRANT);
        assertThat(kind("broken", "Cannot open the target: Missing secret 'adminToken' for environment 'staging'."))
                .isEqualTo(RunVerdict.NotVerifiedKind.GRANT);
        // The budget's message also names the grant that would give more: it is the budget.
        assertThat(kind("skipped", "Not verified: the run's session lifecycle needs 6 logins and 6 magic-link verifications, more than the"
                + " target's rate limits leave this run (…). Run again after 2026-12-01T03:23:49Z, or grant more client addresses"
                + " (grants.egressProxies.urls).")).isEqualTo(RunVerdict.NotVerifiedKind.BUDGET);
        assertThat(kind("skipped", "Not verified: the target rate-limits this runner: GET https://h/api/auth/me → 429 (…)"))
                .isEqualTo(RunVerdict.NotVerifiedKind.BUDGET);
        assertThat(kind("skipped", "Assumption failed: Not verified: no window of this tag could be waited out or seen ending in Redis:"))
                .isEqualTo(RunVerdict.NotVerifiedKind.WINDOW);
        assertThat(kind("skipped", "Not verified: policy.auth.magicLinkTtlSeconds=900 is longer than policy.session.maxWaitSeconds=120"))
                .isEqualTo(RunVerdict.NotVerifiedKind.WINDOW);
        assertThat(kind("skipped", "Not verified: policy.datastore.postgresRequireTls is false in environment 'reference'"))
                .isEqualTo(RunVerdict.NotVerifiedKind.POLICY);
        assertThat(kind("skipped", "Not verified: GET https://h/health could not be sent: Connection refused (ConnectException)."))
                .isEqualTo(RunVerdict.NotVerifiedKind.UNREACHABLE);
        assertThat(kind("unknown", null)).isEqualTo(RunVerdict.NotVerifiedKind.UNREACHABLE);
        assertThat(kind("skipped", "Not verified: 3 offers went unanswered")).isEqualTo(RunVerdict.NotVerifiedKind.OTHER);
    }

    private static RunVerdict.NotVerifiedKind kind(String status, String message) {
        RunVerdict.Result r = new RunVerdict.Result("t", "F", "S", Set.of(), status, message);
        assertThat(r.verdict()).isEqualTo(RunVerdict.Verdict.NOT_VERIFIED);
        return r.notVerifiedKind();
    }

    @Test
    void theReportFilesAnAssumptionsNotVerifiedUnderNotVerified() {
        // The windowsEnd message has no grant, secret or environment in it: only its "Not verified:" says what it is.
        assertThat("Assumption failed: Not verified: no window of this tag could be waited out:\nauthentication (login)")
                .matches(Categories.NOT_VERIFIED_MESSAGE);
        assertThat("expected 429, got 200").doesNotMatch(Categories.NOT_VERIFIED_MESSAGE);
    }

    @Test
    void readsFailsafesSummary() {
        assertThat(RunVerdict.failsafeFailures(resource("failsafe-summary-ok.xml"))).isZero();
        assertThat(RunVerdict.failsafeFailures(resource("failsafe-summary-failures.xml"))).isEqualTo(1);
        // The fork died: no test counted, but failsafe fails the build.
        assertThat(RunVerdict.failsafeFailures(resource("failsafe-summary-crashed.xml"))).isEqualTo(1);
        assertThat(RunVerdict.failsafeFailures(Path.of("does-not-exist.xml"))).isZero();
    }

    @Test
    void theStepPrintsTheListAndWritesItBesideTheReport(@TempDir Path report) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = RunVerdict.run(new String[] {resource("results/not-verified").toString(),
                resource("failsafe-summary-ok.xml").toString(), report.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(3);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines()).allMatch(l -> l.startsWith("[ocmt-verify] "));
        assertThat(printed).contains("[ocmt-verify] Not verified: Rate Limiting / Test rate limiting is working: vault")
                .contains("This list is also in " + report.resolve("not-verified.txt"));
        String written = Files.readString(report.resolve("not-verified.txt"));
        assertThat(written).startsWith("Not verified: Database Security / Regular database backups: newestIsFresh [backup]")
                .contains("3 checks not verified and not allowed").doesNotContain("[ocmt-verify]");
    }
}
