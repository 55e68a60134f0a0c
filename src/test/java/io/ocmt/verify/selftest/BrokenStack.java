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

    /**
     * The tests of {@code suite} named in {@code only} (all of them where it is empty: some suites
     * have tests that wait out expiries and windows and prove nothing about a switch), on a stack
     * with {@code switches}, judged under the environment's configuration with {@code overrides}
     * (key to value, e.g. policy.session.absoluteLifetimeSeconds to 20): how a self-test shows a check
     * fails, or shows which rows a different policy fails.
     */
    static SuiteOutcome run(Class<?> suite, List<String> only, Map<String, String> overrides, List<String> switches) {
        List<DiscoverySelector> selectors = only.isEmpty() ? List.of(selectClass(suite)) : selectors(suite, only);
        return run(suite.getSimpleName(), selectors, overrides, "", switches.toArray(String[]::new));
    }

    private static List<DiscoverySelector> selectors(Class<?> suite, List<String> methods) {
        return methods.stream().map(name -> (DiscoverySelector) java.util.Arrays.stream(suite.getDeclaredMethods())
                .filter(m -> m.getName().equals(name)).findFirst()
                .map(m -> selectMethod(suite, m))
                .orElseThrow(() -> new IllegalArgumentException(suite.getSimpleName() + " has no test " + name))).toList();
    }

    /**
     * Several suites in one run, in the order failsafe gives them (RateLimitIT last), against the
     * hardened stack kept under {@code keep} for the next call with the same name: a second run
     * then meets the budget the first one spent. {@link OcmtExtension#closeKept} ends the stack.
     */
    static SuiteOutcome runKept(String keep, Class<?>... suites) {
        List<DiscoverySelector> selectors = java.util.Arrays.stream(suites).map(c -> (DiscoverySelector) selectClass(c)).toList();
        return run(String.join("+", java.util.Arrays.stream(suites).map(Class::getSimpleName).toList()), selectors, Map.of(), keep);
    }

    private static SuiteOutcome run(String suite, List<DiscoverySelector> selectors, Map<String, String> overrides, String keep,
                                    String... switches) {
        List<Event> events = EngineTestKit.engine("junit-jupiter")
                .selectors(selectors.toArray(DiscoverySelector[]::new))
                .configurationParameter(OcmtExtension.KEEP, keep)
                // As failsafe runs them (see the pom): the rate-limit suite after every other one.
                .configurationParameter("junit.jupiter.testclass.order.default", "org.junit.jupiter.api.ClassOrderer$OrderAnnotation")
                .configurationParameter(OcmtExtension.SWITCHES, String.join(",", switches))
                .configurationParameter(OcmtExtension.OVERRIDES, overrides.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")))
                .execute()
                .allEvents()
                .list();
        List<Event> finished = events.stream()
                .filter(e -> e.getType() == EventType.FINISHED)
                .filter(e -> e.getTestDescriptor().isTest() || e.getPayload(TestExecutionResult.class)
                        .map(r -> r.getStatus() != TestExecutionResult.Status.SUCCESSFUL).orElse(false))
                .toList();
        Map<String, TestExecutionResult> results = new TreeMap<>();
        // A test a condition skipped did not run: recorded as not verified, so it can never pass as "did not fail".
        events.stream().filter(e -> e.getType() == EventType.SKIPPED).forEach(e -> results.put(name(e),
                TestExecutionResult.aborted(new org.opentest4j.TestAbortedException(e.getPayload(String.class).orElse("skipped")))));
        for (Event e : finished) {
            results.put(name(e), e.getPayload(TestExecutionResult.class).orElseThrow());
        }
        String broken = String.join(",", switches) + (overrides.isEmpty() ? "" : " and " + overrides.keySet() + " overridden");
        return new SuiteOutcome(suite, broken, results);
    }

    /** Dynamic tests carry their factory's method as source; their display name tells them apart. */
    private static String name(Event e) {
        boolean dynamic = e.getTestDescriptor().getUniqueId().getLastSegment().getType().equals("dynamic-test");
        return dynamic ? e.getTestDescriptor().getDisplayName() : e.getTestDescriptor().getSource()
                .filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName())
                .orElse(e.getTestDescriptor().getDisplayName());
    }

    record SuiteOutcome(String suite, String switches, Map<String, TestExecutionResult> results) {

        /** Failed: the check judged the target wrong (or the suite broke). Not aborted: that is "not verified". */
        List<String> failed() {
            return with(TestExecutionResult.Status.FAILED);
        }

        /** Not verified: aborted by the check, or skipped for a grant. */
        List<String> aborted() {
            return with(TestExecutionResult.Status.ABORTED);
        }

        private List<String> with(TestExecutionResult.Status status) {
            return results.entrySet().stream().filter(e -> e.getValue().getStatus() == status).map(Map.Entry::getKey).toList();
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

        private List<String> mayAbort = List.of();

        OutcomeAssert(SuiteOutcome actual) {
            super(actual, OutcomeAssert.class);
        }

        /**
         * Exactly these tests failed, and every other test ran and passed (none was aborted or
         * skipped unless {@link #abortedOnly} said so): the broken control is caught, by nothing else.
         */
        OutcomeAssert failedOnly(String... tests) {
            isNotNull();
            if (!actual.failed().equals(List.of(tests).stream().sorted().toList())) {
                failWithMessage("Expected exactly %s to fail, but %s failed.%n%s", List.of(tests), actual.failed(), actual);
            }
            if (!mayAbort.containsAll(actual.aborted())) {
                failWithMessage("Expected every test but %s to run and pass, but %s were not verified.%n%s", List.of(tests),
                        actual.aborted(), actual);
            }
            return this;
        }

        /** Exactly these tests were not verified (aborted or skipped), each for a reason the environment explains. */
        OutcomeAssert abortedOnly(String... tests) {
            isNotNull();
            if (!actual.aborted().equals(List.of(tests).stream().sorted().toList())) {
                failWithMessage("Expected exactly %s not to be verified, but %s were.%n%s", List.of(tests), actual.aborted(), actual);
            }
            mayAbort = List.of(tests);
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

        /**
         * Every result is one of {@code known} (the suite's test methods and the dynamic tests the
         * table declares for its factories), and every one of {@code expected} ran: a renamed test
         * or a factory that makes other tests than the table says is caught here, not by a row that
         * quietly judges nothing.
         */
        OutcomeAssert ranExactly(java.util.Set<String> known, java.util.Set<String> expected) {
            isNotNull();
            List<String> unknown = actual.results().keySet().stream().filter(t -> !known.contains(t)).toList();
            if (!unknown.isEmpty()) {
                failWithMessage("%s ran %s, which SelfTestTable does not know; declare them (SelfTestTable.dynamicTests).%n%s",
                        actual.suite(), unknown, actual);
            }
            List<String> missing = expected.stream().filter(t -> !actual.results().containsKey(t)).sorted().toList();
            if (!missing.isEmpty()) {
                failWithMessage("%s did not run %s, which SelfTestTable declares.%n%s", actual.suite(), missing, actual);
            }
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
