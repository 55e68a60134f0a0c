package io.ocmt.verify.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Secrets;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.tls.Trust;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** In a dry run the Http layer sends nothing, whatever asks it to: the loopback server sees no connection. */
class DryRunTest {

    @Test
    void aDryRunSendsNoRequestAndCountsNone() throws Exception {
        String was = System.getProperty(DryRun.PROPERTY);
        try (CountingServer server = new CountingServer()) {
            Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of());
            Target target = new Target(env, URI.create("https://localhost:" + server.port() + "/"),
                    URI.create("http://localhost:" + server.port() + "/"), "localhost", server.port(), Trust.system(),
                    new Secrets(env, k -> null, Map.of()), Set.of());
            Map<String, Integer> before = RequestCount.snapshot();
            System.setProperty(DryRun.PROPERTY, "true");

            assertThatThrownBy(() -> Http.to(target).plainGet("/health"))
                    .isInstanceOf(TestAbortedException.class)
                    .hasMessageStartingWith("Not verified: dry run (-Docmt.dryRun=true): nothing was sent to the target")
                    .hasMessageContaining("GET http://localhost:" + server.port() + "/health was not sent");
            assertThatThrownBy(() -> Http.to(target).judgingRateLimits().send("POST", target.http("/api/auth/login"), Map.of()))
                    .isInstanceOf(TestAbortedException.class);

            assertThat(server.connections()).isZero();
            assertThat(RequestCount.snapshot()).isEqualTo(before);
            assertThat(RequestBudget.of(target).total()).isZero();

            System.setProperty(DryRun.PROPERTY, "false");
            Http.to(target).plainGet("/health");
            assertThat(server.connections()).as("the same client once the dry run is off").isEqualTo(1);
        } finally {
            restore(was);
        }
    }

    @Test
    void anyValueButFalseIsADryRunAndOnlyTrueOrFalseIsValid() {
        String was = System.getProperty(DryRun.PROPERTY);
        try {
            System.clearProperty(DryRun.PROPERTY);
            assertThat(DryRun.on()).isFalse();
            assertThat(DryRun.invalidValue()).isEmpty();
            for (String on : new String[] {"true", "TRUE", "", "yes"}) {
                System.setProperty(DryRun.PROPERTY, on);
                assertThat(DryRun.on()).as(on).isTrue();
            }
            assertThat(DryRun.invalidValue()).contains("yes");
            System.setProperty(DryRun.PROPERTY, "False");
            assertThat(DryRun.on()).isFalse();
            assertThat(DryRun.invalidValue()).isEmpty();
        } finally {
            restore(was);
        }
    }

    private static void restore(String was) {
        if (was == null) {
            System.clearProperty(DryRun.PROPERTY);
        } else {
            System.setProperty(DryRun.PROPERTY, was);
        }
    }
}
