package io.ocmt.verify.suites;

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
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Configure security event logging", rate limit violations: the suite gets one 429 itself
 * and looks for it in the granted security log. Runs last, after the ratelimit tag (class order, see
 * the pom): its 429 then costs one request on a budget that tag already spent, and never spends a
 * budget that tag is about to judge.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.MONITORING)
@Story(Checklist.SECURITY_EVENT_LOGGING)
@OcmtSuite
@Tag("securitylog")
@Requires({Grant.SECURITY_LOG, Grant.DESTRUCTIVE})
@Order(Integer.MAX_VALUE)
@DisplayName("Security event logging: rate-limit violations")
public class RateLimitLoggingIT {

    @Severity(SeverityLevel.NORMAL)
    @Link(name = "ASVS 4.0.3 V7.2 Log Processing", url = References.ASVS_V7)
    @Description("Requests to policy.securityLog.rateLimitPath (OCMT's vault recovery, 3 per 30 minutes, counted without a session) "
            + "until one gets 429 (at most policy.securityLog.maxRateLimitRequests); a line naming the path and the rate limit "
            + "must then be in the security log within policy.securityLog.maxDelaySeconds. Uses up that budget of this runner, so "
            + "only with grants.destructive. " + Remediation.SECURITY_LOG)
    @Test
    @DisplayName("A rate-limit violation reaches the security log")
    void rateLimitViolationIsLogged(Http http, Target target, Policy policy) {
        Policy.SecurityLogPolicy p = policy.securityLog();
        SecurityLog log = SecurityLog.open(target.environment().grants().securityLog(), Duration.ofMillis(target.readTimeoutMs()));
        SecurityLog.Mark mark = log.mark();
        URI uri = target.https(p.rateLimitPath());
        Http limited = http.judgingRateLimits();
        Exchange last = null;
        int sent = 0;
        while (sent < p.maxRateLimitRequests() && (last == null || last.status() != 429)) {
            last = Http.exchange(p.rateLimitMethod(), uri, limited.spec().contentType("application/json").body("{}")
                    .request(p.rateLimitMethod(), uri));
            sent++;
        }
        Exchange answered = last;
        int count = sent;
        NotVerified.unless(answered != null && answered.status() == 429, () -> NotVerified.PREFIX + count + " requests to "
                + p.rateLimitMethod() + " " + p.rateLimitPath() + " got no 429 (policy.securityLog.maxRateLimitRequests), so there is "
                + "no violation to look for; the ratelimit tag judges the limit itself");
        String lowerPath = p.rateLimitPath().toLowerCase(Locale.ROOT);
        SecurityLogIT.expectInLog(log, mark, p, "rate-limit violation (" + answered.describe() + ", request " + count + ")", line -> {
            String l = line.toLowerCase(Locale.ROOT);
            return l.contains(lowerPath) && (l.contains("429") || l.contains("rate_limit") || l.contains("rate limit")
                    || l.contains("ratelimit") || l.contains("too many"));
        });
    }

}
