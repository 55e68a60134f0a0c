package io.ocmt.verify.report;

import java.util.List;
import java.util.function.Predicate;
import org.assertj.core.api.SoftAssertions;

/**
 * How a suite turns findings into a verdict: every finding is its own soft failure, so one run names
 * every problem at once, each with the request it came from.
 */
public final class Findings {

    private Findings() {
    }

    public static void assertNone(List<Finding> findings) {
        SoftAssertions softly = new SoftAssertions();
        findings.forEach(f -> softly.fail(Redactor.text(f.toString())));
        softly.assertAll();
    }

    /** Only the findings about one control, e.g. every Strict-Transport-Security finding across responses. */
    public static List<Finding> about(List<Finding> findings, Predicate<String> control) {
        return findings.stream().filter(f -> control.test(f.control())).toList();
    }
}
