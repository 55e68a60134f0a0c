package io.ocmt.verify.selftest;

import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.selftest.SelfTestTable.Row;
import io.qameta.allure.Allure;
import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every row of {@link SelfTestTable}, grouped by suite: each starts a reference stack of its own with
 * the row's controls broken, runs the real suite against it and judges the outcome. The system
 * property {@value #ROWS} (a comma list of row ids, switches or suite names) runs some rows only.
 */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-tests: every check fails against a reference stack with its control broken")
class SelfTestsIT {

    static final String ROWS = "ocmt.selftest.rows";

    @TestFactory
    @DisplayName("Each row of the self-test table")
    Stream<DynamicNode> everyRow() {
        Predicate<Row> selected = selection(System.getProperty(ROWS, ""));
        Map<Class<?>, List<Row>> bySuite = SelfTestTable.ROWS.stream().filter(selected)
                .collect(Collectors.groupingBy(Row::suite, LinkedHashMap::new, Collectors.toList()));
        return bySuite.entrySet().stream().map(e -> dynamicContainer(e.getKey().getSimpleName(),
                e.getValue().stream().map(row -> dynamicTest(row.id(), () -> verify(row)))));
    }

    /** Rows whose id, one of whose switches, or whose suite is named in {@code list}; every row when it is empty. */
    static Predicate<Row> selection(String list) {
        Set<String> names = Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        return row -> names.isEmpty() || names.contains(row.id()) || names.contains(row.suite().getSimpleName())
                || row.switches().stream().anyMatch(names::contains);
    }

    /** A failure names the row first: the report's list of dynamic tests shows only their numbers. */
    static void verify(Row row) {
        try {
            judge(row);
        } catch (AssertionError e) {
            AssertionError named = new AssertionError("Row " + row.id() + ": " + e.getMessage(), e.getCause());
            named.setStackTrace(e.getStackTrace());
            throw named;
        }
    }

    private static void judge(Row row) {
        BrokenStack.SuiteOutcome outcome = BrokenStack.run(row.suite(), row.only(), row.overrides(), row.switches());
        Allure.addAttachment("Outcome of " + row.id(), "text/plain", Redactor.text(outcome.toString()), ".txt");
        if (row.failedAll() != null) {
            assertThat(outcome).failedAllWith(row.failedAll());
            return;
        }
        Policy policy = Environments.fromSystem(row.overrides().entrySet().stream()
                .collect(Collectors.toMap(e -> "ocmt." + e.getKey(), Map.Entry::getValue))).policy();
        BrokenStack.OutcomeAssert judged = assertThat(outcome)
                .ranExactly(SelfTestTable.knownTests(row.suite(), policy), SelfTestTable.expectedDynamicTests(row, policy))
                .abortedOnly(row.notVerified().toArray(String[]::new))
                .failedOnly(row.failing().keySet().toArray(String[]::new));
        row.failing().forEach((test, fragments) -> judged.withMessage(test, fragments.toArray(String[]::new)));
    }
}
