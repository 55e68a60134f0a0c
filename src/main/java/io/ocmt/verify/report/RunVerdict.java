package io.ocmt.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
     * @param test    the test method, or for a dynamic test its factory and display name
     * @param feature the checklist section (Allure feature), or the suite where there is none
     * @param story   the checklist item (Allure story), or empty
     * @param tags    the JUnit tags of the test, or of its class
     * @param status  Allure's: passed, failed, broken, skipped, unknown
     * @param message the reason Allure recorded (statusDetails.message), or empty
     */
    public record Result(String test, String feature, String story, Set<String> tags, String status, String message) {

        public Result {
            tags = Set.copyOf(tags);
            message = message == null ? "" : message;
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

    /** What the run's results mean for the build. */
    public record Decision(List<Result> allowed, List<Result> refused, long failed, boolean failuresFailTheBuild,
                           String allowedBy, List<String> lines) {

        /** {@value #EXIT_STATUS} when this step ends the build; 0 when it leaves the verdict to failsafe (1 on failures) or passes. */
        public int exitStatus() {
            return !refused.isEmpty() && !failuresFailTheBuild ? EXIT_STATUS : 0;
        }
    }

    /** Every {@code *-result.json} of an Allure results directory, in file-name order. */
    public static List<Result> read(Path resultsDirectory) {
        if (!Files.isDirectory(resultsDirectory)) {
            return List.of();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> raw = new ArrayList<>();
        try (Stream<Path> files = Files.list(resultsDirectory)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith("-result.json")).sorted().toList()) {
                raw.add(json.readTree(f.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Allure results in " + resultsDirectory, e);
        }
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
            String feature = label(r, "feature");
            results.add(new Result(test, feature.isEmpty() ? label(r, "suite") : feature, label(r, "story"), tags,
                    r.path("status").asText("unknown"), r.path("statusDetails").path("message").asText("")));
        }
        return results;
    }

    private static String label(JsonNode result, String name) {
        return labels(result, name).stream().findFirst().orElse("");
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
        Set<String> allowedSet = allowedTags.stream().map(String::strip).filter(t -> !t.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        List<Result> notVerified = results.stream().filter(Result::notVerified)
                .sorted(Comparator.comparing(Result::feature).thenComparing(Result::story).thenComparing(Result::test))
                .toList();
        List<Result> allowed = new ArrayList<>();
        List<Result> refused = new ArrayList<>();
        for (Result r : notVerified) {
            (allowAll || r.tags().stream().anyMatch(allowedSet::contains) ? allowed : refused).add(r);
        }
        long failed = Math.max(results.stream().filter(Result::failed).count(), failsafeFailures);
        boolean failing = failed > 0 && failuresFailTheBuild;
        String allowedBy = allowAll ? "-D" + ALLOW_ALL + "=true"
                : allowedSet.isEmpty() ? "" : ALLOW_KEY + "=[" + String.join(", ", allowedSet) + "]";

        List<String> lines = new ArrayList<>();
        lines.addAll(itemLines("Not verified", refused));
        lines.addAll(itemLines("Not verified, allowed by " + allowedBy, allowed));
        if (notVerified.isEmpty()) {
            lines.add("Every check that ran was judged: none is not verified.");
        } else if (refused.isEmpty()) {
            lines.add(count(allowed.size()) + " not verified, all allowed by " + allowedBy + ": they do not change the exit status.");
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
        return new Decision(List.copyOf(allowed), List.copyOf(refused), failed, failing, allowedBy,
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

    /** Prints the list, writes it to {@value #FILE} in the report directory, and returns the exit status. */
    static int run(String[] args, PrintStream out) {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: RunVerdict <allure-results dir> <failsafe-summary.xml> <report dir>");
        }
        Path report = Path.of(args[2]);
        List<String> allowedTags;
        List<String> lines = new ArrayList<>();
        try {
            Environment env = Environments.fromSystem();
            allowedTags = env.policy().run() == null || env.policy().run().allowUnverified() == null
                    ? List.of() : env.policy().run().allowUnverified();
        } catch (ConfigException e) {
            allowedTags = List.of();
            lines.add(Redactor.text("The environment did not load (" + e.getMessage() + "), so " + ALLOW_KEY + " allows no tag."));
        }
        boolean allowAll = Boolean.parseBoolean(System.getProperty(ALLOW_ALL, "false").strip().toLowerCase(Locale.ROOT));
        boolean ignoreFailures = Boolean.parseBoolean(System.getProperty("maven.test.failure.ignore", "false").strip());
        Decision decision = decide(read(Path.of(args[0])), allowAll, allowedTags, failsafeFailures(Path.of(args[1])), !ignoreFailures);
        lines.addAll(decision.lines());
        lines.forEach(l -> out.println(PREFIX + l));
        Path file = report.resolve(FILE);
        try {
            Files.createDirectories(report);
            Files.writeString(file, String.join("\n", lines) + "\n");
            out.println(PREFIX + "This list is also in " + file + ".");
        } catch (IOException e) {
            out.println(PREFIX + "Could not write " + file + ": " + e.getMessage());
        }
        out.flush();
        return decision.exitStatus();
    }
}
