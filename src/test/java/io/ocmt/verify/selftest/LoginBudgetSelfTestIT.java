package io.ocmt.verify.selftest;

import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.runKept;
import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.http.RequestCount;
import io.ocmt.verify.junit.OcmtExtension;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.suites.AdminGuardIT;
import io.ocmt.verify.suites.MagicLinkAuthIT;
import io.ocmt.verify.suites.RateLimitIT;
import io.ocmt.verify.suites.SecretsAtRestIT;
import io.ocmt.verify.suites.SessionLifetimeIT;
import io.ocmt.verify.suites.TokenRejectionIT;
import io.qameta.allure.Allure;
import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a real OCMT taught the suite: its login budget (10 logins and 5 verifications per 15 minutes
 * per address) must neither be spent by the suite's own tests nor reported as the product's fault.
 * Two runs of the login-spending suites, the rate-limit tag last, against one hardened stack with
 * OCMT's limits: the first judges every test; the second, within the same windows, finds the budget
 * the first one spent and reports what it cannot judge as not verified, with when it resets, and
 * fails nothing.
 */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: a spent login budget is not verified, never a product failure")
class LoginBudgetSelfTestIT {

    private static final Logger LOG = LoggerFactory.getLogger(LoginBudgetSelfTestIT.class);
    private static final String KEEP = "login-budget";
    private static final Class<?>[] SUITES = {MagicLinkAuthIT.class, SessionLifetimeIT.class, TokenRejectionIT.class,
            SecretsAtRestIT.class, AdminGuardIT.class, RateLimitIT.class};

    @Test
    @DisplayName("The first run judges every auth, session, encryption and vault test; the second, within the window, fails none")
    void aSecondRunWithinTheWindowIsNotVerifiedNotFailed() {
        try {
            Map<String, Integer> start = RequestCount.snapshot();
            BrokenStack.SuiteOutcome first = runKept(KEEP, SUITES);
            report("First run", first, start);
            assertThat(first).failedOnly();

            Map<String, Integer> between = RequestCount.snapshot();
            BrokenStack.SuiteOutcome second = runKept(KEEP, SUITES);
            report("Second run", second, between);
            assertThat(second.failed()).as("product failures in the second run, which only met a spent budget:%n%s", second).isEmpty();
            List<String> needLogins = List.of("magicLinkLogsIn", "sessionLimitEvictsLeastRecentlyActive", "logoutEndsThatSession",
                    "absoluteLifetimeIsEnforced", "canaryIsEncryptedAtRest");
            assertThat(second.aborted()).as("tests of the second run not verified").containsAll(needLogins);
            for (String test : second.aborted()) {
                assertThat(second.message(test)).as("why %s was not verified", test).hasValueSatisfying(m -> assertThat(m)
                        .startsWith("Not verified: "));
            }
            // What the budget kept a test from: when it is back.
            for (String test : needLogins) {
                assertThat(second.message(test)).as("why %s was not verified", test).hasValueSatisfying(m -> assertThat(m)
                        .containsAnyOf("Run again after", "until 20"));
            }
        } finally {
            OcmtExtension.closeKept(KEEP);
        }
    }

    /** Counts of judged, not verified and failed tests, and the requests the run sent per route: the closing note's numbers. */
    private static void report(String name, BrokenStack.SuiteOutcome outcome, Map<String, Integer> before) {
        int all = outcome.results().size();
        String text = name + ": " + (all - outcome.aborted().size() - outcome.failed().size()) + " judged and passed, "
                + outcome.failed().size() + " failed, " + outcome.aborted().size() + " not verified " + outcome.aborted() + "\n"
                + RequestCount.since(before) + "\n" + outcome;
        LOG.info("{}", Redactor.text(text));
        Allure.addAttachment(name, "text/plain", Redactor.text(text), ".txt");
    }
}
