package io.ocmt.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The few lines of a test's Allure result a release manager can read in the sign-off summary without
 * opening the report: what the failure said, which requests the test sent, its short attachments and
 * the short ones of its fixtures (a longer one is named, to be read in the HTML report), and any
 * warning. Every line passes the {@link Redactor} and is cut to a length a table can hold.
 */
final class ResultEvidence {

    /** Longer lines are cut. */
    static final int MAX_LINE = 300;
    /** An attachment this short (and of this few lines) is quoted; a longer one is only named. */
    private static final int SHORT_ATTACHMENT = 300;
    private static final int SHORT_ATTACHMENT_LINES = 4;
    private static final int MAX_REQUESTS = 3;
    private static final int MAX_ATTACHMENTS = 4;
    private static final int MAX_FAILURE_LINES = 4;
    /** A line of a stack trace: the summary shows what the check found, the HTML report the trace. */
    private static final Pattern STACK_FRAME = Pattern.compile("at [\\w$.]+\\(.*\\)|\\.\\.\\. \\d+ more");
    private static final Pattern REQUEST_STEP = Pattern.compile("(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \\S+.*");
    /** A request step's own attachments: its name already says what was sent and what came back. */
    private static final Set<String> REQUEST_ATTACHMENTS = Set.of("Request");
    /** Attached to every test of a suite: the summary names the overrides once, at the top. */
    private static final Set<String> EVERYWHERE = Set.of("Effective policy and overrides");

    private final Path directory;
    /** A test's uuid to the fixtures (befores and afters of its containers) that ran around it. */
    private final Map<String, List<JsonNode>> fixtures = new HashMap<>();

    ResultEvidence(Path directory, List<JsonNode> containers) {
        this.directory = directory;
        for (JsonNode c : containers) {
            List<JsonNode> around = new ArrayList<>();
            c.path("befores").forEach(around::add);
            c.path("afters").forEach(around::add);
            if (around.isEmpty()) {
                continue;
            }
            for (JsonNode child : c.path("children")) {
                fixtures.computeIfAbsent(child.asText(), k -> new ArrayList<>()).addAll(around);
            }
        }
    }

    /** The evidence lines of one result. */
    List<String> of(JsonNode result) {
        List<String> lines = new ArrayList<>();
        String status = result.path("status").asText("");
        if (status.equals("failed") || status.equals("broken")) {
            List<String> failure = result.path("statusDetails").path("message").asText("").lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !STACK_FRAME.matcher(l).matches()).limit(MAX_FAILURE_LINES).toList();
            if (!failure.isEmpty()) {
                lines.add("failure: " + String.join(" ⏎ ", failure));
            }
        }
        List<String> requests = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<JsonNode> attachments = new ArrayList<>();
        result.path("attachments").forEach(attachments::add);
        walk(result.path("steps"), requests, warnings, attachments);
        warnings.forEach(w -> lines.add(w));
        if (!requests.isEmpty()) {
            lines.add("requests: " + String.join("; ", requests.subList(0, Math.min(MAX_REQUESTS, requests.size())))
                    + (requests.size() > MAX_REQUESTS ? "; … " + (requests.size() - MAX_REQUESTS) + " more" : ""));
        }
        int shown = 0;
        for (JsonNode a : attachments) {
            if (REQUEST_ATTACHMENTS.contains(a.path("name").asText()) || a.path("name").asText().startsWith("Response ")) {
                continue;
            }
            if (shown++ == MAX_ATTACHMENTS) {
                lines.add("… more attachments in the HTML report");
                break;
            }
            lines.add(attachment(a, true));
        }
        for (JsonNode fixture : fixtures.getOrDefault(result.path("uuid").asText(), List.of())) {
            for (JsonNode a : fixture.path("attachments")) {
                String line = attachment(a, false);
                if (line != null && !EVERYWHERE.contains(a.path("name").asText())) {
                    lines.add(line);
                }
            }
        }
        return lines.stream().map(ResultEvidence::line).toList();
    }

    private static void walk(JsonNode steps, List<String> requests, List<String> warnings, List<JsonNode> attachments) {
        for (JsonNode step : steps) {
            String name = step.path("name").asText("");
            if (REQUEST_STEP.matcher(name).matches()) {
                requests.add(name);
            } else if (name.startsWith("WARNING: ")) {
                warnings.add("warning: " + name.substring("WARNING: ".length()));
            }
            step.path("attachments").forEach(attachments::add);
            walk(step.path("steps"), requests, warnings, attachments);
        }
    }

    /** "name: text" for a short text attachment; a long one by name where {@code nameLong}, else nothing. */
    private String attachment(JsonNode a, boolean nameLong) {
        String name = a.path("name").asText("attachment");
        String text = read(a.path("source").asText(""));
        if (text == null) {
            return nameLong ? name + " (in the HTML report)" : null;
        }
        List<String> lines = text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (text.strip().length() <= SHORT_ATTACHMENT && lines.size() <= SHORT_ATTACHMENT_LINES) {
            return name + ": " + String.join(" ⏎ ", lines);
        }
        return nameLong ? name + " (" + lines.size() + " lines, in the HTML report)" : null;
    }

    private String read(String source) {
        if (source.isEmpty() || source.contains("/") || source.contains("\\")) {
            return null;
        }
        Path file = directory.resolve(source);
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 64 * 1024) {
                return null;
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Redacted, on one line, cut to {@value #MAX_LINE} characters. */
    static String line(String s) {
        String one = Redactor.text(s).replaceAll("\\s*[\\r\\n]+\\s*", " ⏎ ").strip();
        return one.length() <= MAX_LINE ? one : one.substring(0, MAX_LINE - 1) + "…";
    }
}
