package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The report a release manager signs, the log and the console get nothing the {@link Redactor} has
 * not seen. Checked in the source, like {@code ReportMetadataTest} checks annotations, so a new
 * {@code Allure.addAttachment} in a suite or the library fails here instead of leaking a password
 * into a report nobody reads until it matters: the library and the suites write into the report
 * only through {@link Evidence}, and every console or log line with anything but literals in it
 * passes the Redactor on the way.
 */
class EvidenceOnlyTest {

    /**
     * Files other work owns at the moment, each with how many lines of such calls it still has and why
     * it is tolerated for now. An entry must match exactly: fix the file and this test asks for the entry
     * to go; add a call and it fails.
     */
    private static final Map<String, Pending> PENDING_REPORT = Map.of();

    private static final Map<String, Pending> PENDING_CONSOLE = Map.of();

    private record Pending(int lines, String why) {
    }

    /** Allure's API: whatever it is given lands in the report as it is. */
    private static final Pattern ALLURE_API = Pattern.compile(
            "\\bAllure\\s*\\.\\s*\\w+\\s*\\(|\\bAllureLifecycle\\b|\\bStepResult\\b|import\\s+static\\s+io\\.qameta\\.allure\\.Allure\\b"
                    + "|\\bio\\.qameta\\.allure\\.(Step|Attachment)\\b|\\bio\\.qameta\\.allure\\.model\\.(?!Status\\b)\\w+");

    /** Lines for the console or the log. */
    private static final Pattern CONSOLE = Pattern.compile(
            "\\b(?:System\\s*\\.\\s*(?:out|err)\\s*\\.\\s*(?:print|println|printf|format|write|append)|LOG\\s*\\.\\s*(?:trace|debug|info|warn|error)"
                    + "|\\w+\\s*\\.\\s*printStackTrace)\\s*\\(");

    private static final Path ROOT = Path.of(System.getProperty("user.dir"));

    @Test
    void onlyEvidenceWritesIntoTheReport() {
        Map<String, List<String>> found = new TreeMap<>();
        for (Path file : sources()) {
            String rel = ROOT.relativize(file).toString().replace('\\', '/');
            if (rel.equals("src/main/java/io/ocmt/verify/report/Evidence.java")) {
                continue;
            }
            String original = read(file);
            String code = Source.blankLiteralsAndComments(original);
            Matcher m = ALLURE_API.matcher(code);
            while (m.find()) {
                String line = "line " + Source.line(original, m.start()) + ": " + Source.lineText(original, m.start()).strip();
                List<String> lines = found.computeIfAbsent(rel, k -> new ArrayList<>());
                if (!lines.contains(line)) {
                    lines.add(line);
                }
            }
        }
        assertExactlyPending(found, PENDING_REPORT, "writes into the Allure report without report.Evidence (which redacts "
                + "every attachment and step name): use Evidence.attach(name, text) or Evidence.step(name)");
    }

    @Test
    void consoleAndLogLinesPassTheRedactor() {
        Map<String, List<String>> found = new TreeMap<>();
        for (Path file : sources()) {
            String rel = ROOT.relativize(file).toString().replace('\\', '/');
            String original = read(file);
            String code = Source.blankLiteralsAndComments(original);
            Matcher m = CONSOLE.matcher(code);
            while (m.find()) {
                String args = Source.arguments(code, m.end() - 1);
                if (m.group().contains("printStackTrace") || !Source.literalsOnly(args) && !args.contains("Redactor.")) {
                    found.computeIfAbsent(rel, k -> new ArrayList<>()).add("line " + Source.line(original, m.start()) + ": "
                            + Source.lineText(original, m.start()).strip());
                }
            }
        }
        assertExactlyPending(found, PENDING_CONSOLE, "writes a console or log line with something other than literals in it, "
                + "not through the Redactor: wrap it in Redactor.text(…)");
    }

    private static void assertExactlyPending(Map<String, List<String>> found, Map<String, Pending> pending, String rule) {
        List<String> problems = new ArrayList<>();
        found.forEach((file, lines) -> {
            Pending p = pending.get(file);
            if (p == null || p.lines() != lines.size()) {
                problems.add(file + " " + rule + (p == null ? "" : " (" + p.lines() + " tolerated for now: " + p.why() + ")")
                        + ":\n    " + String.join("\n    ", lines));
            }
        });
        pending.forEach((file, p) -> {
            if (!found.containsKey(file)) {
                problems.add(file + " no longer needs its entry in " + EvidenceOnlyTest.class.getSimpleName() + " (" + p.why()
                        + "): remove it, so the rule holds there too");
            }
        });
        assertThat(problems).as("code that can put a secret into the report, the log or the console").isEmpty();
    }

