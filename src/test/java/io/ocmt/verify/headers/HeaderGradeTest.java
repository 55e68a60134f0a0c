package io.ocmt.verify.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.http.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Observatory's scoring on synthetic pages: the bands, the bonus rule and the tests' corner cases. */
class HeaderGradeTest {

    private static final String PAGE = "https://ocmt.example.com/";

    private static Map<String, List<String>> hardened() {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Content-Type", List.of("text/html; charset=utf-8"));
        h.put("Content-Security-Policy", List.of("default-src 'self'; frame-ancestors 'none'; object-src 'none'"));
        h.put("Strict-Transport-Security", List.of("max-age=31536000"));
        h.put("X-Content-Type-Options", List.of("nosniff"));
        h.put("Referrer-Policy", List.of("no-referrer"));
        return h;
    }

    private static HeaderGrade.Result grade(Map<String, List<String>> headers, String body, Exchange cors) {
        List<Exchange> route = List.of(new Exchange("GET", "http://ocmt.example.com/", 301, Map.of(), ""),
                new Exchange("GET", PAGE, 200, Map.of(), ""));
        return HeaderGrade.score(new HeaderGrade.Site("ocmt.example.com", route,
                List.of(new Exchange("GET", PAGE, 200, headers, body)), cors), Set.of());
    }

    private static String result(HeaderGrade.Result r, String test) {
        return r.tests().stream().filter(t -> t.name().equals(test)).findFirst().orElseThrow().result();
    }

    @Test
    void bandsFollowTheGradeChart() {
        assertThat(HeaderGrade.gradeFor(135)).isEqualTo("A+");
        assertThat(HeaderGrade.gradeFor(100)).isEqualTo("A+");
        assertThat(HeaderGrade.gradeFor(99)).isEqualTo("A");
        assertThat(HeaderGrade.gradeFor(90)).isEqualTo("A");
        assertThat(HeaderGrade.gradeFor(89)).isEqualTo("A-");
        assertThat(HeaderGrade.gradeFor(80)).isEqualTo("B+");
        assertThat(HeaderGrade.gradeFor(64)).isEqualTo("C+");
        assertThat(HeaderGrade.gradeFor(25)).isEqualTo("D-");
        assertThat(HeaderGrade.gradeFor(24)).isEqualTo("F");
        assertThat(HeaderGrade.gradeFor(-40)).isEqualTo("F");
        assertThat(HeaderGrade.atLeast("A+", "A")).isTrue();
        assertThat(HeaderGrade.atLeast("A-", "A")).isFalse();
        assertThatThrownBy(() -> HeaderGrade.rank("AA")).hasMessageContaining("not an Observatory grade");
    }

    @Test
    void bonusesCountOnlyFrom90() {
        HeaderGrade.Result good = grade(hardened(), "<html></html>", null);
        // default-src 'none' is not set: CSP +5, referrer +5, frame-ancestors +5.
        assertThat(good.score()).isEqualTo(115);
        Map<String, List<String>> noXcto = hardened();
        noXcto.remove("X-Content-Type-Options");
        noXcto.remove("Strict-Transport-Security");
        HeaderGrade.Result low = grade(noXcto, "<html></html>", null);
        assertThat(low.score()).isEqualTo(75);
        assertThat(low.grade()).isEqualTo("B");
    }

    @Test
    void aSecondHstsHeaderIsInvalidAsNodeJoinsThem() {
        Map<String, List<String>> h = hardened();
        h.put("Strict-Transport-Security", List.of("max-age=31536000", "max-age=31536000"));
        assertThat(result(grade(h, "", null), "strict-transport-security")).isEqualTo("hsts-header-invalid");
    }

    @Test
    void metaCspAndThirdPartyScriptsAreRead() {
        Map<String, List<String>> h = hardened();
        h.remove("Content-Security-Policy");
        String body = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
                + "<script src=\"https://cdn.other.net/x.js\"></script></head></html>";
        HeaderGrade.Result r = grade(h, body, null);
        assertThat(result(r, "content-security-policy")).isEqualTo("csp-implemented-with-no-unsafe-default-src-none");
        assertThat(result(r, "subresource-integrity")).isEqualTo("sri-not-implemented-but-external-scripts-loaded-securely");
        String withSri = body.replace("x.js\"", "x.js\" integrity=\"sha384-abc\" crossorigin=\"anonymous\"");
        assertThat(result(grade(h, withSri, null), "subresource-integrity"))
                .isEqualTo("sri-implemented-and-external-scripts-loaded-securely");
    }

    @Test
    void corsIsReadOnlyFromA2xxPreflight() {
        Exchange refused = new Exchange("OPTIONS", PAGE, 405, Map.of("Access-Control-Allow-Origin", List.of("*")), "");
        assertThat(result(grade(hardened(), "", refused), "cross-origin-resource-sharing"))
                .isEqualTo("cross-origin-resource-sharing-not-implemented");
        Exchange open = new Exchange("OPTIONS", PAGE, 204, Map.of("Access-Control-Allow-Origin", List.of("*")), "");
        assertThat(result(grade(hardened(), "", open), "cross-origin-resource-sharing"))
                .isEqualTo("cross-origin-resource-sharing-implemented-with-public-access");
    }

    @Test
    void sessionCookieFlagsAndInvalidSameSite() {
        Map<String, List<String>> h = hardened();
        h.put("Set-Cookie", List.of("sessionid=1; Path=/; Secure; SameSite=Bogus"));
        assertThat(result(grade(h, "", null), "cookies")).isEqualTo("cookies-session-without-httponly-flag");
        h.put("Set-Cookie", List.of("sessionid=1; Path=/; Secure; HttpOnly; SameSite=Bogus"));
        assertThat(result(grade(h, "", null), "cookies")).isEqualTo("cookies-samesite-flag-invalid");
        h.put("Set-Cookie", List.of("sessionid=1; Path=/; Secure; HttpOnly; SameSite=Strict"));
        assertThat(result(grade(h, "", null), "cookies")).isEqualTo("cookies-secure-with-httponly-sessions-and-samesite");
    }

    @Test
    void redirectionToAnotherHostLosesFive() {
        List<Exchange> route = List.of(new Exchange("GET", "http://ocmt.example.com/", 301, Map.of(), ""),
                new Exchange("GET", "https://www.ocmt.example.com/", 0, Map.of(), "not requested"));
        HeaderGrade.Result r = HeaderGrade.score(new HeaderGrade.Site("ocmt.example.com", route,
                List.of(new Exchange("GET", PAGE, 200, hardened(), "")), null), Set.of());
        assertThat(result(r, "redirection")).isEqualTo("redirection-off-host-from-http");
        HeaderGrade.Result preloaded = HeaderGrade.score(new HeaderGrade.Site("ocmt.example.com", route,
                List.of(new Exchange("GET", PAGE, 200, hardened(), "")), null), Set.of("example.com"));
        assertThat(result(preloaded, "strict-transport-security")).isEqualTo("hsts-preloaded");
        assertThat(result(preloaded, "redirection")).isEqualTo("redirection-all-redirects-preloaded");
    }
}
