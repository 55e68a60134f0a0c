package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.about;
import static io.ocmt.verify.report.Findings.assertNone;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.SecurityHeaders;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checklist "Security Headers" (and the Observatory's header rules): the responses that matter
 * (a health probe, an API route, an error page; the environment's policy lists them) each carry the
 * hardening headers with acceptable values. One test per control, each naming every response that
 * breaks it.
 */
@OcmtSuite
@Tag("headers")
@DisplayName("Security headers")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class SecurityHeadersIT {

    private static final Set<String> COVERED = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        COVERED.addAll(List.of("Strict-Transport-Security", "Content-Security-Policy", "Content-Security-Policy-Report-Only",
                "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Server"));
    }

    private final List<Finding> findings = new ArrayList<>();
    private Policy.HeaderPolicy policy;

    @BeforeAll
    void fetchTheResponsesThatMatter(Http http, Policy policy) {
        this.policy = policy.headers();
        for (Policy.ResponseSpec spec : this.policy.responses()) {
            Exchange response = http.send(spec.method(), http.target().https(spec.path()), java.util.Map.of());
            findings.addAll(SecurityHeaders.judge(response, this.policy));
        }
    }

    @Test
    @DisplayName("Strict-Transport-Security: sent once, max-age and directives as the policy says")
    void strictTransportSecurity() {
        assertNone(about(findings, "Strict-Transport-Security"::equalsIgnoreCase));
    }

    @Test
    @DisplayName("Content-Security-Policy: enforced, no unsafe script sources, required directives, app needs allowed")
    void contentSecurityPolicy() {
        assertNone(about(findings, c -> c.toLowerCase().startsWith("content-security-policy")));
    }

    @Test
    @DisplayName("X-Frame-Options: DENY")
    void frameOptions() {
        assertNone(about(findings, "X-Frame-Options"::equalsIgnoreCase));
    }

    @Test
    @DisplayName("X-Content-Type-Options: nosniff")
    void contentTypeOptions() {
        assertNone(about(findings, "X-Content-Type-Options"::equalsIgnoreCase));
    }

    @Test
    @DisplayName("Referrer-Policy: one of the policy's values")
    void referrerPolicy() {
        assertNone(about(findings, "Referrer-Policy"::equalsIgnoreCase));
    }

    @Test
    @DisplayName("No version banners: Server without a version, no X-Powered-By and the like")
    void noVersionBanners() {
        assertNone(about(findings, c -> c.equalsIgnoreCase("Server") || policy.forbiddenHeaders().stream().anyMatch(c::equalsIgnoreCase)));
    }

    @Test
    @DisplayName("Other required headers carry the policy's values (COOP, cross-domain policies, …)")
    void otherRequiredHeaders() {
        assertNone(about(findings, c -> !COVERED.contains(c) && policy.forbiddenHeaders().stream().noneMatch(c::equalsIgnoreCase)));
    }
}
