package io.ocmt.verify.report;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import java.util.UUID;

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
