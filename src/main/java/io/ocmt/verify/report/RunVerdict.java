package io.ocmt.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.config.AppliedOverride;
import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * "Not verified" is a verdict of its own, not a quiet skip: after the suites ran and the HTML report
 * was written, this reads the run's Allure results, prints one line per checklist item that has
 * checks no one could judge (naming each test and why), writes the same list beside the report, and
 * ends the build with {@value #EXIT_STATUS} when any of them is not allowed, unless checks also
 * failed: failsafe's verify reports those next and ends the build with 1, which must never be hidden.
 *
 * <p>Not verified: a test skipped (aborted with "Not verified: …", or skipped by {@code @Requires}
 * for a grant the environment does not give, or skipped for any other reason: a skip is never a
 * verdict), one whose result was never recorded, and a broken one whose message the report's
 * categories file under "Not verified" (the build fails for that one anyway). Allowed: every one with
 * {@code -Docmt.allowUnverified=true}, or those whose tag is in {@code policy.run.allowUnverified}.
 */
public final class RunVerdict {

    /** The build's exit status when a check is not verified and not allowed (1: a check failed; 2: bad input). */
    public static final int EXIT_STATUS = 3;
    /** {@code -Docmt.allowUnverified=true}: every not-verified check is allowed for this run. */
    public static final String ALLOW_ALL = "ocmt.allowUnverified";
    public static final String ALLOW_KEY = "policy.run.allowUnverified";
    /** Checklist items the environment declares not applicable, each with why. */
    public static final String NOT_APPLICABLE_KEY = "policy.run.notApplicable";
    /** {@code -Docmt.expectRelease=X}: the release the run must find on the target (see {@code config.Preflight}). */
    public static final String EXPECT_RELEASE = "ocmt.expectRelease";
    public static final String FILE = "not-verified.txt";
    private static final String PREFIX = "[ocmt-verify] ";
    /** JUnit's Assumptions put this before the message a check gave. */
    private static final String ASSUMPTION = "Assumption failed: ";
    private static final Pattern NOT_VERIFIED_MESSAGE = Pattern.compile(Categories.NOT_VERIFIED_MESSAGE);

    private RunVerdict() {
    }

    /**
     * One test's result as Allure recorded it.
     *
     * @param test      the test method, or for a dynamic test its factory and display name
     * @param feature   the checklist section (Allure feature), or the suite where there is none
     * @param story     the checklist item (Allure story), or empty
     * @param tags      the JUnit tags of the test, or of its class
     * @param status    Allure's: passed, failed, broken, skipped, unknown
     * @param message   the reason Allure recorded (statusDetails.message), or empty
     * @param testClass the test class's simple name, or empty
     * @param method    the test method, or a dynamic test's factory
     * @param name      the display name (a dynamic test's own)
     * @param epic      the Allure epic: {@link Checklist#EPIC} for the suites, another for self-tests
     * @param evidence  short, redacted lines of what the test judged: the failure, requests, short attachments
     * @param start     epoch milliseconds, 0 where unknown
     * @param stop      epoch milliseconds, 0 where unknown
     */
    public record Result(String test, String feature, String story, Set<String> tags, String status, String message,
                         String testClass, String method, String name, String epic, List<String> evidence, long start, long stop) {

        public Result {
            tags = Set.copyOf(tags);
            message = message == null ? "" : message;
            evidence = List.copyOf(evidence);
        }

        /** A result with labels only, as a test of this class builds one. */
        public Result(String test, String feature, String story, Set<String> tags, String status, String message) {
            this(test, feature, story, tags, status, message, "", test, test, Checklist.EPIC, List.of(), 0, 0);
        }

        /** Failed or broken: failsafe counts it, and its verify goal fails the build (exit status 1). */
        public boolean failed() {
            return status.equals("failed") || status.equals("broken");
        }

        public boolean notVerified() {
            return switch (status) {
                case "skipped", "unknown" -> true;
                case "broken" -> NOT_VERIFIED_MESSAGE.matcher(message).matches();
                default -> false;
            };
        }

        /**
         * The one verdict of this test, for the list after the run and the sign-off summary alike: not
         * verified (above), else failed (a control is wrong, or the check broke: either fails the build),
         * else passed.
         */
        public Verdict verdict() {
            return notVerified() ? Verdict.NOT_VERIFIED : failed() ? Verdict.FAILED : Verdict.PASSED;
        }

        /** Why no one could judge it, as one of {@link NotVerifiedKind}; read from the reason. */
        public NotVerifiedKind notVerifiedKind() {
            return NotVerifiedKind.of(status.equals("unknown") && message.isBlank() ? reason() : message);
        }

        /** What the hardening checklist's mapping reads of it. */
        public HardeningChecklist.Check check() {
            return new HardeningChecklist.Check(feature, story, testClass, method, name);
        }

        /** The reason's first line, "Assumption failed: " dropped; a line that ends in ':' keeps the line after it. */
        public String reason() {
            if (status.equals("unknown") && message.isBlank()) {
                return "no verdict was recorded: the test did not finish";
            }
            String m = message.startsWith(ASSUMPTION) ? message.substring(ASSUMPTION.length()) : message;
            List<String> lines = m.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (lines.isEmpty()) {
                return "skipped without a reason";
            }
            String first = lines.get(0);
            return first.endsWith(":") && lines.size() > 1 ? first + " " + lines.get(1) : first;
        }

        String item() {
            return story.isEmpty() ? feature : feature + " / " + story;
        }
    }

    /** A test's verdict. */
    public enum Verdict {
        PASSED("passed"), FAILED("failed"), NOT_VERIFIED("not verified");

        private final String word;

        Verdict(String word) {
            this.word = word;
        }

        @Override
        public String toString() {
            return word;
        }
    }

    /**
     * Why a check was not verified, read from its reason (the first that fits, in this order: a budget
     * message also names the grant that would give more).
     */
    public enum NotVerifiedKind {
        BUDGET("budget", "the login or rate-limit budget this run had left",
                "(?is).*(rate limits leave|rate-limits this runner|refused the first request|budget|\\b429\\b|refused for ).*"),
        GRANT("grant", "a grant or secret the environment does not give",
                "(?s).*(grants\\.|[Ss]ecret|Cannot open the target: Missing).*"),
        WINDOW("window", "a window or lifetime longer than the run can wait for",
                "(?is).*(window|maxWaitSeconds|lifetime|TtlSeconds).*"),
        POLICY("policy", "the environment's policy turns the check off", "(?s).*policy\\.[\\w.]+ is (false|empty|0)\\b.*"),
        UNREACHABLE("unreachable", "the target or a datastore could not be reached",
                "(?is).*(could not be sent|Cannot open the target|unreachable|did not finish|refused the connection).*"),
        OTHER("other", "the check could not reach a verdict", "(?s).*");

        private final String key;
        private final String words;
        private final Pattern reason;

        NotVerifiedKind(String key, String words, String reason) {
            this.key = key;
            this.words = words;
            this.reason = Pattern.compile(reason);
        }

        static NotVerifiedKind of(String reason) {
            for (NotVerifiedKind k : values()) {
                if (k.reason.matcher(reason).matches()) {
                    return k;
                }
            }
            return OTHER;
        }

        /** Short and stable, for the summary's JSON: budget, grant, window, policy, unreachable, other. */
        public String key() {
            return key;
        }

        /** For a reader: "a grant or secret the environment does not give". */
        public String words() {
            return words;
        }
    }

    /**
     * What the run accepts as not verified, and why: every check ({@code -Docmt.allowUnverified=true}),
     * the checks of some tags ({@code policy.run.allowUnverified}), and the checks of checklist items the
     * environment declares not applicable ({@code policy.run.notApplicable}), where every item a check
     * judges is declared so.
     */
    public record Allowance(boolean all, Collection<String> tags, Map<String, String> notApplicable, HardeningChecklist checklist) {

        public Allowance {
            tags = tags.stream().map(String::strip).filter(t -> !t.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
            notApplicable = Map.copyOf(notApplicable);
        }

        public static Allowance of(boolean all, Collection<String> tags) {
            return new Allowance(all, tags, Map.of(), null);
        }

        /** What allows {@code r} to stay not verified, or empty where nothing does. */
        public Optional<String> allows(Result r) {
            if (all) {
                return Optional.of("-D" + ALLOW_ALL + "=true");
            }
            if (r.tags().stream().anyMatch(tags::contains)) {
                return Optional.of(ALLOW_KEY + "=[" + String.join(", ", tags) + "]");
            }
            if (checklist != null && !notApplicable.isEmpty()) {
                List<HardeningChecklist.Item> items = checklist.itemsJudgedBy(r.check());
                if (!items.isEmpty() && items.stream().allMatch(i -> notApplicable.containsKey(i.id()))) {
                    return Optional.of(NOT_APPLICABLE_KEY + " (" + items.stream().map(HardeningChecklist.Item::id)
                            .collect(Collectors.joining(", ")) + ")");
                }
            }
            return Optional.empty();
        }
    }

    /** What the run's results mean for the build. */
    public record Decision(List<Result> allowed, List<Result> refused, long failed, boolean failuresFailTheBuild,
                           String allowedBy, List<String> lines) {

        /** {@value #EXIT_STATUS} when this step ends the build; 0 when it leaves the verdict to failsafe (1 on failures) or passes. */
        public int exitStatus() {
            return !refused.isEmpty() && !failuresFailTheBuild ? EXIT_STATUS : 0;
        }

        /** How the build ends: 1 where failsafe's verify fails it next, else {@link #exitStatus()}. */
        public int buildExitStatus() {
            return failuresFailTheBuild ? 1 : exitStatus();
        }

        /** Why the build ends with {@link #buildExitStatus()}, in one sentence. */
        public String exitReason() {
            if (failuresFailTheBuild) {
                return failed + (failed == 1 ? " check" : " checks") + " failed or broke; failsafe's verify ends the build with 1"
                        + (refused.isEmpty() ? "" : ", and " + count(refused.size()) + " not verified and not allowed would end it with "
                        + EXIT_STATUS + " once they pass");
            }
            if (!refused.isEmpty()) {
                return count(refused.size()) + " not verified and not allowed" + (failed > 0
                        ? "; " + failed + " failed as well, but -Dmaven.test.failure.ignore keeps failsafe from ending the build" : "");
            }
            String rest = allowed.isEmpty() ? "" : "; " + count(allowed.size()) + " not verified, all allowed by " + allowedBy;
            return (failed > 0 ? failed + " failed, but -Dmaven.test.failure.ignore keeps failsafe from ending the build"
                    : "every check that ran and was judged passed") + rest;
        }
    }

    /** Every {@code *-result.json} of an Allure results directory, in file-name order, with the evidence each carries. */
    public static List<Result> read(Path resultsDirectory) {
        if (!Files.isDirectory(resultsDirectory)) {
            return List.of();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> raw = new ArrayList<>();
        List<JsonNode> containers = new ArrayList<>();
        try (Stream<Path> files = Files.list(resultsDirectory)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith("-result.json")) {
                    raw.add(json.readTree(f.toFile()));
                } else if (name.endsWith("-container.json")) {
                    containers.add(json.readTree(f.toFile()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Allure results in " + resultsDirectory, e);
        }
        ResultEvidence evidence = new ResultEvidence(resultsDirectory, containers);
        // A dynamic test carries no tag of its own (JUnit gives it none): it has its class's.
        Map<String, Set<String>> classTags = new LinkedHashMap<>();
        for (JsonNode r : raw) {
            Set<String> tags = labels(r, "tag");
            if (!tags.isEmpty()) {
                classTags.computeIfAbsent(label(r, "testClass"), k -> new TreeSet<>()).addAll(tags);
            }
        }
        List<Result> results = new ArrayList<>();
        for (JsonNode r : raw) {
            Set<String> tags = labels(r, "tag");
            if (tags.isEmpty()) {
                tags = classTags.getOrDefault(label(r, "testClass"), Set.of());
            }
            String method = label(r, "testMethod");
            String name = r.path("name").asText("");
            boolean dynamic = r.path("testCaseId").asText("").contains("[dynamic-test:");
            String test = method.isEmpty() ? name : dynamic ? method + " › " + name : method;
            // Allure lists a class's feature and story before its method's: the method's, the last, is the test's own.
            String feature = lastLabel(r, "feature");
            String testClass = label(r, "testClass");
            results.add(new Result(test, feature.isEmpty() ? label(r, "suite") : feature, lastLabel(r, "story"), tags,
                    r.path("status").asText("unknown"), r.path("statusDetails").path("message").asText(""),
                    testClass.substring(testClass.lastIndexOf('.') + 1), method.isEmpty() ? name : method, name, label(r, "epic"),
                    evidence.of(r), r.path("start").asLong(0), r.path("stop").asLong(0)));
        }
        return results;
    }

    private static String label(JsonNode result, String name) {
        return labels(result, name).stream().findFirst().orElse("");
    }

    private static String lastLabel(JsonNode result, String name) {
        return labels(result, name).stream().reduce((first, second) -> second).orElse("");
    }

    private static Set<String> labels(JsonNode result, String name) {
        Set<String> values = new LinkedHashSet<>();
        for (JsonNode l : result.path("labels")) {
            if (name.equals(l.path("name").asText())) {
                values.add(l.path("value").asText());
            }
        }
        return values;
    }

    /**
     * Failures failsafe found, from its {@code failsafe-summary.xml}: errors, failures, a time-out or a
     * run that ended abnormally. Zero where the file is missing (the Allure results still count).
     */
    public static long failsafeFailures(Path summary) {
        if (!Files.isRegularFile(summary)) {
            return 0;
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(summary.toFile());
            var root = doc.getDocumentElement();
            long count = number(doc, "errors") + number(doc, "failures");
            String result = root.getAttribute("result").strip();
            boolean abnormal = !(result.isEmpty() || result.equals("null") || result.equals("0"))
                    || Boolean.parseBoolean(root.getAttribute("timeout"));
            return count > 0 ? count : abnormal ? 1 : 0;
        } catch (Exception e) {
            // A summary that cannot be read is failsafe's to report; count it as a failure, so this never hides it.
            return 1;
        }
    }

    private static long number(Document doc, String element) {
        var nodes = doc.getElementsByTagName(element);
        if (nodes.getLength() == 0) {
            return 0;
        }
        try {
            return Long.parseLong(nodes.item(0).getTextContent().strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * @param allowAll             {@code -Docmt.allowUnverified=true}
     * @param allowedTags          {@code policy.run.allowUnverified}
     * @param failsafeFailures     what failsafe's summary counts ({@link #failsafeFailures})
     * @param failuresFailTheBuild false where failsafe was told to ignore failures ({@code -Dmaven.test.failure.ignore})
     */
    public static Decision decide(List<Result> results, boolean allowAll, Collection<String> allowedTags, long failsafeFailures,
                                  boolean failuresFailTheBuild) {
        return decide(results, Allowance.of(allowAll, allowedTags), failsafeFailures, failuresFailTheBuild);
    }

    /** The one decision, from each result's {@link Result#verdict()}: which not-verified checks are allowed, and the exit status. */
    public static Decision decide(List<Result> results, Allowance allowance, long failsafeFailures, boolean failuresFailTheBuild) {
        List<Result> notVerified = results.stream().filter(r -> r.verdict() == Verdict.NOT_VERIFIED)
                .sorted(Comparator.comparing(Result::feature).thenComparing(Result::story).thenComparing(Result::test))
                .toList();
        List<Result> allowed = new ArrayList<>();
        List<Result> refused = new ArrayList<>();
        Map<String, List<Result>> allowedBy = new LinkedHashMap<>();
        for (Result r : notVerified) {
            Optional<String> by = allowance.allows(r);
            (by.isPresent() ? allowed : refused).add(r);
            by.ifPresent(b -> allowedBy.computeIfAbsent(b, k -> new ArrayList<>()).add(r));
        }
        // A broken result counts here even when its message files it under "not verified": failsafe counts it as an error.
        long failed = Math.max(results.stream().filter(Result::failed).count(), failsafeFailures);
        boolean failing = failed > 0 && failuresFailTheBuild;
        String allowedByText = allowedBy.isEmpty()
                ? allowance.all() ? "-D" + ALLOW_ALL + "=true"
                : allowance.tags().isEmpty() ? "" : ALLOW_KEY + "=[" + String.join(", ", allowance.tags()) + "]"
                : String.join(" and ", allowedBy.keySet().stream().map(k -> k.replaceFirst(" \\(.*", "")).distinct().toList());

        List<String> lines = new ArrayList<>();
        lines.addAll(itemLines("Not verified", refused));
        allowedBy.forEach((by, list) -> lines.addAll(itemLines("Not verified, allowed by " + by, list)));
        if (notVerified.isEmpty()) {
            lines.add("Every check that ran was judged: none is not verified.");
        } else if (refused.isEmpty()) {
            lines.add(count(allowed.size()) + " not verified, all allowed by " + allowedByText + ": they do not change the exit status.");
        } else {
            Set<String> tags = refused.stream().flatMap(r -> r.tags().stream()).collect(Collectors.toCollection(TreeSet::new));
            String allowHow = tags.isEmpty()
                    ? "-D" + ALLOW_ALL + "=true (they carry no tag to name)"
                    : "-Docmt." + ALLOW_KEY + "=[" + String.join(",", tags) + "] (or " + ALLOW_KEY + " in the environment file), or -D"
                    + ALLOW_ALL + "=true for every one";
            String what = count(refused.size()) + " not verified and not allowed" + (tags.isEmpty() ? "" : " (tags: " + String.join(", ", tags) + ")");
            if (failing) {
                lines.add(what + "; " + failed + (failed == 1 ? " test" : " tests") + " failed as well, which failsafe reports next"
                        + " (exit status 1). Once those pass, this list ends the build with exit status " + EXIT_STATUS + " unless allowed: "
                        + allowHow + ".");
            } else {
                lines.add(what + ": the build ends with exit status " + EXIT_STATUS + ". Where whoever signs the report accepts"
                        + " that these were not judged, allow them with " + allowHow + ".");
            }
        }
        return new Decision(List.copyOf(allowed), List.copyOf(refused), failed, failing, allowedByText,
                lines.stream().map(Redactor::text).toList());
    }

    private static String count(int n) {
        return n + (n == 1 ? " check" : " checks");
    }

    /** One line per checklist item: its tests, each with its tags and reason. */
    private static List<String> itemLines(String heading, List<Result> results) {
        Map<String, List<Result>> byItem = new LinkedHashMap<>();
        results.forEach(r -> byItem.computeIfAbsent(r.item(), k -> new ArrayList<>()).add(r));
        return byItem.entrySet().stream()
                .map(e -> heading + ": " + e.getKey() + ": " + e.getValue().stream()
                        .map(r -> r.test() + (r.tags().isEmpty() ? "" : " [" + String.join(",", new TreeSet<>(r.tags())) + "]")
                                + " (" + r.reason() + ")")
                        .collect(Collectors.joining("; ")))
                .toList();
    }

    /**
     * Run by the build after the HTML report (post-integration-test), in Maven's JVM so that -D overrides
     * reach it. Arguments: the Allure results directory, failsafe's summary file, the report directory.
     * Ends the JVM, and so Maven, with {@value #EXIT_STATUS} when the decision says so.
     */
    public static void main(String[] args) {
        int status = run(args, System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Prints the list, writes it to {@value #FILE} in the report directory, writes the sign-off summary
     * ({@link SignOff}) beside it, prints the summary's headline, and returns the exit status.
     */
    static int run(String[] args, PrintStream out) {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: RunVerdict <allure-results dir> <failsafe-summary.xml> <report dir>");
        }
        Path resultsDir = Path.of(args[0]);
        Path report = Path.of(args[2]);
        List<String> allowedTags = List.of();
        Map<String, String> notApplicable = Map.of();
        Environment env = null;
        List<String> lines = new ArrayList<>();
        try {
            env = Environments.fromSystem();
            if (env.policy().run() != null) {
                allowedTags = env.policy().run().allowUnverified();
                notApplicable = env.policy().run().notApplicable();
            }
        } catch (ConfigException e) {
            lines.add(Redactor.text("The environment did not load (" + e.getMessage() + "), so " + ALLOW_KEY + " allows no tag and "
                    + NOT_APPLICABLE_KEY + " declares no item."));
        }
        boolean allowAll = Boolean.parseBoolean(System.getProperty(ALLOW_ALL, "false").strip().toLowerCase(Locale.ROOT));
        boolean ignoreFailures = Boolean.parseBoolean(System.getProperty("maven.test.failure.ignore", "false").strip());
        HardeningChecklist checklist = HardeningChecklist.load();
        Allowance allowance = new Allowance(allowAll, allowedTags, notApplicable, checklist);
        List<Result> results = read(resultsDir);
        Decision decision = decide(results, allowance, failsafeFailures(Path.of(args[1])), !ignoreFailures);
        lines.addAll(decision.lines());
        lines.forEach(l -> out.println(PREFIX + Redactor.text(l)));
        Path file = report.resolve(FILE);
        try {
            Files.createDirectories(report);
            Files.writeString(file, String.join("\n", lines) + "\n");
            out.println(PREFIX + Redactor.text("This list is also in " + file + "."));
        } catch (IOException e) {
            out.println(PREFIX + Redactor.text("Could not write " + file + ": " + e.getMessage()));
        }
        SignOff signOff = SignOff.of(results, checklist, decision, allowance, context(env, resultsDir, notApplicable));
        try {
            Path md = signOff.write(report);
            out.println(PREFIX + Redactor.text("Sign-off: " + signOff.headline() + " Summary: " + md + " and "
                    + md.resolveSibling(SignOff.JSON) + "."));
        } catch (IOException e) {
            out.println(PREFIX + Redactor.text("Sign-off: " + signOff.headline() + " Could not write it to " + report + ": " + e.getMessage()));
        }
        out.flush();
        return decision.exitStatus();
    }

    /** What the summary says about the run: from the environment widget the suites wrote, else from the environment. */
    static SignOff.Context context(Environment env, Path resultsDir, Map<String, String> notApplicable) {
        Properties widget = new Properties();
        Path file = resultsDir.resolve("environment.properties");
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file)) {
                widget.load(in);
            } catch (IOException e) {
                // The summary then says what it does not know.
            }
        }
        String notOpened = "unknown: no suite opened the target";
        String target = widget.getProperty("Target", env == null || env.target().httpsUrl() == null ? notOpened : env.target().httpsUrl());
        return new SignOff.Context(
                widget.getProperty("Environment", env == null ? Environments.selectedName() : env.name()),
                target,
                widget.getProperty("Target.release", notOpened),
                System.getProperty(EXPECT_RELEASE, "").strip(),
                widget.getProperty("Suite.version", System.getProperty("ocmt.suite.version", "dev")),
                Instant.now(),
                env == null ? List.of() : env.overrides().stream().map(AppliedOverride::describe).toList(),
                env == null ? "none (the environment did not load)" : EffectivePolicy.unverifiedAllowed(env),
                notApplicable);
    }
}
