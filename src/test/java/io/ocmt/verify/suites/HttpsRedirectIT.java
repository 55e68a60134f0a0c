package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.assertNone;
import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.Redirects;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Finding;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "TLS/HTTPS: Redirect HTTP to HTTPS": plain HTTP answers, at the first hop, a permanent
 * redirect to https on the same host and path; and the address it names does answer over TLS.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.TLS)
@Story(Checklist.REDIRECT)
@OcmtSuite
@Tag("redirect")
@DisplayName("HTTP to HTTPS redirect")
public class HttpsRedirectIT {

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V9.1.1", url = References.ASVS_V9)
    @Link(name = "Observatory: Redirection", url = References.OBSERVATORY)
    @Description("Plain HTTP must answer 301 or 308 to https on the same host and path at the first hop. "
            + Remediation.HTTPS_REDIRECT)
    @Test
    @DisplayName("Plain HTTP gets a permanent redirect to https, same host and path, at the first hop")
    void firstHopIsPermanentRedirectToHttps(Http http, Policy policy) {
        List<Finding> findings = new ArrayList<>();
        for (String path : policy.redirect().paths()) {
            URI requested = http.target().http(path);
            findings.addAll(Redirects.judgeFirstHop(requested, http.plainGet(path), policy.redirect()));
        }
        assertNone(findings);
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V9.1.1", url = References.ASVS_V9)
    @Description("The https address the redirect names must answer over TLS and not send the client back to http. "
            + Remediation.HTTPS_REDIRECT)
    @Test
    @DisplayName("The https address the redirect names answers over TLS, without redirecting back to http")
    void redirectTargetAnswersOverTls(Http http, Policy policy) {
        String path = policy.health().path();
        Exchange hop = http.plainGet(path);
        String location = hop.single("Location").orElse(null);
        assertThat(location).as("Location of %s", hop.describe()).isNotNull().startsWith("https://");
        Exchange landed = http.send("GET", URI.create(location), Map.of());
        assertThat(landed.status()).as("%s (the redirect's target) must not send the browser elsewhere", landed.describe())
                .isBetween(200, 299);
    }
}
