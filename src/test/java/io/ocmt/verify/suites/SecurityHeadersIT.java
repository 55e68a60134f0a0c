package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.about;
import static io.ocmt.verify.report.Findings.assertNone;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.HeaderGrade;
import io.ocmt.verify.headers.SecurityHeaders;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.http.TargetUnreachableException;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checklist "Security Headers" (and the Observatory's header rules): the responses that matter
 * (a health probe, an API route, an error page; the environment's policy lists them) each carry the
 * hardening headers with acceptable values. One test per control, each naming every response that
 * breaks it. The plain-HTTP redirect is judged for version banners only.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.HEADERS)
@Story(Checklist.HEADERS_SET)
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
    /** Every response the tests judge, fetched once: each test attaches them as its evidence. */
    private final List<Exchange> judged = new ArrayList<>();

    /** Each test shows the responses it judged, though they were fetched before it. */
    @BeforeEach
    void showTheResponsesJudged() {
        Evidence.attach("Responses judged", "text/plain",
                judged.stream().map(Exchange::asEvidence).collect(java.util.stream.Collectors.joining("\n")), ".txt");
    }
    private Policy.HeaderPolicy policy;

    @BeforeAll
    void fetchTheResponsesThatMatter(Http http, Policy policy) {
        this.policy = policy.headers();
        for (Policy.ResponseSpec spec : this.policy.responses()) {
            Exchange response = http.send(spec.method(), http.target().https(spec.path()), java.util.Map.of());
            judged.add(response);
            findings.addAll(SecurityHeaders.judge(response, this.policy));
        }
    }

    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.HSTS)
    @Link(name = "ASVS 4.0.3 V14.4.5", url = References.ASVS_V14)
    @Link(name = "Observatory: Strict-Transport-Security", url = References.OBSERVATORY)
    @Link(name = "hstspreload.org", url = References.HSTS_PRELOAD)
    @Description("Every checked response must carry Strict-Transport-Security once, with max-age >= the policy "
            + "(31536000), includeSubDomains and preload. Fix: `Strict-Transport-Security: max-age=31536000; "
            + "includeSubDomains; preload` from helmet or the proxy (nginx `add_header … always`), not both.")
    @Test
    @DisplayName("Strict-Transport-Security: sent once, max-age and directives as the policy says")
    void strictTransportSecurity() {
        assertNone(about(findings, "Strict-Transport-Security"::equalsIgnoreCase));
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V14.4.3", url = References.ASVS_V14)
    @Link(name = "Observatory: Content Security Policy", url = References.OBSERVATORY)
    @Description("Content-Security-Policy must be enforced (not Report-Only), with no 'unsafe-inline', 'unsafe-eval', "
            + "data:, * or scheme sources for scripts, object-src 'none', base-uri and frame-ancestors, and still "
            + "allow wss: and Google Fonts. Fix: OCMT's helmet CSP (script-src 'self'; object-src 'none'; base-uri "
            + "'self'; frame-ancestors 'none'; connect-src 'self' wss: <USER_UI_URL>). "
            + Remediation.HELMET_HEADERS)
    @Test
    @DisplayName("Content-Security-Policy: enforced, no unsafe script sources, required directives, app needs allowed")
    void contentSecurityPolicy() {
        assertNone(about(findings, c -> c.toLowerCase().startsWith("content-security-policy")));
    }

    @Severity(SeverityLevel.NORMAL)
    @Link(name = "ASVS 4.0.3 V14.4.7", url = References.ASVS_V14)
    @Link(name = "Observatory: X-Frame-Options", url = References.OBSERVATORY)
    @Description("Every checked response must carry X-Frame-Options: DENY, so the app cannot be framed for "
            + "clickjacking. "
            + Remediation.HELMET_HEADERS)
    @Test
    @DisplayName("X-Frame-Options: DENY")
    void frameOptions() {
        assertNone(about(findings, "X-Frame-Options"::equalsIgnoreCase));
    }

    @Severity(SeverityLevel.NORMAL)
    @Link(name = "ASVS 4.0.3 V14.4.4", url = References.ASVS_V14)
    @Link(name = "Observatory: X-Content-Type-Options", url = References.OBSERVATORY)
    @Description("Every checked response must carry X-Content-Type-Options: nosniff. " + Remediation.HELMET_HEADERS)
    @Test
    @DisplayName("X-Content-Type-Options: nosniff")
    void contentTypeOptions() {
        assertNone(about(findings, "X-Content-Type-Options"::equalsIgnoreCase));
    }

    @Severity(SeverityLevel.NORMAL)
    @Link(name = "ASVS 4.0.3 V14.4.6", url = References.ASVS_V14)
    @Link(name = "Observatory: Referrer Policy", url = References.OBSERVATORY)
    @Description("Referrer-Policy must be one of the policy's values (OCMT: strict-origin-when-cross-origin), so URLs "
            + "with tokens do not leak to other sites. "
            + Remediation.HELMET_HEADERS)
    @Test
    @DisplayName("Referrer-Policy: one of the policy's values")
    void referrerPolicy() {
        assertNone(about(findings, "Referrer-Policy"::equalsIgnoreCase));
    }

    @Severity(SeverityLevel.NORMAL)
    @Link(name = "ASVS 4.0.3 V14.3.3", url = References.ASVS_V14)
    @Description("No response may name software versions: Server without a version, no X-Powered-By. Besides the "
            + "checked HTTPS responses, the first answers to plain HTTP (the redirect paths) are judged for banners "
            + "only, since HSTS, CSP and the rest mean nothing on a redirect but a banner there tells the same. Fix: "
            + "nginx `server_tokens off;` in the `http` block (so the port 80 server gets it too), Express "
            + "`app.disable('x-powered-by')` (helmet does it), and no banner added to the redirect by the proxy.")
    @Test
    @DisplayName("No version banners, on the HTTPS responses and the plain-HTTP redirect: Server without a version, no X-Powered-By and the like")
    void noVersionBanners(Http http, Policy full) {
        List<Finding> banners = new ArrayList<>(about(findings, c -> c.equalsIgnoreCase("Server")
                || policy.forbiddenHeaders().stream().anyMatch(c::equalsIgnoreCase)));
        TargetUnreachableException unanswered = null;
        for (String path : full.redirect().paths()) {
            try {
                banners.addAll(SecurityHeaders.judgeBanners(http.plainGet(path), policy));
            } catch (TargetUnreachableException e) {
                unanswered = e;
            }
        }
        // A banner found is a verdict whether or not every plain-HTTP hop answered; only a clean run needs them all.
        assertNone(banners);
        if (unanswered != null) {
            throw unanswered;
        }
    }

    @Severity(SeverityLevel.NORMAL)
    @Link(name = "Observatory: tests and scoring", url = References.OBSERVATORY)
    @Description("Other headers the policy requires must carry its values (OCMT: Cross-Origin-Opener-Policy and "
            + "Cross-Origin-Resource-Policy same-origin, X-Permitted-Cross-Domain-Policies none). "
            + Remediation.HELMET_HEADERS)
    @Test
    @DisplayName("Other required headers carry the policy's values (COOP, cross-domain policies, …)")
    void otherRequiredHeaders() {
        assertNone(about(findings, c -> !COVERED.contains(c) && policy.forbiddenHeaders().stream().noneMatch(c::equalsIgnoreCase)));
    }

    @Severity(SeverityLevel.CRITICAL)
    @Feature(Checklist.POST_DEPLOYMENT)
    @Story(Checklist.HEADER_SCAN)
    @Link(name = "Observatory: tests and scoring", url = References.OBSERVATORY)
    @Description("The checklist's header scan, \"target grade A or A+\": each page of policy.grades.headers.pages (the "
            + "UI's HTML page) graded with the MDN HTTP Observatory's published scoring (1.4.8: its ten tests, CSP, "
            + "cookies, CORS, redirection, Referrer-Policy, HSTS, SRI, X-Content-Type-Options, X-Frame-Options or "
            + "frame-ancestors, CORP; 100 plus each test's modifier, bonuses only from 90; A+ from 100), fetched as "
            + "its retriever does (plain HTTP and HTTPS with their redirects, a CORS preflight), must reach "
            + "policy.grades.headers.minimum. The evidence lists each test's result and modifier, the score and the "
            + "grade. Fix: the failing tests' headers (OCMT's helmet set earns A+), SRI on third-party scripts.")
    @Test
    @DisplayName("Header grade (MDN HTTP Observatory scoring) at least the policy's, on the UI's pages")
    void headerGrade(Http http, Policy full) {
        Policy.HeaderGradePolicy grades = full.grades().headers();
        HeaderGrade.rank(grades.minimum());
        List<Finding> low = new ArrayList<>();
        for (String path : grades.pages()) {
            HeaderGrade.Site site = HeaderGrade.fetch(http, path);
            Exchange page = site.page();
            int status = page.status();
            if (status == 0) {
                throw io.ocmt.verify.junit.NotVerified.because("policy.grades.headers.pages names " + path + ", which "
                        + "redirects to " + page.url() + ", another host than the target's, which the suite does not "
                        + "request. Fix: list the page it lands on in policy.grades.headers.pages, on the target's host");
            }
            if (status < 200 || (status >= 400 && status != 401 && status != 403)) {
                throw io.ocmt.verify.junit.NotVerified.because("policy.grades.headers.pages names " + path + ", which answers "
                        + page.describe() + "; the Observatory grades only a page that answers 2xx, 3xx, 401 or 403. "
                        + "Fix: list the UI's HTML page(s) in policy.grades.headers.pages");
            }
            HeaderGrade.Result result = HeaderGrade.score(site, Set.copyOf(grades.preloadedHosts()));
            Evidence.attach("Header grade of " + path, result.asEvidence());
            if (!HeaderGrade.atLeast(result.grade(), grades.minimum())) {
                String lost = String.join(", ", result.tests().stream().filter(t -> t.modifier() < 0)
                        .map(t -> t.result() + " (" + t.modifier() + ")").toList());
                low.add(new Finding("Header grade", page.describe(), "grade " + grades.minimum()
                        + " or better (policy.grades.headers.minimum)", "grade " + result.grade() + ", score "
                        + result.score() + (lost.isEmpty() ? "" : ": " + lost)));
            }
        }
        assertNone(low);
    }
}
