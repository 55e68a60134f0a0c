package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.report.SignOff.Row;
import io.ocmt.verify.report.SignOff.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sign-off summary from fixture results of a staging run: a passed, a failed, a not verified (for
 * a grant, for the budget, and by design) and a not applicable item, with the evidence each test left,
 * in Markdown and JSON, and the same exit status as the build's.
 */
class SignOffTest {

    private static final HardeningChecklist CHECKLIST = HardeningChecklist.load();
    private static final String TOKEN = "3f1c0a9e7b2d4c6f8a1e3b5d7f9c2e4a6b8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e";
    private static final Map<String, String> ADMIN_API_NOT_DEPLOYED = Map.of("admin-ip-allowlist", "this deployment exposes no admin API");

    private static Path resource(String name) {
        try {
            return Path.of(SignOffTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SignOff signOff(String scenario, RunVerdict.Allowance allowance, long failsafe) {
        List<RunVerdict.Result> results = RunVerdict.read(resource("results/" + scenario));
        RunVerdict.Decision decision = RunVerdict.decide(results, allowance, failsafe, true);
        SignOff.Context context = new SignOff.Context("staging", "https://staging.ocmt.example/", "1.4.2", "1.4.2", "0.1.0-SNAPSHOT",
                Instant.parse("2026-12-01T06:00:00Z"), List.of("policy.headers.hsts.minMaxAge = 15552000 (was 31536000; system property"
                + " -Docmt.policy.headers.hsts.minMaxAge)"), "none (policy.run.allowUnverified is empty)", allowance.notApplicable());
        return SignOff.of(results, CHECKLIST, decision, allowance, context);
    }

    private static SignOff staging() {
        return signOff("signoff", new RunVerdict.Allowance(false, List.of(), ADMIN_API_NOT_DEPLOYED, CHECKLIST), 0);
    }

    private static Row row(SignOff s, String id) {
        return s.rows().stream().filter(r -> r.item().id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void everyChecklistItemHasARowInTheChecklistsOrder() {
        SignOff s = staging();
        assertThat(s.rows()).hasSize(CHECKLIST.items().size()).extracting(r -> r.item().id())
                .containsExactlyElementsOf(CHECKLIST.items().stream().map(HardeningChecklist.Item::id).toList());
        assertThat(s.rows()).extracting(Row::number).startsWith(1, 2, 3).endsWith(CHECKLIST.items().size());
    }

    @Test
    void passedFailedNotVerifiedAndNotApplicableRows() {
        SignOff s = staging();
        assertThat(row(s, "health-checks").status()).isEqualTo(Status.PASSED);
        assertThat(row(s, "csp-allows-app").status()).isEqualTo(Status.PASSED);
        assertThat(row(s, "security-headers").status()).isEqualTo(Status.PASSED);
        assertThat(row(s, "hsts").status()).isEqualTo(Status.FAILED);
        // A test judges every item it is mapped to: the certificate check is the monthly expiry check too.
        assertThat(row(s, "tls-termination").status()).isEqualTo(Status.PASSED);
        assertThat(row(s, "certificate-expiry").status()).isEqualTo(Status.PASSED);

        Row backups = row(s, "database-backups");
        assertThat(backups.status()).isEqualTo(Status.NOT_VERIFIED);
        assertThat(backups.why().orElseThrow().kind()).isEqualTo("grant");
        assertThat(backups.allowed()).isFalse();
        assertThat(row(s, "backup-restore-test").status()).isEqualTo(Status.NOT_VERIFIED);

        Row proxies = row(s, "trusted-proxies");
        assertThat(proxies.status()).isEqualTo(Status.NOT_VERIFIED);
        assertThat(proxies.why().orElseThrow().kind()).isEqualTo("budget");
        assertThat(proxies.why().orElseThrow().text()).startsWith("the login or rate-limit budget this run had left (1 of 1 check");
        // One budget-refused check, one passed: the item is not verified, and says how many passed.
        Row limits = row(s, "rate-limiting-works");
        assertThat(limits.status()).isEqualTo(Status.NOT_VERIFIED);
        assertThat(limits.why().orElseThrow().text()).endsWith("(1 of 2 checks not verified, 1 passed)");
        assertThat(row(s, "redis-rate-limiting").status()).isEqualTo(Status.PASSED);

        Row pairing = row(s, "pairing-mode");
        assertThat(pairing.status()).isEqualTo(Status.NOT_VERIFIED);
        assertThat(pairing.why().orElseThrow().kind()).isEqualTo("not-black-box");
        assertThat(pairing.why().orElseThrow().text()).startsWith("not black-box verifiable: gateway.dmPolicy");
        assertThat(row(s, "audit-logging").why().orElseThrow().text()).startsWith("no check in this suite yet: ");
        Row notRun = row(s, "session-timeouts");
        assertThat(notRun.status()).isEqualTo(Status.NOT_VERIFIED);
        assertThat(notRun.why().orElseThrow().kind()).isEqualTo("not-run");

        Row allowlist = row(s, "admin-ip-allowlist");
        assertThat(allowlist.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(allowlist.why().orElseThrow().text()).isEqualTo("policy.run.notApplicable: this deployment exposes no admin API");
        assertThat(allowlist.checks()).extracting(RunVerdict.Result::method).containsExactly("adminRefusesAddressOutsideAllowlist");

        assertThat(s.beyondTheChecklist()).extracting(RunVerdict.Result::method).containsExactly("foreignOriginIsRefused");
        Map<Status, Long> counts = s.counts();
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(CHECKLIST.items().size());
        assertThat(counts.get(Status.FAILED)).isEqualTo(1);
        assertThat(counts.get(Status.NOT_APPLICABLE)).isEqualTo(1);
    }

    @Test
    void aCheckOfAnItemDeclaredNotApplicableIsAllowedAndAFailingOneStillFails() {
        SignOff s = staging();
        List<RunVerdict.Result> results = RunVerdict.read(resource("results/signoff"));
        RunVerdict.Decision d = RunVerdict.decide(results, new RunVerdict.Allowance(false, List.of(), ADMIN_API_NOT_DEPLOYED, CHECKLIST), 0, true);
        assertThat(d.allowed()).extracting(RunVerdict.Result::method).containsExactly("adminRefusesAddressOutsideAllowlist");
        assertThat(d.refused()).extracting(RunVerdict.Result::method).containsExactlyInAnyOrder("newestBackupRestores", "publicEndpoints");
        assertThat(d.lines()).anyMatch(l -> l.startsWith("Not verified, allowed by policy.run.notApplicable (admin-ip-allowlist): IP Allowlists"));

        SignOff hstsNotApplicable = signOff("signoff", new RunVerdict.Allowance(false, List.of(), Map.of("hsts", "not served to browsers"),
                CHECKLIST), 0);
        Row hsts = row(hstsNotApplicable, "hsts");
        assertThat(hsts.status()).isEqualTo(Status.FAILED);
        assertThat(hsts.why().orElseThrow().text()).contains("declared not applicable (not served to browsers), but a check of it failed");
        assertThat(s.exitStatus()).isEqualTo(1);
    }

    @Test
    void evidenceIsTheFailureTheRequestsTheShortAttachmentsAndWarnings() {
        SignOff s = staging();
        RunVerdict.Result hsts = row(s, "hsts").checks().get(0);
        assertThat(hsts.evidence()).first().asString()
                .startsWith("failure: Strict-Transport-Security on GET https://staging.ocmt.example/health → 200: expected max-age of at"
                        + " least 31536000 s, but max-age=86400");
        assertThat(hsts.evidence()).contains("requests: GET https://staging.ocmt.example/health → 200");
        // A request's own attachments are the request step: not repeated.
        assertThat(String.join("\n", hsts.evidence())).doesNotContain("Response 200");

        RunVerdict.Result csp = row(s, "csp-allows-app").checks().get(0);
        assertThat(csp.evidence()).containsExactly("requests: GET https://staging.ocmt.example/health → 200; GET https://staging.ocmt.example"
                + "/api/auth/me → 401; GET https://staging.ocmt.example/this-route-does-not-exist → 404; … 1 more",
                "Content-Security-Policy as parsed (20 lines, in the HTML report)");

        RunVerdict.Result health = row(s, "health-checks").checks().get(0);
        assertThat(health.evidence()).containsExactly(
                "Health answer judged: GET https://staging.ocmt.example/health → 200 ⏎ {\"status\":\"ok\",\"release\":\"1.4.2\"}");

        assertThat(row(s, "certificate-expiry").checks().get(0).evidence())
                .containsExactly("warning: the certificate of staging.ocmt.example:443 expires in 45 days (warn at 60, fail at 30)");
        assertThat(row(s, "redis-rate-limiting").checks().get(0).evidence()).containsExactly("Rate-limit counters in Redis: authentication"
                + " (login) (POST /api/auth/login): 5 requests counted; risen: ocmt:ratelimit:api:login:10.0.0.5 +5 (expires in 899000 ms)");
    }

    @Test
    void markdownHasTheRunTheHeadlineATableRowPerItemAndTheEvidence() {
        SignOff s = staging();
        String md = s.markdown();
        assertThat(md).startsWith("# OCMT hardening sign-off: staging\n")
                .contains("| Target | https://staging.ocmt.example/ |")
                .contains("| Target release | 1.4.2 (from `/health`); expected 1.4.2 (-Docmt.expectRelease), checked before any test |")
                .contains("| Suite version | 0.1.0-SNAPSHOT |")
                .contains("| Date | 2026-12-01T06:00:00Z (checks ran ")
                .contains("| Policy overrides | policy.headers.hsts.minMaxAge = 15552000 (was 31536000; system property")
                .contains("| Not applicable, declared | admin-ip-allowlist (policy.run.notApplicable) |")
                .contains("| Exit status | **1**: 1 check failed or broke; failsafe's verify ends the build with 1, and 2 checks not verified and"
                        + " not allowed would end it with 3 once they pass |")
                .contains("**" + s.headline() + "**")
                .contains("| 12 | Pre-Production Checklist › TLS/HTTPS | Configure HSTS | **failed** | 1 of 1 failed:"
                        + " SecurityHeadersIT.strictTransportSecurity |")
                .contains("| 4 | Pre-Production Checklist › Authentication and Authorization | Enable pairing mode for unknown senders |"
                        + " not verified | not black-box verifiable: gateway.dmPolicy")
                .contains("| 28 | Pre-Production Checklist › Database Security | Regular database backups | not verified (not allowed) |"
                        + " a grant or secret the environment does not give (1 of 1 check not verified) |")
                .contains("| 17 | Pre-Production Checklist › IP Allowlists | Configure admin IP allowlist | not applicable |"
                        + " policy.run.notApplicable: this deployment exposes no admin API |")
                .contains("### 12. Configure HSTS: failed\n\n- `SecurityHeadersIT.strictTransportSecurity` [headers]: failed\n"
                        + "  - failure: Strict-Transport-Security on GET https://staging.ocmt.example/health → 200")
                .contains("- `BackupIT.newestBackupRestores` [backup]: not verified (a grant or secret the environment does not give;"
                        + " not allowed): Not verified: grants.backups.directory is not set")
                .contains("- `AdminGuardIT.adminRefusesAddressOutsideAllowlist` [admin]: not verified (a grant or secret the environment"
                        + " does not give; allowed by policy.run.notApplicable (admin-ip-allowlist))")
                .contains("## Beyond the checklist")
                .contains("- `CsrfOriginIT.foreignOriginIsRefused` [csrf]: passed");
        // Every table row is one line: 51 items, a header and its rule.
        assertThat(md.lines().filter(l -> l.matches("\\| \\d+ \\| .*"))).hasSize(CHECKLIST.items().size());
    }

    @Test
    void theHeadlineCountsEachStatusAndNamesTheExitStatus() {
        assertThat(staging().headline()).isEqualTo("51 checklist items: 6 passed, 1 failed, 43 not verified here, 1 not applicable; 1 check"
                + " beyond the checklist. Exit status 1: 1 check failed or broke; failsafe's verify ends the build with 1, and 2 checks not"
                + " verified and not allowed would end it with 3 once they pass.");
    }

    @Test
    void jsonHasTheRunAndOneObjectPerItemWithItsChecks() throws Exception {
        JsonNode json = new ObjectMapper().readTree(staging().json());
        assertThat(json.path("schema").asText()).isEqualTo(SignOff.SCHEMA);
        assertThat(json.path("environment").asText()).isEqualTo("staging");
        assertThat(json.path("target").asText()).isEqualTo("https://staging.ocmt.example/");
        assertThat(json.path("targetRelease").asText()).isEqualTo("1.4.2");
        assertThat(json.path("expectedRelease").asText()).isEqualTo("1.4.2");
        assertThat(json.path("suiteVersion").asText()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(json.path("generatedAt").asText()).isEqualTo("2026-12-01T06:00:00Z");
        assertThat(json.path("checksStarted").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(json.path("policyOverrides")).hasSize(1);
        assertThat(json.path("notApplicableDeclared").path("admin-ip-allowlist").asText()).isEqualTo("this deployment exposes no admin API");
        assertThat(json.path("counts").path("passed").asInt()).isEqualTo(6);
        assertThat(json.path("counts").path("failed").asInt()).isEqualTo(1);
        assertThat(json.path("counts").path("not verified").asInt()).isEqualTo(43);
        assertThat(json.path("counts").path("not applicable").asInt()).isEqualTo(1);
        assertThat(json.path("exitStatus").asInt()).isEqualTo(1);
        assertThat(json.path("items")).hasSize(CHECKLIST.items().size());

        List<String> fields = new ArrayList<>();
        json.path("items").get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("number", "id", "part", "section", "item", "status", "why", "allowed", "checks");

        JsonNode hsts = json.path("items").get(11);
        assertThat(hsts.path("id").asText()).isEqualTo("hsts");
        assertThat(hsts.path("status").asText()).isEqualTo("failed");
        assertThat(hsts.path("why").isNull()).isTrue();
        JsonNode check = hsts.path("checks").get(0);
        assertThat(check.path("test").asText()).isEqualTo("SecurityHeadersIT.strictTransportSecurity");
        assertThat(check.path("verdict").asText()).isEqualTo("failed");
        assertThat(check.path("tags").get(0).asText()).isEqualTo("headers");
        assertThat(check.path("evidence").get(0).asText()).startsWith("failure: Strict-Transport-Security on GET");

        JsonNode proxies = json.path("items").get(17);
        assertThat(proxies.path("id").asText()).isEqualTo("trusted-proxies");
        assertThat(proxies.path("status").asText()).isEqualTo("not verified");
        assertThat(proxies.path("why").path("kind").asText()).isEqualTo("budget");
        assertThat(proxies.path("allowed").asBoolean()).isFalse();
        assertThat(proxies.path("checks").get(0).path("notVerifiedKind").asText()).isEqualTo("budget");
        assertThat(proxies.path("checks").get(0).path("test").asText()).startsWith("RateLimitIT.publicEndpoints › authentication (magic link)");
        assertThat(json.path("items").get(3).path("why").path("kind").asText()).isEqualTo("not-black-box");
        assertThat(json.path("items").get(3).path("checks")).isEmpty();
        assertThat(json.path("beyondTheChecklist").get(0).path("test").asText()).isEqualTo("CsrfOriginIT.foreignOriginIsRefused");
    }

    @Test
    void nothingSecretReachesEitherFile() {
        SignOff s = staging();
        assertThat(s.markdown()).doesNotContain(TOKEN).contains("Session used: {\"sessionToken\":\"<redacted>\"}");
        assertThat(s.json()).doesNotContain(TOKEN);
    }

    @Test
    void theExitStatusIsTheBuildsFromTheSameDecision() {
        // Not verified and not allowed, nothing failed: 3, as RunVerdict ends the build.
        SignOff notVerified = signOff("not-verified", RunVerdict.Allowance.of(false, List.of()), 0);
        assertThat(notVerified.exitStatus()).isEqualTo(3);
        assertThat(notVerified.headline()).endsWith("Exit status 3: 3 checks not verified and not allowed.");
        // Allowed: 0, and the rows still say not verified, allowed.
        SignOff allowed = signOff("not-verified", RunVerdict.Allowance.of(true, List.of()), 0);
        assertThat(allowed.exitStatus()).isZero();
        assertThat(allowed.headline()).endsWith("Exit status 0: every check that ran and was judged passed; 3 checks not verified, all"
                + " allowed by -Docmt.allowUnverified=true.");
        assertThat(row(allowed, "database-backups").allowed()).isTrue();
        // A failure only failsafe counted (a crashed fork) is still a failure here.
        assertThat(signOff("all-judged", RunVerdict.Allowance.of(false, List.of()), 1).exitStatus()).isEqualTo(1);
        assertThat(signOff("all-judged", RunVerdict.Allowance.of(false, List.of()), 0).exitStatus()).isZero();
    }

    @Test
    void theBuildStepWritesBothFilesBesideTheListAndPrintsTheHeadline(@TempDir Path report) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String previous = System.getProperty("ocmt.policy.run.notApplicable");
        System.setProperty("ocmt.policy.run.notApplicable", "{admin-ip-allowlist: this deployment exposes no admin API}");
        int status;
        try {
            status = RunVerdict.run(new String[] {resource("results/signoff").toString(), resource("failsafe-summary-failures.xml").toString(),
                    report.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
        } finally {
            if (previous == null) {
                System.clearProperty("ocmt.policy.run.notApplicable");
            } else {
                System.setProperty("ocmt.policy.run.notApplicable", previous);
            }
        }
        // Failures are failsafe's to end the build with (1); this step leaves them to it.
        assertThat(status).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines().toList()).last().asString()
                .startsWith("[ocmt-verify] Sign-off: 51 checklist items: 6 passed, 1 failed, 43 not verified here, 1 not applicable")
                .contains("Exit status 1: ")
                .endsWith("Summary: " + report.resolve("signoff.md") + " and " + report.resolve("signoff.json") + ".");
        assertThat(report.resolve("not-verified.txt")).exists();
        String md = Files.readString(report.resolve("signoff.md"));
        assertThat(md).contains("| Target | https://staging.ocmt.example/ |").contains("| Target release | 1.4.2 (from `/health`) |")
                .contains("| Suite version | 0.1.0-SNAPSHOT |")
                .contains("| Policy overrides | policy.run.notApplicable = {\"admin-ip-allowlist\":\"this deployment exposes no admin API\"}");
        JsonNode json = new ObjectMapper().readTree(report.resolve("signoff.json").toFile());
        assertThat(json.path("exitStatus").asInt()).isEqualTo(1);
        assertThat(json.path("expectedRelease").isNull()).isTrue();
        assertThat(json.path("environment").asText()).isEqualTo("staging");
    }
}
