package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link Evidence} writes into a report: names and contents after the {@link Redactor}, never before. */
class EvidenceTest {

    private static final String SECRET = "evidence-test-secret-7f3a";

    /** Results as Allure would write them, kept in memory. */
    private static final class Recorded implements AllureResultsWriter {
        final List<TestResult> results = new ArrayList<>();
        final Map<String, String> attachments = new LinkedHashMap<>();

        @Override
        public void write(TestResult result) {
            results.add(result);
        }

        @Override
        public void write(TestResultContainer container) {
        }

        @Override
        public void write(String source, InputStream attachment) {
            try {
                attachments.put(source, new String(attachment.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private AllureLifecycle previous;
    private Recorded recorded;
    private String testUuid;

    @BeforeEach
    void ownLifecycle() {
        previous = Allure.getLifecycle();
        recorded = new Recorded();
        Allure.setLifecycle(new AllureLifecycle(recorded));
        Redactor.registerSecret(SECRET);
    }

    @AfterEach
    void restoreLifecycle() {
        Allure.setLifecycle(previous);
    }

    private void startTest() {
        testUuid = UUID.randomUUID().toString();
        Allure.getLifecycle().scheduleTestCase(new TestResult().setUuid(testUuid).setName("t"));
        Allure.getLifecycle().startTestCase(testUuid);
    }

    private TestResult finishTest() {
        Allure.getLifecycle().stopTestCase(testUuid);
        Allure.getLifecycle().writeTestCase(testUuid);
        return recorded.results.get(0);
    }

    @Test
    void attachmentsAreRedactedInNameAndContent() {
        startTest();
        Evidence.attach("Settings of " + SECRET, "requirepass " + SECRET + "\nurl postgresql://ocmt:pg-Pass-1@db/ocmt");
        Evidence.attach("Drop-in", "text/plain", "token=" + SECRET, ".txt");
        TestResult result = finishTest();

        assertThat(recorded.attachments.values()).hasSize(2).noneMatch(c -> c.contains(SECRET) || c.contains("pg-Pass-1"));
        assertThat(recorded.attachments.values()).anyMatch(c -> c.contains("postgresql://ocmt:<redacted>@db/ocmt"));
        assertThat(result.getAttachments()).extracting(a -> a.getName())
                .containsExactly("Settings of <redacted>", "Drop-in");
    }

    @Test
    void stepNamesAreRedactedWhenOpenedAndWhenRenamed() {
        startTest();
        Evidence.step("waiting for " + SECRET);
        try (Evidence.Step step = Evidence.open("GET https://x.test/verify?token=" + SECRET)) {
            Evidence.attach("Response", "{\"sessionToken\":\"" + SECRET + "\"}");
            step.rename("GET https://x.test/verify?token=" + SECRET + " → 200");
        }
        Evidence.step("WARNING: " + SECRET, Status.BROKEN);
        TestResult result = finishTest();

        List<StepResult> steps = result.getSteps();
        assertThat(steps).extracting(StepResult::getName).containsExactly(
                "waiting for <redacted>", "GET https://x.test/verify?token=<redacted> → 200", "WARNING: <redacted>");
        assertThat(steps).extracting(StepResult::getStatus).containsExactly(Status.PASSED, Status.PASSED, Status.BROKEN);
        assertThat(steps.get(1).getAttachments()).hasSize(1);
        assertThat(recorded.attachments.values()).allMatch(c -> !c.contains(SECRET));
    }

    @Test
    void outsideATestNothingIsRecordedAndNothingFails() {
        Evidence.attach("nothing", "text " + SECRET);
        Evidence.step("nothing");
        try (Evidence.Step step = Evidence.open("nothing")) {
            step.rename("still nothing").status(Status.FAILED);
        }
        assertThat(Evidence.recording()).isFalse();
        assertThat(recorded.attachments).isEmpty();
        assertThat(recorded.results).isEmpty();
    }
}
