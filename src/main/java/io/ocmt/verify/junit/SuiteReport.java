package io.ocmt.verify.junit;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.report.EffectivePolicy;
import io.ocmt.verify.report.Evidence;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;

/**
 * What a suite's part of the report carries beyond its tests' verdicts, for {@link OcmtSuite} classes:
 * <ul>
 *   <li>before the class's first test, an attachment "Effective policy and overrides" (every key the
 *       run's {@code -Docmt.*} and {@code OCMT_*} set, and the merged {@code policy:} tree), recorded
 *       as a set-up of the class, so Allure shows it under every test's set-up;</li>
 *   <li>on every dynamic test, its class's tags as Allure {@code tag} labels (JUnit gives a dynamic test
 *       none), so the report and the run's not-verified list can name its tag.</li>
 * </ul>
 * Neither is done in a run a self-test starts inside another test (configuration parameters
 * {@value OcmtExtension#SWITCHES}, {@value OcmtExtension#OVERRIDES}, {@value OcmtExtension#KEEP}):
 * Allure would put them on the self-test.
 */
public final class SuiteReport implements BeforeAllCallback, InvocationInterceptor {

    public static final String ATTACHMENT = "Effective policy and overrides";

    /**
     * allure-junit-platform's protocol (AllureJunitPlatform.ALLURE_FIXTURE and its events, as allure-jupiter
     * sends them): a report entry that starts a set-up fixture in the class's container, which makes
     * it the current Allure context for the attachment, and one that stops it.
     */
    private static final String FIXTURE = "allure.fixture";
    private static final String PREPARE = "prepare";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (insideAnotherTest(context)) {
            return;
        }
        String text;
        try {
            text = EffectivePolicy.describe(environment(context));
        } catch (RuntimeException e) {
            return; // the preflight said why the environment does not load, and every test says it again
        }
        String uuid = UUID.randomUUID().toString();
        context.publishReportEntry(Map.of(FIXTURE, PREPARE, "event", "start", "uuid", uuid, "name", ATTACHMENT));
        try {
            Evidence.attach(ATTACHMENT, "text/plain", text, ".txt");
        } finally {
            context.publishReportEntry(Map.of(FIXTURE, PREPARE, "event", "stop", "uuid", uuid));
        }
    }

    /**
     * The environment the suite's tests judge by: the opened target's, which the suite opens anyway (an
     * embedded stack's addresses and grants are derived into it, so an override shows what it replaced
     * there); where the target cannot be opened, as the run's settings load it (the tests say why).
     */
    private static Environment environment(ExtensionContext context) {
        try {
            return OcmtExtension.target(context).environment();
        } catch (RuntimeException notOpened) {
            return Environments.fromSystem();
        }
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext invocationContext,
                                     ExtensionContext context) throws Throwable {
        if (!insideAnotherTest(context)) {
            Set<String> tags = new TreeSet<>();
            for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
                tags.addAll(c.get().getTags());
            }
            tags.forEach(tag -> Evidence.label("tag", tag));
        }
        invocation.proceed();
    }

    private static boolean insideAnotherTest(ExtensionContext context) {
        return Stream.of(OcmtExtension.SWITCHES, OcmtExtension.OVERRIDES, OcmtExtension.KEEP)
                .anyMatch(k -> context.getConfigurationParameter(k).isPresent());
    }
}
