package io.ocmt.verify.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.junitplatform.AllureJunitPlatform;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.FixtureResult;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a small class with {@link SuiteReport} under allure-junit-platform's own listener, writing to
 * memory: the class's set-up carries the "Effective policy and overrides" attachment, and its dynamic
 * tests carry its tag.
 */
class SuiteReportTest {

    @ExtendWith(SuiteReport.class)
    @Tag("health")
    static class Sample {
        @Test
        void judged() {
        }

        @TestFactory
        Stream<DynamicTest> several() {
            return Stream.of(DynamicTest.dynamicTest("one", () -> { }), DynamicTest.dynamicTest("two", () -> { }));
        }
    }

    static final class InMemory implements AllureResultsWriter {
        final List<TestResult> results = new CopyOnWriteArrayList<>();
        final List<TestResultContainer> containers = new CopyOnWriteArrayList<>();
        final Map<String, String> attachments = new ConcurrentHashMap<>();

        @Override
        public void write(TestResult result) {
            results.add(result);
        }

        @Override
        public void write(TestResultContainer container) {
            containers.add(container);
        }

        @Override
        public void write(String source, InputStream in) {
            try (in) {
                attachments.put(source, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A remote environment whose target refuses connections at once: the extension's look at the opened
     * target fails fast (no reference stack is started), and it falls back to the run's settings.
     */
    @Test
    void theClassSetUpCarriesTheEffectivePolicyAndDynamicTestsTheClassTag(@TempDir Path project) throws IOException {
        Files.createDirectories(project.resolve("environments"));
        Files.writeString(project.resolve("environments/unit.yaml"), """
                target:
                  httpsUrl: https://127.0.0.1:1/
                  httpUrl: http://127.0.0.1:1/
                  tlsHost: 127.0.0.1
                  tlsPort: 1
                  connectTimeoutMs: 500
                """);
        InMemory written = new InMemory();
        AllureLifecycle lifecycle = new AllureLifecycle(written);
        AllureLifecycle before = Allure.getLifecycle();
        Map<String, String> properties = Map.of("env", "unit", "ocmt.project.dir", project.toString(),
                "ocmt.policy.headers.hsts.minMaxAge", "86400");
        Map<String, String> previous = new java.util.HashMap<>();
        properties.keySet().forEach(k -> previous.put(k, System.getProperty(k)));
        properties.forEach(System::setProperty);
        Allure.setLifecycle(lifecycle);
        try {
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false)
                    .addTestExecutionListeners(new AllureJunitPlatform(lifecycle))
                    .build());
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Sample.class)).build());
        } finally {
            Allure.setLifecycle(before);
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }

        List<FixtureResult> setUps = written.containers.stream().flatMap(c -> c.getBefores().stream()).toList();
        assertThat(setUps).singleElement().satisfies(f -> {
            assertThat(f.getName()).isEqualTo(SuiteReport.ATTACHMENT);
            assertThat(f.getAttachments()).extracting(Attachment::getName).containsExactly(SuiteReport.ATTACHMENT);
            String text = written.attachments.get(f.getAttachments().get(0).getSource());
            assertThat(text).contains("Environment 'unit'")
                    .contains("policy.headers.hsts.minMaxAge = 86400 (was 31536000; system property -Docmt.policy.headers.hsts.minMaxAge)")
                    .contains("\npolicy:\n  health:\n").contains("minMaxAge: 86400");
        });
        assertThat(written.results).extracting(TestResult::getName).containsExactlyInAnyOrder("judged()", "one", "two");
        assertThat(written.results).allSatisfy(r -> assertThat(r.getLabels()).filteredOn(l -> l.getName().equals("tag"))
                .extracting(Label::getValue).containsExactly("health"));
    }
}
