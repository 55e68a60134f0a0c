package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.assertNone;
import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.Redirects;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Finding;
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
@OcmtSuite
@Tag("redirect")
@DisplayName("HTTP to HTTPS redirect")
public class HttpsRedirectIT {

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
