package io.ocmt.verify.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.http.Exchange;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The budget's arithmetic on answers shaped like OCMT's: what is left, who gets it, and what a test is told when nothing is. */
class LoginBudgetTest {

    private static final String P1 = "egress proxy http://localhost:1 (grants.egressProxies.urls[0])";
    private static final String P2 = "egress proxy http://localhost:2 (grants.egressProxies.urls[1])";
    private static final String RUNNER = "this runner";

    private static LoginBudget budget(long maxWaitSeconds, String... names) {
        Map<String, io.ocmt.verify.http.Http> clients = new LinkedHashMap<>();
        for (String n : names) {
            clients.put(n, null);
        }
        return new LoginBudget(clients, maxWaitSeconds);
    }

    /** OCMT's answer: RateLimit-Remaining is the budget before this request; a refusal says 0 and when to come back. */
    private static Exchange answer(LoginBudget.Route route, long limit, long remainingBefore, long resetInSeconds) {
        Instant now = Instant.now();
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Date", List.of(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atZone(ZoneOffset.UTC))));
        h.put("RateLimit-Limit", List.of(Long.toString(limit)));
        h.put("RateLimit-Remaining", List.of(Long.toString(remainingBefore)));
        h.put("RateLimit-Reset", List.of(Long.toString(now.getEpochSecond() + resetInSeconds)));
        String method = route == LoginBudget.Route.LOGIN ? "POST" : "GET";
        if (remainingBefore == 0) {
            h.put("Retry-After", List.of(Long.toString(resetInSeconds)));
            return new Exchange(method, "https://localhost" + route.path(), 429, h,
                    "{\"error\":\"Too many\",\"code\":\"RATE_LIMIT_EXCEEDED\",\"retryAfter\":" + resetInSeconds + "}");
        }
        return new Exchange(method, "https://localhost" + route.path(), 400, h, "{\"error\":\"Token required\"}");
    }

    @Test
    void routesAreRecognisedAsOcmtsRouterWouldServeThem() {
        assertThat(LoginBudget.Route.of("GET", "/api/auth/verify?token=abc")).contains(LoginBudget.Route.VERIFY);
        assertThat(LoginBudget.Route.of("get", "/API/Auth/Verify/")).contains(LoginBudget.Route.VERIFY);
        assertThat(LoginBudget.Route.of("POST", "/api/auth/login")).contains(LoginBudget.Route.LOGIN);
        assertThat(LoginBudget.Route.of("GET", "/api/auth/login")).isEmpty();
        assertThat(LoginBudget.Route.of("GET", "/api/auth/me")).isEmpty();
    }

    @Test
    void proxiesAreSpentBeforeThisRunnerAndANeedMaySpanAddresses() {
        LoginBudget budget = budget(0, P1, P2, RUNNER);
        // The look at this runner: 5 left before it, so 4 after; the proxies are assumed to have the same limit, untouched.
        budget.observe(RUNNER, LoginBudget.Route.VERIFY, answer(LoginBudget.Route.VERIFY, 5, 5, 900), Instant.now());
        LoginBudget.Reservation r = budget.reserve("a test", new LoginNeed(0, 7));
        assertThat(r.describe()).contains("set aside 7 magic-link verifications");
        for (int i = 0; i < 5; i++) {
            r.next(LoginBudget.Route.VERIFY);
        }
        assertThat(r.describe()).contains("via " + P1).doesNotContain(P2);
        r.next(LoginBudget.Route.VERIFY);
        assertThat(r.describe()).contains("via " + P2).doesNotContain("via " + RUNNER);
    }

    @Test
    void aNeedThatDoesNotFitIsNotVerifiedWithTheNumbersAndTheReset() {
        LoginBudget budget = budget(0, P1, RUNNER);
        budget.observe(RUNNER, LoginBudget.Route.VERIFY, answer(LoginBudget.Route.VERIFY, 5, 1, 812), Instant.now());
        budget.observe(P1, LoginBudget.Route.VERIFY, answer(LoginBudget.Route.VERIFY, 5, 3, 300), Instant.now());
        assertThatThrownBy(() -> budget.reserve("Session lifecycle", LoginNeed.logins(6)))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageStartingWith("Not verified: Session lifecycle needs 6 logins and 6 magic-link verifications")
                .hasMessageContaining("6 magic-link verifications (GET /api/auth/verify), 2 left")
                .hasMessageContaining(P1 + ": 2 of 5 magic-link verifications (GET /api/auth/verify) left until")
                .hasMessageContaining(RUNNER + ": 0 of 5 magic-link verifications")
                .hasMessageContaining("Run again after")
                .hasMessageContaining("grants.egressProxies.urls");
    }

