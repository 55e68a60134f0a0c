package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each header control, broken alone on the reference stack, fails its own test of the headers suite and no other. */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: security headers checks fail when the control is broken")
class SecurityHeadersSelfTestIT {

    private static final Class<?> SUITE = io.ocmt.verify.suites.SecurityHeadersIT.class;

    @Test
    void hstsMissing() {
        assertThat(run(SUITE, "hsts-missing")).failedOnly("strictTransportSecurity")
                .withMessage("strictTransportSecurity", "Strict-Transport-Security", "/health", "/api/auth/me");
    }

    @Test
    void hstsShort() {
        assertThat(run(SUITE, "hsts-short")).failedOnly("strictTransportSecurity")
                .withMessage("strictTransportSecurity", "max-age=86400", "includeSubDomains");
    }

    @Test
    void cspUnsafeInline() {
        assertThat(run(SUITE, "csp-unsafe-inline")).failedOnly("contentSecurityPolicy")
                .withMessage("contentSecurityPolicy", "Content-Security-Policy", "'unsafe-inline'", "script-src");
    }

    @Test
    void cspMissing() {
        assertThat(run(SUITE, "csp-missing")).failedOnly("contentSecurityPolicy")
                .withMessage("contentSecurityPolicy", "Content-Security-Policy");
    }

    @Test
    void cspReportOnly() {
        assertThat(run(SUITE, "csp-report-only")).failedOnly("contentSecurityPolicy")
                .withMessage("contentSecurityPolicy", "report-only");
    }

    @Test
    void frameOptionsMissing() {
        assertThat(run(SUITE, "frame-options-missing")).failedOnly("frameOptions")
                .withMessage("frameOptions", "X-Frame-Options");
    }

    @Test
    void nosniffMissing() {
        assertThat(run(SUITE, "nosniff-missing")).failedOnly("contentTypeOptions")
                .withMessage("contentTypeOptions", "X-Content-Type-Options");
    }

    @Test
    void referrerPolicyUnsafe() {
        assertThat(run(SUITE, "referrer-unsafe")).failedOnly("referrerPolicy")
                .withMessage("referrerPolicy", "Referrer-Policy", "unsafe-url");
    }

    @Test
    void poweredBy() {
        assertThat(run(SUITE, "powered-by")).failedOnly("noVersionBanners")
                .withMessage("noVersionBanners", "X-Powered-By");
    }

    @Test
    void serverVersion() {
        assertThat(run(SUITE, "server-version")).failedOnly("noVersionBanners")
                .withMessage("noVersionBanners", "Server", "nginx/");
    }

    /** Only port 80 sends banners: the HTTPS responses are clean, so the finding must come from the plain-HTTP hop. */
    @Test
    void httpHopBanner() {
        assertThat(run(SUITE, "http-hop-banner")).failedOnly("noVersionBanners")
                .withMessage("noVersionBanners", "on GET http://localhost:", "Server: \"nginx/", "X-Powered-By: \"Express\"");
    }
}
