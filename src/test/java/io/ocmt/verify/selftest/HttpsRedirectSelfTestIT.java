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
@DisplayName("Self-test: redirect checks fail when port 80 serves content or redirects temporarily")
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
}
