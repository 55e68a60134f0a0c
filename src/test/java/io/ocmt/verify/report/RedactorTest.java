package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final String TOKEN = "3f1c9a0b7d2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a";

    @Test
    void credentialHeadersKeepOnlyTheirScheme() {
        assertThat(Redactor.header("Authorization", "Bearer abc.def")).isEqualTo("Bearer <redacted>");
        assertThat(Redactor.header("X-Session-Token", TOKEN)).isEqualTo("<redacted>");
        assertThat(Redactor.header("x-auth-token", "anything")).isEqualTo("<redacted>");
    }

    @Test
    void cookiesKeepNamesAndAttributesButNotValues() {
        assertThat(Redactor.header("Set-Cookie", "ocmt_session=" + TOKEN + "; Path=/; Expires=Sat, 05 Dec 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax"))
                .isEqualTo("ocmt_session=<redacted>; Path=/; Expires=Sat, 05 Dec 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax");
        assertThat(Redactor.header("Cookie", "ocmt_session=abc; XSRF-TOKEN=def")).isEqualTo("ocmt_session=<redacted>; XSRF-TOKEN=<redacted>");
        assertThat(Redactor.header("Set-Cookie", "ocmt_session=; Path=/; Max-Age=0")).isEqualTo("ocmt_session=; Path=/; Max-Age=0");
    }

    @Test
    void tokensInUrlsAndJsonAreMasked() {
        assertThat(Redactor.url("https://ocmt.test/verify?token=" + TOKEN + "&next=/home"))
                .isEqualTo("https://ocmt.test/verify?token=<redacted>&next=/home");
        assertThat(Redactor.text("{\"success\":true,\"sessionToken\":\"" + TOKEN + "\",\"user\":{\"email\":\"a@b.test\"}}"))
                .isEqualTo("{\"success\":true,\"sessionToken\":\"<redacted>\",\"user\":{\"email\":\"a@b.test\"}}");
        assertThat(Redactor.text("{\"password\": \"correct horse\"}")).isEqualTo("{\"password\": \"<redacted>\"}");
    }

    @Test
    void errorCodesStayReadableButAuthorizationCodesDoNot() {
        assertThat(Redactor.text("{\"error\":\"Session expired\",\"code\":\"SESSION_EXPIRED\"}"))
                .isEqualTo("{\"error\":\"Session expired\",\"code\":\"SESSION_EXPIRED\"}");
        assertThat(Redactor.text("{\"code\": \"ADMIN_IP_NOT_ALLOWED\"}")).isEqualTo("{\"code\": \"ADMIN_IP_NOT_ALLOWED\"}");
        assertThat(Redactor.text("{\"code\":\"4/0AX4XfWh-oauth-code\"}")).isEqualTo("{\"code\":\"<redacted>\"}");
        assertThat(Redactor.text("{\"code\":\"splxlobeu\"}")).as("lower case is an OAuth code").isEqualTo("{\"code\":\"<redacted>\"}");
        assertThat(Redactor.text("{\"token\":\"SESSION_EXPIRED\"}")).as("only under code").isEqualTo("{\"token\":\"<redacted>\"}");
        assertThat(Redactor.url("https://ocmt.test/callback?code=SPLXLOBEU&state=x")).as("in a URL a code is always a credential")
                .isEqualTo("https://ocmt.test/callback?code=<redacted>&state=x");
    }

    @Test
    void magicLinksInMailBodiesAreMasked() {
        assertThat(Redactor.text("Sign in: https://ocmt.test/verify?token=abcdef0123 (valid 15 minutes)"))
                .isEqualTo("Sign in: https://ocmt.test/verify?token=<redacted> (valid 15 minutes)");
    }

    @Test
    void longHexAnywhereIsMasked() {
        assertThat(Redactor.text("revoked session " + TOKEN + " ok")).isEqualTo("revoked session <redacted> ok");
    }

    @Test
    void registeredSecretsAreMaskedWhereverTheyAppear() {
        Redactor.registerSecret("Pa55-w0rd-Z");
        assertThat(Redactor.text("redis://:Pa55-w0rd-Z@redis:6379")).isEqualTo("redis://:<redacted>@redis:6379");
        assertThat(Redactor.header("X-Custom", "Pa55-w0rd-Z")).isEqualTo("<redacted>");
    }

    @Test
    void ordinaryTextIsUntouched() {
        String text = "GET https://localhost:8443/health → 200; max-age=31536000; includeSubDomains";
        assertThat(Redactor.text(text)).isEqualTo(text);
    }
}
