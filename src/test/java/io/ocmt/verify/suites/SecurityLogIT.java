package io.ocmt.verify.suites;

import static org.awaitility.Awaitility.await;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.logs.SecurityLog;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Configure security event logging", failed authentication attempts: the suite causes one
 * itself and looks for it in the security log the environment grants, within
 * {@code policy.securityLog.maxDelaySeconds}. Runs in the ordinary class order, before the ratelimit
 * tag uses up the general API budget every /api request needs; the rate-limit violations are
 * {@link RateLimitLoggingIT}'s, which runs after that tag.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.MONITORING)
@Story(Checklist.SECURITY_EVENT_LOGGING)
@OcmtSuite
@Tag("securitylog")
@Requires(Grant.SECURITY_LOG)
@DisplayName("Security event logging: failed authentication")
public class SecurityLogIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V7.2.1 (authentication decisions are logged)", url = References.ASVS_V7)
    @Description("A request with a wrong Bearer token to policy.securityLog.failedAuthPath (OCMT's internal API; the path carries "
            + "a random UUID) must be refused, and a line naming that UUID must be in the security log within "
            + "policy.securityLog.maxDelaySeconds. Costs no login. " + Remediation.SECURITY_LOG)
    @Test
    @DisplayName("A failed authentication reaches the security log")
    void failedAuthenticationIsLogged(Http http, Target target, Policy policy) {
        Policy.SecurityLogPolicy p = policy.securityLog();
        SecurityLog log = SecurityLog.open(target.environment().grants().securityLog(), Duration.ofMillis(target.readTimeoutMs()));
        String marker = UUID.randomUUID().toString();
        String path = p.failedAuthPath().replace("{marker}", marker);
        SecurityLog.Mark mark = log.mark();
        // A random token: nothing that opens anything, and nothing the log may not show.
        Exchange refused = http.send("GET", target.https(path), Map.of("Authorization", "Bearer " + HexFormat.of().formatHex(bytes(32))));
        NotVerified.unless(refused.status() == 401 || refused.status() == 403, () -> NotVerified.PREFIX + refused.describe()
                + " was not refused (401 or 403), so it is no failed authentication to look for; the admin tag judges that route");
        expectInLog(log, mark, p, "failed authentication (" + refused.describe() + ", marker " + marker + ")",
                line -> line.contains(marker));
    }

    static void expectInLog(SecurityLog log, SecurityLog.Mark mark, Policy.SecurityLogPolicy p, String event,
                                    Predicate<String> matches) {
        AtomicReference<List<String>> seen = new AtomicReference<>(List.of());
        long started = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(p.maxDelaySeconds())).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        seen.set(log.linesSince(mark));
                        return seen.get().stream().anyMatch(matches);
                    });
        } catch (ConditionTimeoutException e) {
            List<String> lines = seen.get();
            Evidence.attach("Security log " + log.where() + ": lines written since the request (last 20)",
                    String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            Findings.assertNone(List.of(new Finding("Security event logging", "the " + event,
                    "a line about it in the security log (" + log.where() + ") within " + p.maxDelaySeconds() + " s",
                    "none came in " + p.maxDelaySeconds() + " s (" + lines.size() + " other lines were written meanwhile): "
                    + "attacks on the target leave no trace where the operators look")));
        }
        String line = seen.get().stream().filter(matches).findFirst().orElseThrow();
        Evidence.attach("The " + event + " in the security log after "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms", line);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