    @Test
    void whatOneTestSetsAsideIsNotOfferedToTheNextUntilItIsGivenBack() {
        LoginBudget budget = budget(0, RUNNER);
        budget.observe(RUNNER, LoginBudget.Route.LOGIN, answer(LoginBudget.Route.LOGIN, 10, 10, 900), Instant.now());
        LoginBudget.Reservation first = budget.reserve("first", new LoginNeed(9, 0));
        assertThatThrownBy(() -> budget.reserve("second", new LoginNeed(2, 0))).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("0 of 10 logins");
        first.next(LoginBudget.Route.LOGIN);
        first.close();
        // One sent (the budget only learns it from the answer), eight given back.
        assertThat(budget.reserve("second", new LoginNeed(8, 0)).needs()).isTrue();
    }

    @Test
    void aWindowThatHasEndedGivesTheWholeLimitBack() {
        LoginBudget budget = budget(0, RUNNER);
        budget.observe(RUNNER, LoginBudget.Route.VERIFY, answer(LoginBudget.Route.VERIFY, 5, 0, -1), Instant.now());
        assertThat(budget.reserve("after the window", new LoginNeed(0, 5)).needs()).isTrue();
    }

    @Test
    void aWindowShortEnoughToWaitForIsWaitedOut() {
        LoginBudget budget = budget(5, RUNNER);
        budget.observe(RUNNER, LoginBudget.Route.VERIFY, answer(LoginBudget.Route.VERIFY, 5, 0, 1), Instant.now());
        long t0 = System.nanoTime();
        assertThat(budget.reserve("patient", new LoginNeed(0, 1)).needs()).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("waited for the window's end, ms").isGreaterThanOrEqualTo(900);
    }

    @Test
    void sendingMoreThanDeclaredIsASuiteErrorThatNamesTheTest() {
        LoginBudget budget = budget(0, RUNNER);
        LoginBudget.Reservation r = budget.reserve("Magic-link authentication › fixation", new LoginNeed(1, 1));
        r.next(LoginBudget.Route.LOGIN);
        assertThatThrownBy(() -> r.next(LoginBudget.Route.LOGIN)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Magic-link authentication › fixation sends more logins")
                .hasMessageContaining("correct its @Spends");
        assertThatThrownBy(() -> budget.none("no logins").next(LoginBudget.Route.VERIFY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no logins sends more magic-link verifications");
    }

    /** Another client spent an address the budget believed fresh: the request moves to an address that has budget. */
    @Test
    void aRefusalMovesTheRequestToAnotherAddress() {
        LoginBudget budget = budget(0, P1, RUNNER);
        budget.observe(RUNNER, LoginBudget.Route.VERIFY, answer(LoginBudget.Route.VERIFY, 5, 5, 900), Instant.now());
        LoginBudget.Reservation r = budget.reserve("a test", new LoginNeed(0, 1));
        r.next(LoginBudget.Route.VERIFY);
        Exchange refused = answer(LoginBudget.Route.VERIFY, 5, 0, 600);
        budget.observe(P1, LoginBudget.Route.VERIFY, refused, Instant.now());
        r.replace(LoginBudget.Route.VERIFY, refused);
        assertThat(r.describe()).contains("via " + P1, "via " + RUNNER);
        budget.observe(RUNNER, LoginBudget.Route.VERIFY, answer(LoginBudget.Route.VERIFY, 5, 0, 600), Instant.now());
        LoginBudget.Reservation s = budget.reserve("late", new LoginNeed(0, 0));
        assertThatThrownBy(() -> budget.reserve("another", new LoginNeed(0, 1)).replace(LoginBudget.Route.VERIFY, refused))
                .isInstanceOf(TestAbortedException.class);
        assertThat(s.needs()).isFalse();
    }

    @Test
    void aTargetWithoutRateLimitHeadersIsNotHeldBack() {
        LoginBudget budget = budget(0, RUNNER);
        assertThat(budget.reserve("many", LoginNeed.logins(50)).needs()).isTrue();
        assertThat(budget.summary()).contains("an unknown number of logins");
    }
}
