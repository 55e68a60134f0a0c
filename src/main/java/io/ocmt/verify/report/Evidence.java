package io.ocmt.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.FixtureResult;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The only way the suite writes into the Allure report: every attachment and every step name passes
 * through the {@link Redactor} here, whatever the caller built it from (a datastore's settings, a
 * response, a measurement). {@code EvidenceOnlyTest} fails any other code in the library or the
 * suites that calls Allure's attachment or step API itself. Outside a running test (a preflight, a
 * benchmark) nothing is recorded.
 */
public final class Evidence {

    private Evidence() {
    }

    /** A text attachment of the current test or step, its name and its text redacted. */
    public static void attach(String name, String text) {
        attach(name, "text/plain", text, ".txt");
    }

    /** As {@link Allure#addAttachment(String, String, String, String)}, with name and content redacted: a drop-in replacement. */
    public static void attach(String name, String type, String content, String fileExtension) {
        if (recording()) {
            Allure.addAttachment(Redactor.text(name), type, Redactor.text(content == null ? "" : content), fileExtension);
        }
    }

    /** A label of the current test (a tag, a feature), its value redacted like everything else. */
    public static void label(String name, String value) {
        if (recording()) {
            Allure.label(name, Redactor.text(value));
        }
    }

    /** A finished step, named with {@code name} redacted: a wait, a note, something seen on the way. */
    public static void step(String name) {
        step(name, Status.PASSED);
    }

    /** A finished step with {@code status}, e.g. {@link Status#BROKEN} for a warning that does not fail the test. */
    public static void step(String name, Status status) {
        if (recording()) {
            try (Step ignored = open(name)) {
                ignored.status(status);
            }
        }
    }

    /**
     * A step that stays open until closed, for evidence with attachments of its own (a request and its
     * response); every name it takes is redacted. Outside a running test it records nothing.
     */
    public static Step open(String name) {
        return new Step(recording() ? UUID.randomUUID().toString() : null, name);
    }

    /**
     * Text attachments of the whole run, once its tests are over (the requests it sent): Allure has no
     * run-level attachment, so they are a finished tear-down step, {@code fixture}, of every test result
     * in {@code results} (each test shows it under "Tear down"; the files are written once). Names and
     * texts are redacted. Returns how many test results it was added to.
     */
    public static int attachToRun(Path results, String fixture, Map<String, String> texts) {
        try {
            FileSystemResultsWriter writer = new FileSystemResultsWriter(results);
            List<Attachment> attachments = new ArrayList<>();
            texts.forEach((name, text) -> {
                String source = UUID.randomUUID() + "-attachment.txt";
                writer.write(source, new ByteArrayInputStream(Redactor.text(text == null ? "" : text).getBytes(StandardCharsets.UTF_8)));
                attachments.add(new Attachment().setName(Redactor.text(name)).setType("text/plain").setSource(source));
            });
            List<String> children = testResults(results);
            long now = System.currentTimeMillis();
            FixtureResult step = new FixtureResult().setName(Redactor.text(fixture)).setStatus(Status.PASSED).setStage(Stage.FINISHED)
                    .setStart(now).setStop(now).setAttachments(attachments);
            writer.write(new TestResultContainer().setUuid(UUID.randomUUID().toString()).setName(Redactor.text(fixture))
                    .setChildren(children).setAfters(List.of(step)).setStart(now).setStop(now));
            return children.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uuid of every test result written to {@code results} so far. */
    private static List<String> testResults(Path results) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith("-result.json")).sorted().toList()) {
                JsonNode uuid = json.readTree(f.toFile()).get("uuid");
                if (uuid != null && uuid.isTextual()) {
                    out.add(uuid.asText());
                }
            }
        }
        return out;
    }

    /** Whether a test (or a step of one) is running, so that what is attached now lands in the report. */
    public static boolean recording() {
        return Allure.getLifecycle().getCurrentTestCaseOrStep().isPresent();
    }

    /** An open step; {@link #close()} ends it. */
    public static final class Step implements AutoCloseable {
        private final String uuid;

        private Step(String uuid, String name) {
            this.uuid = uuid;
            if (uuid != null) {
                lifecycle().startStep(uuid, new StepResult().setName(Redactor.text(name)).setStatus(Status.PASSED));
            }
        }

        /** Renames the step, e.g. with the answer's status once it arrived. */
        public Step rename(String name) {
            if (uuid != null) {
                String redacted = Redactor.text(name);
                lifecycle().updateStep(uuid, s -> s.setName(redacted));
            }
            return this;
        }

        public Step status(Status status) {
            if (uuid != null) {
                lifecycle().updateStep(uuid, s -> s.setStatus(status));
            }
            return this;
        }

        @Override
        public void close() {
            if (uuid != null) {
                lifecycle().stopStep(uuid);
            }
        }

        private static AllureLifecycle lifecycle() {
            return Allure.getLifecycle();
        }
    }
}
