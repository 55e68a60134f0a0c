package io.ocmt.reference.api;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.ocmt.reference.api.CsrfRules.Verdict.ORIGIN_INVALID;
import static io.ocmt.reference.api.CsrfRules.Verdict.PASS;
import static io.ocmt.reference.api.CsrfRules.Verdict.TOKEN_INVALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CsrfRulesTest {

    static final Set<String> ALLOWED = ApiSettings.allowedOrigins("https://app.example:8443/", "https://ui.example");
    final CsrfRules rules = new CsrfRules(ALLOWED, true);

    @Test
    void safeMethodsAndPathsOutsideApiAreNotChecked() {
        assertEquals(PASS, rules.judge("GET", "/api/auth/me", "https://evil.example", null, "a", "b"));
        assertEquals(PASS, rules.judge("HEAD", "/api/auth/me", "https://evil.example", null, null, null));
        assertEquals(PASS, rules.judge("OPTIONS", "/api/vault/unlock", "https://evil.example", null, null, null));
        assertEquals(PASS, rules.judge("POST", "/health", "https://evil.example", null, null, null));
        assertEquals(PASS, rules.judge("POST", "/apix/thing", "https://evil.example", null, null, null));
    }

    @Test
    void foreignOriginIsRefusedOnEveryStateChangingMethod() {
        for (String m : new String[] {"POST", "PUT", "PATCH", "DELETE", "post"}) {
            assertEquals(ORIGIN_INVALID, rules.judge(m, "/api/auth/logout", "https://evil.example", null, null, null), m);
        }
        // Login is exempt from the double submit only, not from the origin check.
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/auth/login", "https://evil.example", null, null, null));
    }

    @Test
    void caseAndTrailingSlashDoNotDodgeTheCheck() {
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/API/Auth/Logout/", "https://evil.example", null, null, null));
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api", "https://evil.example", null, null, null));
    }

    @Test
    void allowedOriginsPassNormalised() {
        assertEquals(PASS, rules.judge("POST", "/api/auth/logout", "https://app.example:8443", null, null, null));
        assertEquals(PASS, rules.judge("POST", "/api/auth/logout", "HTTPS://APP.example:8443", null, null, null));
        assertEquals(PASS, rules.judge("POST", "/api/auth/logout", "https://ui.example:443", null, null, null));
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/x", "https://app.example", null, null, null), "other port");
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/x", "http://app.example:8443", null, null, null), "other scheme");
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/x", "null", null, null, null));
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/x", "https://app.example:8443.evil.example", null, null, null));
    }

    @Test
    void refererCountsWhenOriginIsAbsent() {
        assertEquals(PASS, rules.judge("POST", "/api/x", null, "https://app.example:8443/dashboard?x=1", null, null));
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/x", null, "https://evil.example/app.example:8443", null, null));
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/x", null, "not a url at all", null, null));
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/x", null, "https://user@app.example:8443/", null, null));
        // Origin wins over Referer.
        assertEquals(ORIGIN_INVALID, rules.judge("POST", "/api/x", "https://evil.example", "https://ui.example/", null, null));
    }

    @Test
    void neitherOriginNorRefererPasses() {
        assertEquals(PASS, rules.judge("POST", "/api/auth/logout", null, null, null, null));
        assertEquals(PASS, rules.judge("DELETE", "/api/auth/sessions", "", "", null, null));
    }

    @Test
    void doubleSubmitTokenMustMatchTheCookieWhenTheCookieIsSent() {
        assertEquals(PASS, rules.judge("POST", "/api/vault/lock", null, null, "tok", "tok"));
        assertEquals(TOKEN_INVALID, rules.judge("POST", "/api/vault/lock", null, null, "tok", null));
        assertEquals(TOKEN_INVALID, rules.judge("POST", "/api/vault/lock", null, null, "tok", "TOK"));
        assertEquals(TOKEN_INVALID, rules.judge("POST", "/api/vault/lock", "https://ui.example", null, "tok", "other"));
        // No cookie: an API client with X-Session-Token, which no foreign page can make a browser send.
        assertEquals(PASS, rules.judge("POST", "/api/vault/lock", null, null, null, null));
        assertEquals(PASS, rules.judge("POST", "/api/vault/lock", null, null, "", "x"));
    }

    @Test
    void loginAndVerifyAreExemptFromTheDoubleSubmit() {
        assertEquals(PASS, rules.judge("POST", "/api/auth/login", null, null, "tok", null));
        assertEquals(PASS, rules.judge("POST", "/api/auth/login/", null, null, "tok", null));
        assertEquals(PASS, rules.judge("POST", "/API/AUTH/VERIFY", null, null, "tok", null));
        assertEquals(TOKEN_INVALID, rules.judge("POST", "/api/auth/logout", null, null, "tok", null));
    }

    @Test
    void theSwitchTurnsOffTheOriginCheckOnly() {
        CsrfRules broken = new CsrfRules(ALLOWED, false);
        assertEquals(PASS, broken.judge("POST", "/api/auth/logout", "https://evil.example", null, null, null));
        assertEquals(TOKEN_INVALID, broken.judge("POST", "/api/auth/logout", "https://evil.example", null, "tok", "x"));
    }

    @Test
    void originOfUrls() {
        assertEquals("https://a.example", CsrfRules.origin("https://A.example:443/path?q"));
        assertEquals("http://a.example:8080", CsrfRules.origin("http://a.example:8080"));
        assertNull(CsrfRules.origin("ftp://a.example"));
        assertNull(CsrfRules.origin("javascript:alert(1)"));
        assertNull(CsrfRules.origin(null));
    }
}
