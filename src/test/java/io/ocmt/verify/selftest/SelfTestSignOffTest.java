package io.ocmt.verify.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.report.HardeningChecklist;
import io.ocmt.verify.report.RunVerdict;
import io.ocmt.verify.report.RunVerdict.Result;
import io.ocmt.verify.report.SignOff;
import io.ocmt.verify.report.SignOff.Row;
import io.ocmt.verify.report.SignOff.Status;
import io.qameta.allure.Feature;
import io.qameta.allure.Story;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * What a self-test row proves reaches the page that is signed: for every row of {@link SelfTestTable},
 * the results its suite gives against the stack with that control broken (the row's failing checks
 * failed, what it declares not verified skipped, every other check it runs passed) make the sign-off
 * summary show each checklist item a failing check judges as failed, and no item failed that none
 * judges. A row whose failure the mapping in hardening-checklist.yaml sent nowhere, or to the wrong item,
 * would let a broken control read as passed or not run where a release manager signs.
 */
class SelfTestSignOffTest {

    private static final HardeningChecklist CHECKLIST = HardeningChecklist.load();

    @TestFactory
    Stream<DynamicTest> eachRowsBrokenControlIsAFailedItemInTheSummary() {
        return SelfTestTable.ROWS.stream().filter(row -> row.failedAll() == null && !row.failing().isEmpty())
                .map(row -> dynamicTest(row.id(), () -> judge(row)));
    }

    private static void judge(SelfTestTable.Row row) {
        Policy policy = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), row.overrides().entrySet().stream()
                .collect(Collectors.toMap(e -> "ocmt." + e.getKey(), Map.Entry::getValue))).policy();
        List<Result> results = results(row, policy);
        RunVerdict.Allowance allowance = new RunVerdict.Allowance(false, List.of(), Map.of(), CHECKLIST);
        RunVerdict.Decision decision = RunVerdict.decide(results, allowance, results.stream().filter(Result::failed).count(), true);
        SignOff signOff = SignOff.of(results, CHECKLIST, decision, allowance, new SignOff.Context("reference", "https://localhost/",
                "reference-dev", "", "dev", Instant.EPOCH, List.of(), "none", Map.of()));

        List<Result> failing = results.stream().filter(Result::failed).toList();
        for (Result check : failing) {
            List<HardeningChecklist.Item> items = CHECKLIST.itemsJudgedBy(check.check());
            if (items.isEmpty()) {
                // OCMT's own controls (CSRF) have no checklist item: the summary lists them apart, failed.
                assertThat(CHECKLIST.isBeyondTheChecklist(check.check()))
                        .as("%s fails against %s but judges no checklist item and is not declared beyond it", check.test(), row.id())
                        .isTrue();
                assertThat(signOff.beyondTheChecklist()).contains(check);
            }
            for (HardeningChecklist.Item item : items) {
                Row r = signOff.rows().stream().filter(x -> x.item().equals(item)).findFirst().orElseThrow();
                assertThat(r.status()).as("item '%s', judged by %s, which fails against %s", item.title(), check.test(), row.id())
                        .isEqualTo(Status.FAILED);
                assertThat(r.checks()).contains(check);
            }
        }
        Set<HardeningChecklist.Item> failedItems = failing.stream().flatMap(c -> CHECKLIST.itemsJudgedBy(c.check()).stream())
                .collect(Collectors.toSet());
        assertThat(signOff.rows().stream().filter(r -> r.status() == Status.FAILED).map(Row::item))
                .as("items failed against %s", row.id()).containsExactlyInAnyOrderElementsOf(failedItems);
        assertThat(signOff.exitStatus()).isEqualTo(1);
    }

    /** The results the row's run reports, as the Allure results would carry them (labels from the suite's annotations). */
    private static List<Result> results(SelfTestTable.Row row, Policy policy) {
        Map<String, List<String>> dynamic = SelfTestTable.dynamicTests(policy);
        List<Result> results = new ArrayList<>();
        for (Method m : SelfTestTable.testMethods(row.suite())) {
            if (!row.only().isEmpty() && !row.only().contains(m.getName())) {
                continue;
            }
            String feature = Stream.of(m.getAnnotationsByType(Feature.class), row.suite().getAnnotationsByType(Feature.class))
                    .flatMap(Arrays::stream).map(Feature::value).findFirst().orElse("");
            String story = Stream.of(m.getAnnotationsByType(Story.class), row.suite().getAnnotationsByType(Story.class))
                    .flatMap(Arrays::stream).map(Story::value).findFirst().orElse("");
            List<String> names = dynamic.get(SelfTestTable.key(row.suite(), m.getName()));
            if (names == null) {
                results.add(result(row, m.getName(), feature, story, m.getName(), m.getName(), m.getName()));
            } else {
                names.forEach(n -> results.add(result(row, n, feature, story, m.getName() + " › " + n, m.getName(), n)));
            }
        }
        assertThat(results.stream().map(r -> r.name())).as("the tests %s runs", row.id()).containsAll(row.failing().keySet());
        return results;
    }

    private static Result result(SelfTestTable.Row row, String rowName, String feature, String story, String test, String method,
                                 String name) {
        String status = row.failing().containsKey(rowName) ? "failed" : row.notVerified().contains(rowName) ? "skipped" : "passed";
        String message = status.equals("failed") ? "expected by the row" : status.equals("skipped") ? "Not verified: declared by the row" : "";
        return new Result(test, feature, story, Set.of(), status, message, row.suite().getSimpleName(), method, name, "", List.of(), 0, 0);
    }
}
