package io.ocmt.verify.junit;

import io.ocmt.verify.report.Categories;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the run sent to its target, in what is signed: an attachment of every test's tear-down
 * ({@value #FIXTURE}: the requests sent per route with the budget, and the plan the run started
 * with), lines {@code Requests.sent} and {@code Requests.budget} of the Allure report's environment
 * widget (written at the end of the run, beside what the widget says at its start), and {@code reports/<env>/requests.txt} beside the HTML
 * report ({@link #main}, after the report is generated, which empties that directory), the same text as
 * {@code target/requests.txt}: every request per route, the request budget and the login budget.
 */
public final class RunFootprint {

    static final String FILE = "requests.txt";
    /** Beside the Allure results, for the build to copy beside the report; Allure reads only its own files there. */
    static final String RESULTS_FILE = "ocmt-requests.txt";
    /** The report's tear-down step of every test that carries the run's request count. */
    static final String FIXTURE = "The run's requests to its target (policy.run.maxRequests)";
    static final String ATTACHMENT = "Requests sent, per route";
    static final String PLAN_ATTACHMENT = "Requests planned, per tag";

    private RunFootprint() {
    }

    /**
     * Adds the footprint's lines to {@code environment.properties} in the Allure results directory
     * ({@code allure.results.directory}), replacing any a previous write left; where the target was never
     * opened (a dry run), the file starts with them.
     */
    static void record(String sent, String budget, String requests, String plan) {
        String dir = System.getProperty("allure.results.directory");
        if (dir == null) {
            return;
        }
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("Requests.sent", sent);
        lines.put("Requests.budget", budget);
        try {
            Path results = Path.of(dir);
            Path file = results.resolve("environment.properties");
            List<String> kept = new ArrayList<>();
            if (Files.isRegularFile(file)) {
                Files.readAllLines(file).stream().filter(l -> !l.startsWith("Requests.")).forEach(kept::add);
            } else {
                Files.createDirectories(results);
                Categories.write(results);
            }
            lines.forEach((k, v) -> kept.add(k + "=" + Redactor.text(v).replace("\\", "\\\\").replace(":", "\\:")));
            Files.write(file, kept);
            Files.writeString(results.resolve(RESULTS_FILE), Redactor.text(requests));
            // Signed with every test it belongs to: the count sent, and what the run planned to send.
            Map<String, String> attachments = new LinkedHashMap<>();
            attachments.put(ATTACHMENT, requests);
            if (plan != null && !plan.isEmpty()) {
                attachments.put(PLAN_ATTACHMENT, plan);
            }
            Evidence.attachToRun(results, FIXTURE, attachments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Run by the build after the HTML report is generated: copies {@code args[0]} (the run's
     * {@value #RESULTS_FILE} in the Allure results directory, which the build empties before the suites,
     * so it is never an earlier run's) into the directory {@code args[1]} (reports/&lt;env&gt;) as
     * {@value #FILE}. A run that wrote none (no suite ran) copies nothing.
     */
    public static void main(String[] args) throws IOException {
        Path from = Path.of(args[0]);
        Path to = Path.of(args[1]);
        if (!Files.isRegularFile(from)) {
            return;
        }
        Files.createDirectories(to);
        Files.writeString(to.resolve(FILE), Redactor.text(Files.readString(from)));
    }
}
