package io.ocmt.verify.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Secrets;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.tls.Trust;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * policy.run.maxRequests against a loopback server that counts what reaches it: the run never goes
 * over, the request that would is not verified with one line that names the key, the budget and what
 * was sent per route, and so is every later one, from any client of the same target.
 */
class RequestBudgetTest {

    private CountingServer server;

    @BeforeEach
    void start() throws IOException {
        server = new CountingServer();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void theRequestThatWouldExceedTheBudgetIsNotSentNorIsAnyLaterOne() {
        Target target = target(Map.of("ocmt.policy.run.maxRequests", "3"));
        Http http = Http.to(target);
        Map<String, Integer> before = RequestCount.snapshot();

        http.plainGet("/health");
        http.plainGet("/health");
        http.plainGet("/api/auth/sessions/0b6f1c2e-3a4b-4c5d-8e9f-0123456789ab");

        assertThatThrownBy(() -> http.plainGet("/this-route-does-not-exist"))
                .isInstanceOf(TestAbortedException.class)
                .isInstanceOf(RequestBudget.BudgetSpentException.class)
                .hasMessage("Not verified: the run's request budget is spent: policy.run.maxRequests is 3 in environment 'reference', "
                        + "set by system property -Docmt.policy.run.maxRequests; the run has sent its target 3 requests "
                        + "(1 GET http /api/auth/sessions/{id}, 2 GET http /health), so GET http://localhost:" + server.port()
                        + "/this-route-does-not-exist was not sent, nor will any later request be. Fix: raise policy.run.maxRequests in the "
                        + "environment file (or -Docmt.policy.run.maxRequests=<n> for one run), or select fewer tags (-Dgroups=…).");
        // Every later request too, from any client of this target: another Http, a proxied one.
        assertThatThrownBy(() -> Http.to(target).plainGet("/health")).isInstanceOf(RequestBudget.BudgetSpentException.class);
        assertThatThrownBy(() -> http.via(URI.create("http://127.0.0.1:" + server.port())).plainGet("/health"))
                .isInstanceOf(RequestBudget.BudgetSpentException.class);

        assertThat(server.connections()).as("connections the server accepted").isEqualTo(3);
        assertThat(server.requests()).hasSize(3);
        RequestBudget budget = RequestBudget.of(target);
        assertThat(budget.total()).isEqualTo(3);
        assertThat(budget.refused()).isEqualTo(3);
        assertThat(budget.left()).isFalse();
        assertThat(RequestCount.total(RequestCount.snapshot()) - RequestCount.total(before)).as("the run's own count").isEqualTo(3);
        assertThat(budget.summary()).isEqualTo("Request budget: policy.run.maxRequests is 3 in environment 'reference', set by system "
                + "property -Docmt.policy.run.maxRequests; sent 3 of 3, 3 not sent because it was spent (their checks are not verified).");
    }

    @Test
    void eachTargetHasItsOwnBudget() {
        Target spent = target(Map.of("ocmt.policy.run.maxRequests", "1"));
        Target fresh = target(Map.of("ocmt.policy.run.maxRequests", "1"));
        Http.to(spent).plainGet("/health");
        assertThatThrownBy(() -> Http.to(spent).plainGet("/health")).isInstanceOf(RequestBudget.BudgetSpentException.class);

        Http.to(fresh).plainGet("/health");

        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void aLaterRunAgainstAKeptTargetStartsWithTheWholeBudget() {
        // Self-tests that run suites twice against one kept stack: each run is a run of its own.
        Target kept = target(Map.of("ocmt.policy.run.maxRequests", "1"));
        Http.to(kept).plainGet("/health");
        assertThatThrownBy(() -> Http.to(kept).plainGet("/health")).isInstanceOf(RequestBudget.BudgetSpentException.class);

        RequestBudget second = RequestBudget.newRun(kept);
        Http.to(kept).plainGet("/health");

        assertThat(RequestBudget.of(kept)).isSameAs(second);
        assertThat(second.total()).isEqualTo(1);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void zeroOrNullIsNoLimit() {
        for (String none : new String[] {"0", "null"}) {
            Target target = target(Map.of("ocmt.policy.run.maxRequests", none));
            Http http = Http.to(target);
            for (int i = 0; i < 5; i++) {
                http.plainGet("/health");
            }
            assertThat(RequestBudget.of(target).max()).isEmpty();
            assertThat(RequestBudget.of(target).setting()).contains("(no limit)");
        }
        assertThat(server.connections()).isEqualTo(10);
    }

    @Test
    void theReferenceEnvironmentHasRoomForItsRateLimitTag() {
        assertThat(RequestBudget.of(target(Map.of())).max()).contains(3000);
        assertThat(RequestBudget.of(target(Map.of())).setting()).isEqualTo("policy.run.maxRequests is 3000 in environment 'reference'");
    }

    private Target target(Map<String, String> properties) {
        Map<String, String> sys = new HashMap<>(properties);
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), sys);
        int port = server.port();
        return new Target(env, URI.create("https://localhost:" + port + "/"), URI.create("http://localhost:" + port + "/"),
                "localhost", port, Trust.system(), new Secrets(env, k -> null, Map.of()), Set.of());
    }
}
