package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.assertNone;
import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.Redirects;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.http.TargetUnreachableException;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Redactor;
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
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "TLS/HTTPS: Redirect HTTP to HTTPS": plain HTTP answers, at the first hop, a permanent
 * redirect to https on the same host and path; the address it names does answer over TLS; and the
 * host it names is the target's own, whatever Host or X-Forwarded-Host the request claims.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.TLS)
@Story(Checklist.REDIRECT)
@OcmtSuite
@Tag("redirect")
@DisplayName("HTTP to HTTPS redirect")
public class HttpsRedirectIT {

    /** Under .invalid (RFC 6761), so it can never resolve: a redirect that names it reaches nobody. */
    static final String FOREIGN_HOST = "ocmt-verify-foreign.invalid";

    /** Where a proxy or Express takes the host of a redirect from, when it takes it from the request. */
    private static final List<String> FOREIGN_HOST_HEADERS = List.of("Host", "X-Forwarded-Host");

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
        URI named;
        try {
            named = URI.create(location.trim());
        } catch (IllegalArgumentException e) {
            throw new AssertionError("Location " + Redactor.url(location) + " of " + hop.describe()
                    + " is not a URL a client can follow: " + Redactor.text(e.getMessage()), e);
        }
        Exchange landed;
        try {
            landed = http.send("GET", named, Map.of());
        } catch (TargetUnreachableException e) {
            // The target answered on port 80, so an https address it names that nothing answers (a wrong port,
            // a certificate for another name) is the redirect's defect, not a gap in this environment.
            throw new AssertionError("GET " + Redactor.url(named.toString()) + ", the https address " + hop.describe()
                    + " redirects to, did not answer over TLS: " + Redactor.text(String.valueOf(e.getCause().getMessage()))
                    + " (" + e.getCause().getClass().getSimpleName() + ")", e.getCause());
        }
        assertThat(landed.status()).as("%s (the redirect's target) must not send the browser elsewhere", landed.describe())
                .isBetween(200, 299);
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V5.1.5", url = References.ASVS_V5)
    @Link(name = "ASVS 4.0.3 V9.1.1", url = References.ASVS_V9)
    @Description("Plain HTTP sent with a foreign name in Host, and again in X-Forwarded-Host, must not be redirected "
            + "to that name: the Location of the first hop stays on the target's own host (refusing the request is "
            + "fine). A redirect built from the request's Host sends users, through one poisoned cache entry or a "
            + "crafted link, to a host of an attacker's choosing, and their first request after it goes there. "
            + Remediation.REDIRECT_OWN_HOST)
    @Test
    @DisplayName("The redirect stays on the target's own host whatever Host or X-Forwarded-Host the request names")
    void redirectIgnoresForeignHost(Http http, Policy policy) {
        List<Finding> findings = new ArrayList<>();
        for (String path : policy.redirect().paths()) {
            URI requested = http.target().http(path);
            for (String header : FOREIGN_HOST_HEADERS) {
                Optional<Exchange> hop = answeredOrRefused(http, requested, header);
                hop.ifPresent(h -> findings.addAll(
                        Redirects.judgeForeignHost(requested, http.target().httpsUrl(), header, FOREIGN_HOST, h)));
            }
        }
        assertNone(findings);
    }

    /**
     * The first hop of {@code requested} with {@code header} naming {@link #FOREIGN_HOST}; empty where the
     * target closed the connection on it (nginx `return 444` for unknown names), which sends nobody
     * anywhere. A closed connection counts as that only while the same address answers without the header.
     */
    private static Optional<Exchange> answeredOrRefused(Http http, URI requested, String header) {
        try {
            return Optional.of(http.send("GET", requested, Map.of(header, FOREIGN_HOST)));
        } catch (TargetUnreachableException refused) {
            http.send("GET", requested, Map.of());
            return Optional.empty();
        }
    }
}
