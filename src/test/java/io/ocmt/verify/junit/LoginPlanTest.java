package io.ocmt.verify.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.LoginNeed;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.SessionLifecycle;
import io.ocmt.verify.auth.Spends;
import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan counts each shared fixture once, each test's own logins, and leaves out what the environment skips. */
class LoginPlanTest {

    @OcmtSuite
    @DisplayName("Fake suite")
    static class FakeSuite {
        @DisplayName("shares the session")
        void shared(@SharedLogin Session s) {
        }

        @DisplayName("shares it too")
        void sharedToo(@SharedLogin Session s, SessionLifecycle lifecycle) {
        }

        @Spends(logins = 2, verifications = 2)
        @DisplayName("logs in twice")
        void twice(AuthClient auth) {
        }

        @Spends(logins = 2, per = Spends.Per.ENUMERATION_SAMPLE)
        @DisplayName("samples")
        void samples(AuthClient auth) {
        }

        @Requires(Grant.DATABASE)
        @Spends(logins = 1, verifications = 1)
        @DisplayName("needs a database")
        void database(AuthClient auth) {
        }
    }

    private static List<Method> tests() {
        return Arrays.stream(FakeSuite.class.getDeclaredMethods()).filter(m -> !m.isSynthetic()).toList();
    }

    @Test
    void sharedFixturesCountOnceAndSkippedTestsNotAtAll(@TempDir Path project) throws Exception {
        Files.createDirectories(project.resolve("environments"));
        Files.writeString(project.resolve("environments/staging.yaml"), """
                target: { httpsUrl: https://ocmt.test/, httpUrl: http://ocmt.test/, tlsHost: ocmt.test }
                grants:
                  mailbox: { type: imap, host: mail.test }
                  egressProxies: { urls: [http://egress-1.test:3128, http://egress-2.test:3128] }
                """);
        Environment env = Environments.load("staging", project, Map.of(), Map.of());
        List<LoginPlan.Line> lines = LoginPlan.of(tests(), env);
        LoginNeed total = lines.stream().map(LoginPlan.Line::need).reduce(LoginNeed.NONE, LoginNeed::plus);
        // look 1+1, shared 1+1, lifecycle 6+6 (MAX_SESSIONS_PER_USER 5), twice 2+2, samples 3 × 2 logins; the database test is skipped.
        assertThat(total).isEqualTo(new LoginNeed(1 + 1 + 6 + 2 + 6, 1 + 1 + 6 + 2));
        assertThat(lines).extracting(LoginPlan.Line::what).contains("the run's shared session, for 2 tests")
                .noneMatch(w -> w.contains("needs a database"));
        String text = LoginPlan.describe(lines, env);
        assertThat(text).contains("16 logins and 10 magic-link verifications in all", "Fake suite › logs in twice",
                "3 client addresses: this runner and 2 egress proxies", "that is 15 logins and 15 verifications");
    }

    @Test
    void lifecycleNeedsTwoLiveSessionsForEveryStep() {
        assertThat(SessionLifecycle.need(policyWithMaxSessions(5))).isEqualTo(LoginNeed.logins(6));
        assertThat(SessionLifecycle.need(policyWithMaxSessions(3))).isEqualTo(LoginNeed.logins(5));
        assertThat(SessionLifecycle.need(policyWithMaxSessions(2))).isEqualTo(LoginNeed.logins(5));
    }

    private static io.ocmt.verify.config.Policy policyWithMaxSessions(int max) {
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(),
                Map.of("ocmt.policy.session.maxPerUser", Integer.toString(max)));
        return env.policy();
    }
}