    private static List<Path> sources() {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(ROOT.resolve("src/main/java"), ROOT.resolve("src/test/java/io/ocmt/verify/suites"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(files).as("the sources under " + ROOT).hasSizeGreaterThan(50);
        return files;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Just enough of Java's lexical structure to tell code from comments and literals. */
    static final class Source {

        private Source() {
        }

        /**
         * The same text, offsets kept: comments become spaces, the contents of string, text-block and
         * char literals become 'x' (their quotes stay), so a pattern or a parenthesis inside them counts
         * for nothing.
         */
        static String blankLiteralsAndComments(String src) {
            StringBuilder out = new StringBuilder(src);
            int i = 0;
            int n = src.length();
            while (i < n) {
                char c = src.charAt(i);
                if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                    while (i < n && src.charAt(i) != '\n') {
                        out.setCharAt(i++, ' ');
                    }
                } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                    int end = src.indexOf("*/", i + 2);
                    end = end < 0 ? n : end + 2;
                    for (; i < end; i++) {
                        out.setCharAt(i, src.charAt(i) == '\n' ? '\n' : ' ');
                    }
                } else if (src.startsWith("\"\"\"", i)) {
                    int end = src.indexOf("\"\"\"", i + 3);
                    end = end < 0 ? n : end;
                    for (int k = i + 3; k < end; k++) {
                        out.setCharAt(k, src.charAt(k) == '\n' ? '\n' : 'x');
                    }
                    i = Math.min(n, end + 3);
                } else if (c == '"' || c == '\'') {
                    int k = i + 1;
                    while (k < n && src.charAt(k) != c && src.charAt(k) != '\n') {
                        if (src.charAt(k) == '\\') {
                            out.setCharAt(k++, 'x');
                        }
                        if (k < n) {
                            out.setCharAt(k++, 'x');
                        }
                    }
                    i = k + 1;
                } else {
                    i++;
                }
            }
            return out.toString();
        }

        /** The argument list of the call whose '(' is at {@code open}, without the parentheses. */
        static String arguments(String code, int open) {
            int depth = 0;
            for (int i = open; i < code.length(); i++) {
                char c = code.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return code.substring(open + 1, i);
                }
            }
            return code.substring(open + 1);
        }

        /** Only string literals, numbers, '+' and commas: nothing read at run time. */
        static boolean literalsOnly(String blankedArguments) {
            String rest = blankedArguments.replaceAll("\"x*\"", "").replaceAll("'x*'", "");
            return !rest.matches("(?s).*[A-Za-z_$].*");
        }

        static int line(String src, int offset) {
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (src.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }

        static String lineText(String src, int offset) {
            int start = src.lastIndexOf('\n', offset) + 1;
            int end = src.indexOf('\n', offset);
            return src.substring(start, end < 0 ? src.length() : end);
        }
    }

    @Test
    void theScanSeesCallsAndNotCommentsOrStrings() {
        String src = "class A {\n"
                + "  // Allure.addAttachment(\"x\", secret) in a comment\n"
                + "  /* LOG.info(secret) */\n"
                + "  String s = \"Allure.addAttachment(name, secret)\";\n"
                + "  void f() { Allure.addAttachment(\"Redis settings\", \"text/plain\", config.toString(), \".txt\"); }\n"
                + "  void g() { LOG.info(\"a {} b\", secret); LOG.info(\"only (literal) text\"); LOG.warn(\"x {}\", Redactor.text(m)); }\n"
                + "  void h() { System.out.println(\"[ocmt] \" + line); e.printStackTrace(); }\n"
                + "}\n";
        String code = Source.blankLiteralsAndComments(src);
        assertThat(code).hasSameSizeAs(src);
        Matcher allure = ALLURE_API.matcher(code);
        List<Integer> allureLines = new ArrayList<>();
        while (allure.find()) {
            allureLines.add(Source.line(src, allure.start()));
        }
        assertThat(allureLines).containsExactly(5);
        Matcher console = CONSOLE.matcher(code);
        List<String> flagged = new ArrayList<>();
        while (console.find()) {
            String args = Source.arguments(code, console.end() - 1);
            if (console.group().contains("printStackTrace") || !Source.literalsOnly(args) && !args.contains("Redactor.")) {
                flagged.add(Source.line(src, console.start()) + ":" + console.group().replaceAll("\\s*\\($", ""));
            }
        }
        assertThat(flagged).containsExactly("6:LOG.info", "7:System.out.println", "7:e.printStackTrace");
    }
}
