package io.ocmt.verify.selftest;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.ocmt.verify.junit.OcmtExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * Runs a real suite, unchanged, against a reference stack with some controls broken, and says which
 * of its tests failed and why. This is how the suite proves each check can fail: the suite class is
 * the one operators run; only the target differs.
 */
final class BrokenStack {

    private BrokenStack() {
    }

    /** The outcome of each test of {@code suite}, by method name. */
    static SuiteOutcome run(Class<?> suite, String... switches) {
        return run(suite, List.of(selectClass(suite)), switches);
    }

    /**
     * Only some tests of the suite: for suites whose other tests take minutes of waiting (expiries,
     * rate-limit windows) and prove nothing about this switch.
     */
    static SuiteOutcome runTests(Class<?> suite, List<String> methods, String... switches) {
        return run(suite, selectors(suite, methods), switches);
    }

    private static List<DiscoverySelector> selectors(Class<?> suite, List<String> methods) {
        return methods.stream().map(name -> (DiscoverySelector) java.util.Arrays.stream(suite.getDeclaredMethods())
                .filter(m -> m.getName().equals(name)).findFirst()
                .map(m -> selectMethod(suite, m))
                .orElseThrow(() -> new IllegalArgumentException(suite.getSimpleName() + " has no test " + name))).toList();
    }

    /**
     * The whole suite on a stack with {@code switches}, judged under the environment's configuration
     * with {@code overrides} (key to value, e.g. policy.session.absoluteLifetimeSeconds to 20): how a
     * self-test shows a check fails under a policy the reference environment does not use, or shows
     * which rows a different policy fails.
     */
    static SuiteOutcome runWith(Class<?> suite, Map<String, String> overrides, String... switches) {
        return run(suite, List.of(selectClass(suite)), overrides, switches);
    }

    /** Some tests of the suite, as {@link #runTests}, under {@code overrides} as {@link #runWith}. */
    static SuiteOutcome runTestsWith(Class<?> suite, List<String> methods, Map<String, String> overrides, String... switches) {
        return run(suite, selectors(suite, methods), overrides, switches);
    }

    private static SuiteOutcome run(Class<?> suite, List<DiscoverySelector> selectors, String... switches) {
        return run(suite, selectors, Map.of(), switches);
    }

    private static SuiteOutcome run(Class<?> suite, List<DiscoverySelector> selectors, Map<String, String> overrides, String... switches) {
        List<Event> finished = EngineTestKit.engine("junit-jupiter")
                .selectors(selectors.toArray(DiscoverySelector[]::new))
                .configurationParameter(OcmtExtension.SWITCHES, String.join(",", switches))
                .configurationParameter(OcmtExtension.OVERRIDES, overrides.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")))
                .execute()
                .allEvents()
                .filter(e -> e.getType() == EventType.FINISHED)
                .filter(e -> e.getTestDescriptor().isTest() || e.getPayload(TestExecutionResult.class)
                        .map(r -> r.getStatus() != TestExecutionResult.Status.SUCCESSFUL).orElse(false))
                .toList();
        Map<String, TestExecutionResult> results = new TreeMap<>();
        for (Event e : finished) {
            // Dynamic tests carry their factory's method as source; their display name tells them apart.
            boolean dynamic = e.getTestDescriptor().getUniqueId().getLastSegment().getType().equals("dynamic-test");
            String name = dynamic ? e.getTestDescriptor().getDisplayName() : e.getTestDescriptor().getSource()
                    .filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName())
                    .orElse(e.getTestDescriptor().getDisplayName());
            results.put(name, e.getPayload(TestExecutionResult.class).orElseThrow());
        }
        String broken = String.join(",", switches) + (overrides.isEmpty() ? "" : " and " + overrides.keySet() + " overridden");
        return new SuiteOutcome(suite.getSimpleName(), broken, results);
    }

    record SuiteOutcome(String suite, String switches, Map<String, TestExecutionResult> results) {

        List<String> failed() {
            return results.entrySet().stream().filter(e -> e.getValue().getStatus() != TestExecutionResult.Status.SUCCESSFUL)
                    .map(Map.Entry::getKey).toList();
        }

        Optional<String> message(String test) {
            return Optional.ofNullable(results.get(test)).flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage);
        }

        @Override
        public String toString() {
            return suite + " against a stack with " + switches + " broken: " + results.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue().getStatus()
                            + e.getValue().getThrowable().map(t -> " (" + firstLine(t.getMessage()) + ")").orElse(""))
                    .collect(Collectors.joining(", "));
        }

        private static String firstLine(String s) {
            return s == null ? "" : s.lines().limit(3).collect(Collectors.joining(" ")).strip();
        }
    }

    static OutcomeAssert assertThat(SuiteOutcome outcome) {
        return new OutcomeAssert(outcome);
    }

    /** Failures say which suite, which broken controls, and every test's outcome. */
    static final class OutcomeAssert extends AbstractAssert<OutcomeAssert, SuiteOutcome> {

        OutcomeAssert(SuiteOutcome actual) {
            super(actual, OutcomeAssert.class);
        }

        /** Exactly these tests failed: the broken control is caught, and by nothing else. */
        OutcomeAssert failedOnly(String... tests) {
            isNotNull();
            if (!actual.failed().equals(List.of(tests).stream().sorted().toList())) {
                failWithMessage("Expected exactly %s to fail, but %s failed.%n%s", List.of(tests), actual.failed(), actual);
            }
            return this;
        }

        /** Every test failed, each naming the same reason: the target could not even be opened. */
        OutcomeAssert failedAllWith(String fragment) {
            isNotNull();
            if (actual.failed().size() != actual.results().size() || actual.results().isEmpty()) {
                failWithMessage("Expected every test to fail, but only %s failed.%n%s", actual.failed(), actual);
            }
            actual.results().keySet().forEach(test -> withMessage(test, fragment));
            return this;
        }

        /** The failure of {@code test} names what is wrong, e.g. the header or the hop. */
        OutcomeAssert withMessage(String test, String... fragments) {
            String message = actual.message(test).orElse("");
            for (String fragment : fragments) {
                if (!message.contains(fragment)) {
                    failWithMessage("Expected the failure of %s to contain '%s', but it was:%n%s", test, fragment, message);
                }
            }
            return this;
        }
    }
}
