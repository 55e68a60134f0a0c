package io.ocmt.verify.suites;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.report.Checklist;
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
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Set ADMIN_TOKEN" and "Set AGENT_SERVER_TOKEN": the admin API answers only to its token,
 * the internal API only to the agent token. A 500 without a token means ADMIN_TOKEN is unset. Where
 * the environment grants a proxy outside the admin IP allowlist, the admin API refuses even the right
 * token through it.
 */
@Epic(Checklist.EPIC)
@OcmtSuite
@Tag("admin")
@DisplayName("Admin and internal API guard")
public class AdminGuardIT {

    /** OCMT's answer to an admin request from outside the allowlist (ocmt-target.md, "Admin"). */
    private static final String ADMIN_IP_NOT_ALLOWED = "ADMIN_IP_NOT_ALLOWED";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.AUTHN_AUTHZ)
    @Story(Checklist.SET_ADMIN_TOKEN)
    @Link(name = "ASVS 4.0.3 V4.1.5", url = References.ASVS_V4)
    @Description("An admin endpoint without a token must answer 401; 200 means the admin API is open, 500 that the "
            + "token is unset and the guard fails open. "
            + Remediation.ADMIN_TOKEN)
    @Test
    @DisplayName("Admin endpoints refuse a request without a token (401; a 500 means ADMIN_TOKEN is unset)")
    void adminRefusesMissingToken(Http http, Policy policy) {
        SoftAssertions softly = new SoftAssertions();
        for (String path : policy.admin().paths()) {
            Exchange e = http.get(path);
            softly.assertThat(e.status()).as("%s without a token%s", e.describe(),
                    e.status() == 500 ? ": a 500 here is the checklist's 'ADMIN_TOKEN not set' failing" : "").isEqualTo(401);
        }
        softly.assertAll();
    }

    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.AUTHN_AUTHZ)
    @Story(Checklist.SET_ADMIN_TOKEN)
    @Link(name = "ASVS 4.0.3 V4 Access Control", url = References.ASVS_V4)
    @Description("An admin endpoint with a wrong Bearer token must answer 401. " + Remediation.ADMIN_TOKEN)
    @Test
    @DisplayName("Admin endpoints refuse a wrong token")
    void adminRefusesWrongToken(Http http, Policy policy) {
        SoftAssertions softly = new SoftAssertions();
        for (String path : policy.admin().paths()) {
            Exchange e = http.send("GET", http.target().https(path), Map.of("Authorization", "Bearer wrong-" + System.nanoTime()));
            softly.assertThat(e.status()).as("%s with a wrong token", e.describe()).isEqualTo(401);
        }
        softly.assertAll();
    }

    @Severity(SeverityLevel.NORMAL)
    @Feature(Checklist.AUTHN_AUTHZ)
    @Story(Checklist.SET_ADMIN_TOKEN)
    @Link(name = "ASVS 4.0.3 V4 Access Control", url = References.ASVS_V4)
    @Description("Positive control: the environment's admin token must get 200, otherwise the refusals above prove "
            + "nothing. Fix: make secret adminToken of the environment hold the target's current admin token "
            + "(rotated tokens must be updated in the runner's secrets).")
    @Test
    @DisplayName("Admin endpoints answer the right token")
    void adminAnswersRightToken(Http http, Target target, Policy policy) {
        String token = adminToken(target, "");
        SoftAssertions softly = new SoftAssertions();
        for (String path : policy.admin().paths()) {
            Exchange e = http.send("GET", target.https(path), Map.of("Authorization", "Bearer " + token));
            softly.assertThat(e.status()).as("%s with the admin token", e.describe()).isEqualTo(200);
        }
        softly.assertAll();
    }

    /**
     * Checklist "ADMIN_ALLOWED_IPS": the right token from an address outside the allowlist is refused.
     * The right token is what makes the 403 mean "the allowlist refused it", not "the token was
     * wrong"; {@link #adminAnswersRightToken} shows the same token answered from the runner's address.
     */
    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.IP_ALLOWLISTS)
    @Story(Checklist.ADMIN_IP_ALLOWLIST)
    @Link(name = "ASVS 4.0.3 V4 Access Control", url = References.ASVS_V4)
    @Description("The right admin token sent through grants.outsideProxy, whose egress address is outside the "
            + "allowlist, must get 403 ADMIN_IP_NOT_ALLOWED. "
            + Remediation.ADMIN_ALLOWLIST)
    @Test
    @Requires(Grant.OUTSIDE_PROXY)
    @DisplayName("Admin endpoints refuse the right token from an address outside the admin IP allowlist (403 ADMIN_IP_NOT_ALLOWED)")
    void adminRefusesAddressOutsideAllowlist(Http http, Target target, Policy policy) {
        String token = adminToken(target, "; without the right token a refusal would not show that the allowlist refused it");
        URI proxy = target.environment().grants().outsideProxy().uri();
        Http outside = http.via(proxy);
        String through = "sent with the right admin token through the outside proxy " + Redactor.url(proxy.toString())
                + " (grants.outsideProxy.url, whose egress address is outside the admin IP allowlist)";
        SoftAssertions softly = new SoftAssertions();
        for (String path : policy.admin().paths()) {
            URI uri = target.https(path);
            Exchange e;
            try {
                e = outside.send("GET", uri, Map.of("Authorization", "Bearer " + token));
            } catch (Exception failed) { // REST Assured rethrows I/O errors unchecked, whatever their type
                softly.fail("GET %s %s: expected 403 with code ADMIN_IP_NOT_ALLOWED, but the request failed: %s",
                        Redactor.url(uri.toString()), through, Redactor.text(String.valueOf(failed.getMessage())));
                continue;
            }
            String code = errorCode(e);
            softly.assertThat(e.status() + " " + code)
                    .as("%s %s%s", e.describe(), through, e.status() == 200
                            ? ": the admin API answered a client outside its allowlist" : "")
                    .isEqualTo("403 " + ADMIN_IP_NOT_ALLOWED);
        }
        softly.assertAll();
    }

    /** The environment's admin token, or the test is skipped saying which secret is missing and {@code why} it matters. */
    private static String adminToken(Target target, String why) {
        Optional<String> token = target.secrets().find("adminToken");
        Assumptions.assumeTrue(token.isPresent(), () -> "Not verified: environment '" + target.name()
                + "' grants no secret adminToken (secrets.adminToken names its variable)" + why);
        return token.get();
    }

    /** OCMT's {@code "code"} field of a JSON error body; "(no code)" for anything else. */
    private static String errorCode(Exchange e) {
        try {
            JsonNode code = JSON.readTree(e.body()).path("code");
            return code.isTextual() ? code.asText() : "(no code)";
        } catch (IOException | RuntimeException notJson) {
            return "(no code)";
        }
    }

    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.AUTHN_AUTHZ)
    @Story(Checklist.SET_AGENT_TOKEN)
    @Link(name = "ASVS 4.0.3 V4 Access Control", url = References.ASVS_V4)
    @Description("The internal (agent server) API must answer 401 without x-auth-token or with a wrong one. "
            + Remediation.AGENT_TOKEN)
    @Test
    @DisplayName("The internal API refuses requests without the agent server token, or with a wrong one")
    void internalApiNeedsAgentToken(Http http, Policy policy) {
        SoftAssertions softly = new SoftAssertions();
        for (String path : policy.admin().internalPaths()) {
            Exchange none = http.get(path);
            softly.assertThat(none.status()).as("%s without x-auth-token", none.describe()).isEqualTo(401);
            Exchange wrong = http.send("GET", http.target().https(path), Map.of("x-auth-token", "wrong-" + System.nanoTime()));
            softly.assertThat(wrong.status()).as("%s with a wrong x-auth-token", wrong.describe()).isEqualTo(401);
        }
        softly.assertAll();
    }
}
