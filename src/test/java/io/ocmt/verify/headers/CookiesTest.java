package io.ocmt.verify.headers;

import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CookiesTest {

    private static final String TOKEN = "3f5d0c2a9b8e7f6a5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e";
    private static final String SUBJECT = "GET https://ocmt.example/api/auth/verify?token=<redacted> → 200";
    private static final String EXPECTED = "ocmt_session with Secure, HttpOnly, SameSite=Lax or Strict, Path=/";

    private static Exchange verify(String... setCookies) {
        return new Exchange("GET", "https://ocmt.example/api/auth/verify?token=<redacted>", 200,
                setCookies.length == 0 ? Map.of() : Map.of("Set-Cookie", List.of(setCookies)), "{}");
    }

    private static List<Finding> judge(String... setCookies) {
        List<Finding> findings = Cookies.judgeSessionCookie(verify(setCookies), "ocmt_session");
        // The one property every cookie finding must have, whatever else the test checks.
        assertThat(findings).allSatisfy(f -> assertThat(f.toString()).doesNotContain(TOKEN));
        return findings;
    }

    @Test
    void ocmtProductionCookiePasses() {
        assertThat(judge("ocmt_session=" + TOKEN
                + "; Path=/; Expires=Tue, 14 Apr 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax")).isEmpty();
    }

    @Test
    void attributeNamesAndSameSiteValuesAreCaseInsensitive() {
        assertThat(judge("ocmt_session=" + TOKEN + "; path=/; httponly; SECURE; samesite=strict")).isEmpty();
    }

    @Test
    void missingSecureIsAFindingWithTheValueRedacted() {
        assertThat(judge("ocmt_session=" + TOKEN + "; Path=/; HttpOnly; SameSite=Lax")).containsExactly(new Finding(
                "Set-Cookie", SUBJECT, EXPECTED,
                "ocmt_session=<redacted>; Path=/; HttpOnly; SameSite=Lax: no Secure, so it also travels over plain HTTP"));
    }

    @Test
    void missingHttpOnly() {
        assertThat(judge("ocmt_session=" + TOKEN + "; Path=/; Secure; SameSite=Lax")).singleElement()
                .extracting(Finding::seen).asString().endsWith(": no HttpOnly, so scripts can read it");
    }

    @Test
    void sameSiteNoneIsAFinding() {
        assertThat(judge("ocmt_session=" + TOKEN + "; Path=/; HttpOnly; Secure; SameSite=None")).singleElement()
                .extracting(Finding::seen).asString().endsWith(": SameSite=None, so other sites' requests carry it");
    }

    @Test
    void missingOrBogusSameSite() {
        assertThat(judge("ocmt_session=" + TOKEN + "; Path=/; HttpOnly; Secure")).singleElement()
                .extracting(Finding::seen).asString().endsWith(": no SameSite, so the browser's default applies");
        assertThat(judge("ocmt_session=" + TOKEN + "; Path=/; HttpOnly; Secure; SameSite=Sometimes")).singleElement()
                .extracting(Finding::seen).asString().contains("SameSite=Sometimes is not a SameSite value");
    }

    @Test
    void pathMustBeRoot() {
        assertThat(judge("ocmt_session=" + TOKEN + "; Path=/api; HttpOnly; Secure; SameSite=Lax")).singleElement()
                .extracting(Finding::seen).asString().endsWith(": Path=/api instead of /");
        assertThat(judge("ocmt_session=" + TOKEN + "; HttpOnly; Secure; SameSite=Lax")).singleElement()
                .extracting(Finding::seen).asString().endsWith(": no Path, so it is scoped to the directory of the request");
    }

    @Test
    void lastPathAttributeWinsAsInRfc6265() {
        assertThat(judge("ocmt_session=" + TOKEN + "; Path=/api; HttpOnly; Secure; SameSite=Lax; Path=/")).isEmpty();
    }

    @Test
    void everyShortfallIsListedInOneFinding() {
        assertThat(judge("ocmt_session=" + TOKEN)).singleElement().extracting(Finding::seen).isEqualTo(
                "ocmt_session=<redacted>: no Secure, so it also travels over plain HTTP; no HttpOnly, so scripts can"
                        + " read it; no SameSite, so the browser's default applies; no Path, so it is scoped to the"
                        + " directory of the request");
    }

    @Test
    void absentCookieNamesTheOthersWithoutTheirValues() {
        assertThat(judge("XSRF-TOKEN=" + TOKEN + "; Path=/", "ocmt_vault_session=" + TOKEN + "; Secure"))
                .containsExactly(new Finding("Set-Cookie", SUBJECT, EXPECTED,
                        "no Set-Cookie for ocmt_session; set were: XSRF-TOKEN=<redacted> | ocmt_vault_session=<redacted>"));
    }

    @Test
    void noSetCookieAtAll() {
        assertThat(judge()).singleElement().extracting(Finding::seen).isEqualTo("no Set-Cookie header");
    }

    @Test
    void cookieNamesAreCaseSensitive() {
        assertThat(judge("OCMT_SESSION=" + TOKEN + "; Path=/; HttpOnly; Secure; SameSite=Lax")).singleElement()
                .extracting(Finding::seen).asString().startsWith("no Set-Cookie for ocmt_session");
    }

    @Test
    void eachSetCookieOfTheSessionIsJudged() {
        // A response may clear and re-set the cookie; both headers reach the browser.
        assertThat(judge("ocmt_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                "ocmt_session=" + TOKEN + "; Path=/; HttpOnly; Secure; SameSite=Lax")).singleElement()
                .extracting(Finding::seen).asString().startsWith("ocmt_session=<redacted>; Path=/; Expires=Thu");
    }

    /** OCMT sends Expires, not Max-Age: measured from the answer's Date, however long ago the answer arrived. */
    @Test
    void lifetimeIsExpiresLessTheAnswersDateOrMaxAge() {
        Exchange expires = new Exchange("GET", "https://ocmt.example/api/auth/verify", 200, Map.of(
                "Date", List.of("Mon, 30 Nov 2026 10:00:00 GMT"),
                "Set-Cookie", List.of("ocmt_session=abc; Path=/; Expires=Mon, 07 Dec 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax")), "");
        assertThat(Cookies.lifetime(expires, "ocmt_session")).contains(java.time.Duration.ofDays(7));
        Exchange maxAge = new Exchange("GET", "https://ocmt.example/api/auth/verify", 200, Map.of(
                "Set-Cookie", List.of("other=1; Max-Age=5", "ocmt_session=abc; Max-Age=20; Path=/")), "");
        assertThat(Cookies.lifetime(maxAge, "ocmt_session")).contains(java.time.Duration.ofSeconds(20));
        Exchange session = new Exchange("GET", "https://ocmt.example/api/auth/verify", 200, Map.of(
                "Set-Cookie", List.of("ocmt_session=abc; Path=/")), "");
        assertThat(Cookies.lifetime(session, "ocmt_session")).isEmpty();
    }
}
