package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: redirect checks fail when port 80 serves content, redirects temporarily or to the host the request names")
class HttpsRedirectSelfTestIT {

    private static final Class<?> SUITE = io.ocmt.verify.suites.HttpsRedirectIT.class;

    @Test
    void plainHttpServed() {
        assertThat(run(SUITE, "no-https-redirect"))
                .failedOnly("firstHopIsPermanentRedirectToHttps", "redirectTargetAnswersOverTls")
                .withMessage("firstHopIsPermanentRedirectToHttps", "GET http://localhost:", "200");
    }

    @Test
    void temporaryRedirect() {
        assertThat(run(SUITE, "redirect-302")).failedOnly("firstHopIsPermanentRedirectToHttps")
                .withMessage("firstHopIsPermanentRedirectToHttps", "302");
    }

    /** nginx builds the Location from X-Forwarded-Host, else Host: each header alone must be caught. */
    @Test
    void redirectFollowsHost() {
        assertThat(run(SUITE, "redirect-follows-host")).failedOnly("redirectIgnoresForeignHost")
                .withMessage("redirectIgnoresForeignHost", "GET http://localhost:",
                        "with Host: ocmt-verify-foreign.invalid", "with X-Forwarded-Host: ocmt-verify-foreign.invalid",
                        "Location \"https://ocmt-verify-foreign.invalid", "built from Host", "built from X-Forwarded-Host");
    }
}
