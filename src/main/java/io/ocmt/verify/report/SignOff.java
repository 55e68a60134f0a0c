package io.ocmt.verify.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ocmt.verify.report.HardeningChecklist.Item;
import io.ocmt.verify.report.HardeningChecklist.NotJudged;
import io.ocmt.verify.report.RunVerdict.Decision;
import io.ocmt.verify.report.RunVerdict.NotVerifiedKind;
import io.ocmt.verify.report.RunVerdict.Result;
import io.ocmt.verify.report.RunVerdict.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The page a release manager signs beside the HTML report: every item of the hardening checklist with
 * its status (passed, failed, not verified here and why, not applicable), the tests that judged it and
 * what they saw, the target, its release, the suite version, the policy overrides and the date; as
 * Markdown ({@value #MARKDOWN}) and JSON ({@value #JSON}). Built from the same results and the same
 * {@link Decision} that set the build's exit status, so the two cannot disagree. Every text in either
 * file passes the {@link Redactor}.
 *
 * <p>An item's status: failed where any test of it failed (or broke); else not applicable where the
 * environment declares it so ({@code policy.run.notApplicable}); else not verified where any test of it
 * was not verified, or none ran, or no test can judge it; else passed.
 */
public final class SignOff {

    public static final String MARKDOWN = "signoff.md";
    public static final String JSON = "signoff.json";
    /** The JSON's {@code schema}: bumped when a field changes meaning or goes. */
    public static final String SCHEMA = "ocmt-signoff/1";

    /** An item's status. */
    public enum Status {
        PASSED("passed"), FAILED("failed"), NOT_VERIFIED("not verified"), NOT_APPLICABLE("not applicable");

        private final String word;

        Status(String word) {
            this.word = word;
        }

        @Override
        public String toString() {
            return word;
        }
    }

    /** Why an item was not verified here, where it was not. */
    public record Why(String kind, String text) {
    }

    /**
     * What the summary says about the run, beside the items.
     *
     * @param environment        the environment's name
     * @param target             the target's HTTPS address
     * @param targetRelease      what {@code /health} reported as its release (or why there is none)
     * @param expectedRelease    {@code -Docmt.expectRelease}, or empty
     * @param suiteVersion       this suite's version
     * @param generatedAt        when the summary was written
     * @param overrides          one line per key set from outside the environment file (see {@link EffectivePolicy})
     * @param notVerifiedAllowed what the run accepts as not verified (see {@link EffectivePolicy#unverifiedAllowed})
     * @param notApplicable      checklist item id to the reason the environment declares it not applicable
     */
    public record Context(String environment, String target, String targetRelease, String expectedRelease, String suiteVersion,
                          Instant generatedAt, List<String> overrides, String notVerifiedAllowed, Map<String, String> notApplicable) {

        public Context {
            overrides = List.copyOf(overrides);
            notApplicable = Map.copyOf(notApplicable);
        }
    }

    /** One item's row: its status, why (where not verified or not applicable), whether that is allowed, and its tests. */
    public record Row(int number, Item item, Status status, Optional<Why> why, boolean allowed, List<Result> checks) {
    }

    private final Context context;
    private final Decision decision;
    private final List<Row> rows;
    private final List<Result> beyond;
    private final Map<Result, String> allowedBy;
    private final long runStart;
    private final long runStop;

    private SignOff(Context context, Decision decision, List<Row> rows, List<Result> beyond, Map<Result, String> allowedBy,
                    long runStart, long runStop) {
        this.context = context;
        this.decision = decision;
        this.rows = List.copyOf(rows);
        this.beyond = List.copyOf(beyond);
        this.allowedBy = allowedBy;
        this.runStart = runStart;
        this.runStop = runStop;
    }

    /**
     * @param results   the run's results ({@link RunVerdict#read})
     * @param decision  what {@link RunVerdict#decide} made of them (allowed, refused, exit status)
     * @param allowance the allowance that decision used, to say what allowed each check
     */
    public static SignOff of(List<Result> results, HardeningChecklist checklist, Decision decision, RunVerdict.Allowance allowance,
                             Context context) {
        Map<Result, String> allowedBy = new java.util.IdentityHashMap<>();
        decision.allowed().forEach(r -> allowance.allows(r).ifPresent(b -> allowedBy.put(r, b)));
        Set<Result> refused = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        refused.addAll(decision.refused());

        Map<Item, List<Result>> byItem = new LinkedHashMap<>();
        checklist.items().forEach(i -> byItem.put(i, new ArrayList<>()));
        List<Result> beyond = new ArrayList<>();
        for (Result r : results) {
            List<Item> items = checklist.itemsJudgedBy(r.check());
            if (items.isEmpty()) {
                beyond.add(r);
            }
            items.forEach(i -> byItem.get(i).add(r));
        }
        List<Row> rows = new ArrayList<>();
        int n = 0;
        for (Map.Entry<Item, List<Result>> e : byItem.entrySet()) {
            rows.add(row(++n, e.getKey(), e.getValue(), context.notApplicable(), refused));
        }
        long start = results.stream().mapToLong(Result::start).filter(t -> t > 0).min().orElse(0);
        long stop = results.stream().mapToLong(Result::stop).filter(t -> t > 0).max().orElse(0);
        return new SignOff(context, decision, rows, beyond, allowedBy, start, stop);
    }

    private static Row row(int number, Item item, List<Result> checks, Map<String, String> notApplicable, Set<Result> refused) {
        List<Result> failed = checks.stream().filter(r -> r.verdict() == Verdict.FAILED).toList();
        List<Result> notVerified = checks.stream().filter(r -> r.verdict() == Verdict.NOT_VERIFIED).toList();
        long passed = checks.stream().filter(r -> r.verdict() == Verdict.PASSED).count();
        String declared = notApplicable.get(item.id());
        if (!failed.isEmpty()) {
            // Declaring an item not applicable never hides a check of it that failed.
            return new Row(number, item, Status.FAILED, declared == null ? Optional.empty()
                    : Optional.of(new Why("declared", "declared not applicable (" + declared + "), but a check of it failed")), false, checks);
        }
        if (declared != null) {
            return new Row(number, item, Status.NOT_APPLICABLE,
                    Optional.of(new Why("declared", RunVerdict.NOT_APPLICABLE_KEY + ": " + declared)), true, checks);
        }
        if (!notVerified.isEmpty()) {
            Set<NotVerifiedKind> kinds = notVerified.stream().map(Result::notVerifiedKind).collect(Collectors.toCollection(TreeSet::new));
            String text = kinds.stream().map(NotVerifiedKind::words).collect(Collectors.joining("; ")) + " ("
                    + notVerified.size() + " of " + checks.size() + (checks.size() == 1 ? " check" : " checks") + " not verified"
                    + (passed > 0 ? ", " + passed + " passed" : "") + ")";
            String kind = kinds.stream().map(NotVerifiedKind::key).collect(Collectors.joining(","));
            boolean allowed = notVerified.stream().noneMatch(refused::contains);
            return new Row(number, item, Status.NOT_VERIFIED, Optional.of(new Why(kind, text)), allowed, checks);
        }
        if (passed > 0) {
            return new Row(number, item, Status.PASSED, Optional.empty(), false, checks);
        }
        if (item.notJudged().isPresent()) {
            NotJudged nj = item.notJudged().get();
            String words = nj.kind().equals(NotJudged.NOT_BLACK_BOX) ? "not black-box verifiable" : "no check in this suite yet";
            return new Row(number, item, Status.NOT_VERIFIED, Optional.of(new Why(nj.kind(), words + ": " + nj.why())), true, checks);
        }
        return new Row(number, item, Status.NOT_VERIFIED, Optional.of(new Why("not-run",
                "no check of this item ran in this run (its suites were not selected, -Dgroups / -DexcludedGroups)")), true, checks);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Results whose labels name no checklist item: OCMT's own controls (CSRF), self-tests. */
    public List<Result> beyondTheChecklist() {
        return beyond;
    }

    public Map<Status, Long> counts() {
        Map<Status, Long> counts = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            counts.put(s, rows.stream().filter(r -> r.status() == s).count());
        }
        return counts;
    }

    /** The exit status the build ends with, and why: {@link Decision#buildExitStatus()}, the same the build uses. */
    public int exitStatus() {
        return decision.buildExitStatus();
    }

    /** One line: counts per status and the exit status. */
    public String headline() {
        Map<Status, Long> c = counts();
        return Redactor.text(rows.size() + " checklist items: " + c.get(Status.PASSED) + " passed, " + c.get(Status.FAILED) + " failed, "
                + c.get(Status.NOT_VERIFIED) + " not verified here, " + c.get(Status.NOT_APPLICABLE) + " not applicable"
                + (beyond.isEmpty() ? "" : "; " + beyond.size() + (beyond.size() == 1 ? " check" : " checks") + " beyond the checklist"
                + (selfTests() == 0 ? "" : " (" + selfTests() + " of them self-tests of this suite, not of the target)"))
                + ". Exit status " + exitStatus() + ": " + decision.exitReason() + ".");
    }

    /** Results outside the suites' epic: the self-tests, which judge this suite against a broken reference stack. */
    private long selfTests() {
        return beyond.stream().filter(r -> !r.epic().isEmpty() && !Checklist.EPIC.equals(r.epic())).count();
    }

    /** How many items were not verified for each reason: "18 not black-box verifiable, 2 a grant …". */
    public Map<String, Long> notVerifiedBy() {
        Map<String, Long> by = new LinkedHashMap<>();
        rows.stream().filter(r -> r.status() == Status.NOT_VERIFIED).forEach(r -> by.merge(r.why().orElseThrow().text()
                .replaceFirst("[:(].*", "").strip(), 1L, Long::sum));
        return by;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# OCMT hardening sign-off: ").append(cell(context.environment())).append("\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| Target | ").append(cell(context.target())).append(" |\n");
        md.append("| Target release | ").append(cell(context.targetRelease())).append(" (from `/health`)")
                .append(context.expectedRelease().isBlank() ? "" : "; expected " + cell(context.expectedRelease())
                        + " (-Docmt.expectRelease), checked before any test").append(" |\n");
        md.append("| Suite version | ").append(cell(context.suiteVersion())).append(" |\n");
        md.append("| Date | ").append(time(context.generatedAt())).append(runStart > 0
                ? " (checks ran " + time(Instant.ofEpochMilli(runStart)) + " – " + time(Instant.ofEpochMilli(runStop)) + ")" : "").append(" |\n");
        md.append("| Policy overrides | ").append(context.overrides().isEmpty() ? "none" : context.overrides().stream().map(SignOff::cell)
                .collect(Collectors.joining("<br>"))).append(" |\n");
        md.append("| Not verified, allowed | ").append(cell(context.notVerifiedAllowed())).append(" |\n");
        md.append("| Not applicable, declared | ").append(context.notApplicable().isEmpty() ? "none (" + RunVerdict.NOT_APPLICABLE_KEY + " is empty)"
                : context.notApplicable().keySet().stream().sorted().map(SignOff::cell).collect(Collectors.joining(", "))
                + " (" + RunVerdict.NOT_APPLICABLE_KEY + ")").append(" |\n");
        md.append("| Exit status | **").append(exitStatus()).append("**: ").append(cell(decision.exitReason())).append(" |\n\n");
        md.append("**").append(cell(headline())).append("**\n\n");
        Map<String, Long> by = notVerifiedBy();
        if (!by.isEmpty()) {
            md.append("Not verified here: ").append(by.entrySet().stream().map(e -> e.getValue() + " " + cell(e.getKey()))
                    .collect(Collectors.joining("; "))).append(". Only checks that ran and were not verified, and not allowed, "
                    + "change the exit status (to 3).\n\n");
        }
        md.append("## Checklist\n\n| # | Section | Item | Status | Why |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.number()).append(" | ").append(cell(r.item().part() + " › " + r.item().section())).append(" | ")
                    .append(cell(r.item().title())).append(" | ").append(statusCell(r)).append(" | ").append(cell(summary(r))).append(" |\n");
        }
        md.append("\n## Evidence\n\nThe tests that judged each item, what each found, and the requests and short attachments it "
                + "recorded; everything else is in the HTML report (index.html beside this file, or single/index.html).\n");
        for (Row r : rows) {
            if (r.checks().isEmpty()) {
                continue;
            }
            md.append("\n### ").append(r.number()).append(". ").append(cell(r.item().title())).append(": ").append(r.status()).append("\n\n");
            r.checks().forEach(c -> appendCheck(md, c));
        }
        if (!beyond.isEmpty()) {
            md.append("\n## Beyond the checklist\n\nChecks whose labels name no checklist item (OCMT's own controls, self-tests).\n\n");
            beyond.forEach(c -> appendCheck(md, c));
        }
        return md.toString();
    }

    private void appendCheck(StringBuilder md, Result c) {
        md.append("- `").append(cell(c.testClass().isEmpty() ? c.test() : c.testClass() + "." + c.test())).append("`")
                .append(c.tags().isEmpty() ? "" : " [" + cell(String.join(",", new TreeSet<>(c.tags()))) + "]")
                .append(": ").append(c.verdict()).append(verdictDetail(c)).append('\n');
        c.evidence().forEach(line -> md.append("  - ").append(cell(line)).append('\n'));
    }

    private String verdictDetail(Result c) {
        if (c.verdict() != Verdict.NOT_VERIFIED) {
            return "";
        }
        String by = allowedBy.get(c);
        return " (" + c.notVerifiedKind().words() + (by == null ? "; not allowed" : "; allowed by " + by) + "): " + ResultEvidence.line(c.reason());
    }

    private static String statusCell(Row r) {
        return switch (r.status()) {
            case PASSED -> "passed";
            case FAILED -> "**failed**";
            case NOT_APPLICABLE -> "not applicable";
            case NOT_VERIFIED -> "not verified" + (r.checks().isEmpty() || r.allowed() ? "" : " (not allowed)");
        };
    }

    private static String summary(Row r) {
        long passed = r.checks().stream().filter(c -> c.verdict() == Verdict.PASSED).count();
        return switch (r.status()) {
            case PASSED -> passed + (passed == 1 ? " check passed" : " checks passed");
            case FAILED -> r.checks().stream().filter(c -> c.verdict() == Verdict.FAILED).count() + " of " + r.checks().size()
                    + " failed: " + r.checks().stream().filter(c -> c.verdict() == Verdict.FAILED).map(SignOff::testName)
                    .collect(Collectors.joining(", "));
            case NOT_APPLICABLE, NOT_VERIFIED -> r.why().map(Why::text).orElse("");
        };
    }

    private static String testName(Result c) {
        return c.testClass().isEmpty() ? c.test() : c.testClass() + "." + c.test();
    }

    /** One line of a Markdown table cell: redacted, no line breaks, pipes escaped. */
    private static String cell(String s) {
        return Redactor.text(s == null ? "" : s).replaceAll("\\s*[\\r\\n]+\\s*", " ").replace("|", "\\|");
    }

    private static String time(Instant t) {
        return DateTimeFormatter.ISO_LOCAL_DATE_TIME.withZone(ZoneOffset.UTC).format(t.truncatedTo(ChronoUnit.SECONDS)) + "Z";
    }

    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", SCHEMA);
        root.put("environment", r(context.environment()));
        root.put("target", r(context.target()));
        root.put("targetRelease", r(context.targetRelease()));
        root.put("expectedRelease", context.expectedRelease().isBlank() ? null : r(context.expectedRelease()));
        root.put("suiteVersion", r(context.suiteVersion()));
        root.put("generatedAt", time(context.generatedAt()));
        root.put("checksStarted", runStart > 0 ? time(Instant.ofEpochMilli(runStart)) : null);
        root.put("checksFinished", runStop > 0 ? time(Instant.ofEpochMilli(runStop)) : null);
        root.put("policyOverrides", context.overrides().stream().map(SignOff::r).toList());
        root.put("notVerifiedAllowed", r(context.notVerifiedAllowed()));
        Map<String, String> declared = new LinkedHashMap<>();
        context.notApplicable().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> declared.put(r(e.getKey()), r(e.getValue())));
        root.put("notApplicableDeclared", declared);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts().forEach((s, n) -> counts.put(s.toString(), n));
        root.put("counts", counts);
        root.put("exitStatus", exitStatus());
        root.put("exitReason", r(decision.exitReason()));
        root.put("headline", headline());
        List<Map<String, Object>> items = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("number", row.number());
            item.put("id", row.item().id());
            item.put("part", row.item().part());
            item.put("section", row.item().section());
            item.put("item", row.item().title());
            item.put("status", row.status().toString());
            item.put("why", row.why().map(w -> {
                Map<String, Object> why = new LinkedHashMap<>();
                why.put("kind", w.kind());
                why.put("text", r(w.text()));
                return why;
            }).orElse(null));
            item.put("allowed", row.status() == Status.NOT_VERIFIED || row.status() == Status.NOT_APPLICABLE ? row.allowed() : null);
            item.put("checks", row.checks().stream().map(this::check).toList());
            items.add(item);
        }
        root.put("items", items);
        root.put("beyondTheChecklist", beyond.stream().map(this::check).toList());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the sign-off summary cannot be written as JSON", e);
        }
    }

    private Map<String, Object> check(Result c) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("test", r(testName(c)));
        check.put("class", r(c.testClass()));
        check.put("method", r(c.method()));
        check.put("name", r(c.name()));
        check.put("feature", r(c.feature()));
        check.put("story", r(c.story()));
        check.put("tags", new TreeSet<>(c.tags()));
        check.put("verdict", c.verdict().toString());
        check.put("allureStatus", c.status());
        if (c.verdict() == Verdict.NOT_VERIFIED) {
            check.put("notVerifiedKind", c.notVerifiedKind().key());
            check.put("allowedBy", allowedBy.get(c) == null ? null : r(allowedBy.get(c)));
        }
        check.put("reason", c.verdict() == Verdict.PASSED ? null : r(c.reason()));
        check.put("evidence", c.evidence().stream().map(SignOff::r).toList());
        return check;
    }

    private static String r(String s) {
        return s == null ? null : Redactor.text(s);
    }

    /** Writes {@value #MARKDOWN} and {@value #JSON} into {@code directory}; returns the Markdown file. */
    public Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path md = directory.resolve(MARKDOWN);
        Files.writeString(md, markdown());
        Files.writeString(directory.resolve(JSON), json());
        return md;
    }
}
