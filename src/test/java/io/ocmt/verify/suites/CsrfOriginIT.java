package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.assertNone;

import com.fasterxml.jackson.databind.JsonNode;
import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.junit.SharedLogin;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.References;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * OCMT's CSRF defence as it runs: a state-changing request under /api whose Origin, or else the
 * origin of its Referer, is not APP_URL or in ALLOWED_ORIGINS is refused before any route runs (403
 * CSRF_ORIGIN_INVALID); one with neither header passes. A browser sends an Origin on every
 * cross-site POST, PUT, PATCH and DELETE, so this check is what stops another site from acting with a
 * logged-in user's cookie.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.AUTHN_AUTHZ)
@Story(CsrfOriginIT.STORY)
@OcmtSuite
@Tag("csrf")
@Requires(Grant.MAILBOX)
@DisplayName("Cross-site request forgery")
public class CsrfOriginIT {

    static final String STORY = "State-changing requests only from allowed origins (CSRF)";
    /** Under .invalid (RFC 6761): no deployment can have it among its allowed origins. */
    static final String FOREIGN_ORIGIN = "https://ocmt-verify-foreign.invalid";
    private static final String CODE = "CSRF_ORIGIN_INVALID";
    private static final String REFUSAL = "403 {\"error\":\"CSRF validation failed\",\"code\":\"" + CODE + "\"}";

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V4.2.2", url = References.ASVS_V4)
    @Link(name = "ASVS 4.0.3 V3.4.3", url = References.ASVS_V3)
    @Description("A logged-in, state-changing request (DELETE of a session id that exists nowhere, so it changes "
            + "nothing if it runs) sent with a foreign Origin, and again with only a foreign Referer, must get " + REFUSAL
            + " before any route runs; an answer from the route (here 404) means another site can act with the user's "
            + "session. Fix: keep OCMT's CSRF middleware in front of every /api route and set APP_URL to the UI's "
            + "origin and ALLOWED_ORIGINS to the other origins that may call the API, never a wildcard; a proxy must "
            + "pass Origin and Referer through unchanged.")
    @Test
    @DisplayName("A logged-in state-changing request with a foreign Origin, or a foreign Referer, is refused (403 CSRF_ORIGIN_INVALID)")
    void foreignOriginIsRefused(@SharedLogin Session session, AuthClient auth) {
        String path = "/api/auth/sessions/" + UUID.randomUUID();
        Map<String, Map<String, String>> attempts = new LinkedHashMap<>();
        attempts.put("Origin: " + FOREIGN_ORIGIN, Map.of("Origin", FOREIGN_ORIGIN));
        attempts.put("Referer: " + FOREIGN_ORIGIN + "/account (no Origin)", Map.of("Referer", FOREIGN_ORIGIN + "/account"));
        List<Finding> findings = new ArrayList<>();
        StringBuilder answers = new StringBuilder();
        attempts.forEach((sent, header) -> {
            Map<String, String> headers = new LinkedHashMap<>(auth.credentials(session));
            headers.putAll(header);
            Exchange e = auth.send("DELETE", path, headers, null);
            answers.append("with ").append(sent).append(": ").append(e.describe()).append(' ').append(Redactor.text(e.body())).append('\n');
            String code = code(auth, e);
            if (e.status() != 403 || !CODE.equals(code)) {
                findings.add(new Finding("CSRF origin check", e.describe() + " sent with the run's session and " + sent,
                        REFUSAL, e.status() == 403 ? "it was refused with code " + code + ", not by the origin check"
                        : "it answered " + e.status() + ": the request got past the origin check and reached the route, so another "
                        + "site can send it with a logged-in user's cookie (this one named a session that exists nowhere, so it "
                        + "changed nothing)"));
            }
        });
        Evidence.attach("State-changing requests from a foreign origin", "text/plain", answers.toString(), ".txt");
        assertNone(findings);
    }

    private static String code(AuthClient auth, Exchange e) {
        try {
            JsonNode code = auth.json(e).path("code");
            return code.isTextual() ? code.asText() : "none";
        } catch (AssertionError notJson) {
            return "none (not JSON)";
        }
    }
}
