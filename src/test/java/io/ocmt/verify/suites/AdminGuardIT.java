package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.assertNone;

import io.ocmt.verify.admin.GuardVerdict;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Finding;
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
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Set ADMIN_TOKEN", "Set AGENT_SERVER_TOKEN" and "Configure admin IP allowlist", as OCMT
 * has them: the management server's admin API answers only {@code Authorization: Bearer
 * <INTERNAL_ADMIN_TOKEN>} (ADMIN_TOKEN guards only the separate admin UI), its internal API for the
 * agent server only {@code Authorization: Bearer <AGENT_SERVER_TOKEN>}, and the admin_ip_allowlist
 * table (OCMT has no ADMIN_ALLOWED_IPS) refuses even the right admin token from other addresses on
 * the routes it guards. A 500 without a token means the token is unset.
 */
@Epic(Checklist.EPIC)
@OcmtSuite
@Tag("admin")
@DisplayName("Admin and internal API guard")
public class AdminGuardIT {

    /** The environment secret with the target's INTERNAL_ADMIN_TOKEN; its name predates OCMT's variable. */
    private static final String ADMIN_TOKEN_SECRET = "adminToken";

    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.AUTHN_AUTHZ)
    @Story(Checklist.SET_ADMIN_TOKEN)
    @Link(name = "ASVS 4.0.3 V4.1.5", url = References.ASVS_V4)
    @Description("An admin API route (policy.admin.paths) without a token must answer 401 (OCMT: "
            + "{\"error\":\"Authentication required\"}); 200 means the admin API is open, 500 that "
            + "INTERNAL_ADMIN_TOKEN is unset and the guard fails instead of refusing. "
            + Remediation.ADMIN_TOKEN)
    @Test
    @DisplayName("Admin API routes refuse a request without a token (401; a 500 means INTERNAL_ADMIN_TOKEN is unset)")
    void adminRefusesMissingToken(Http http, Policy policy) {
        List<Finding> findings = new ArrayList<>();
        for (String path : policy.admin().paths()) {
            GuardVerdict.refusedWithoutToken(GuardVerdict.ADMIN, "INTERNAL_ADMIN_TOKEN", http.get(path), "without a token")
                    .ifPresent(findings::add);
        }
        assertNone(findings);
    }

    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.AUTHN_AUTHZ)
    @Story(Checklist.SET_ADMIN_TOKEN)
    @Link(name = "ASVS 4.0.3 V4 Access Control", url = References.ASVS_V4)
    @Description("An admin API route with a wrong `Authorization: Bearer` token must answer 401. " + Remediation.ADMIN_TOKEN)
    @Test
    @DisplayName("Admin API routes refuse a wrong Bearer token")
    void adminRefusesWrongToken(Http http, Policy policy) {
        List<Finding> findings = new ArrayList<>();
        for (String path : policy.admin().paths()) {
            Exchange e = http.send("GET", http.target().https(path), Map.of("Authorization", "Bearer " + wrongToken()));
            GuardVerdict.refusedWithoutToken(GuardVerdict.ADMIN, "INTERNAL_ADMIN_TOKEN", e,
                    "with a wrong token (Authorization: Bearer)").ifPresent(findings::add);
        }
        assertNone(findings);
    }

    @Severity(SeverityLevel.NORMAL)
    @Feature(Checklist.AUTHN_AUTHZ)
    @Story(Checklist.SET_ADMIN_TOKEN)
    @Link(name = "ASVS 4.0.3 V4 Access Control", url = References.ASVS_V4)
    @Description("Positive control: the environment's admin token (secret adminToken, the target's "
            + "INTERNAL_ADMIN_TOKEN) as a Bearer token must get 200 on every admin route, otherwise the refusals above "
            + "prove nothing. Fix: make secret adminToken of the environment hold the target's current "
            + "INTERNAL_ADMIN_TOKEN (rotated tokens must be updated in the runner's secrets), and run from an address "
            + "the admin_ip_allowlist table allows.")
    @Test
    @DisplayName("Admin API routes answer the right Bearer token (INTERNAL_ADMIN_TOKEN)")
    void adminAnswersRightToken(Http http, Target target, Policy policy) {
        String token = adminToken(target, "");
        List<Finding> findings = new ArrayList<>();
        for (String path : policy.admin().paths()) {
            Exchange e = http.send("GET", target.https(path), Map.of("Authorization", "Bearer " + token));
            GuardVerdict.answeredRightToken(GuardVerdict.ADMIN, ADMIN_TOKEN_SECRET, e).ifPresent(findings::add);
        }
        assertNone(findings);
    }

    /**
     * Checklist "ADMIN_ALLOWED_IPS", which OCMT keeps as the admin_ip_allowlist table: the right token
     * from an address outside the allowlist is refused on every route the allowlist must guard
     * (policy.admin.allowlistPaths). The right token is what makes the 403 mean "the allowlist refused
     * it", not "the token was wrong"; {@link #adminAnswersRightToken} shows the same token answered from
     * the runner's address.
     */
    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.IP_ALLOWLISTS)
    @Story(Checklist.ADMIN_IP_ALLOWLIST)
    @Link(name = "ASVS 4.0.3 V4 Access Control", url = References.ASVS_V4)
    @Description("The right admin token sent through grants.outsideProxy, whose egress address is outside the "
            + "admin_ip_allowlist table, must get 403 {\"code\":\"ADMIN_IP_NOT_ALLOWED\"} on every route of "
            + "policy.admin.allowlistPaths (OCMT's table guards /api/admin/security only; the checklist wants the "
            + "whole admin API). "
            + Remediation.ADMIN_ALLOWLIST)
    @Test
    @Requires(Grant.OUTSIDE_PROXY)
    @DisplayName("Admin API routes the allowlist guards refuse the right token from an address outside it (403 ADMIN_IP_NOT_ALLOWED)")
    void adminRefusesAddressOutsideAllowlist(Http http, Target target, Policy policy) {
        String token = adminToken(target, "; without the right token a refusal would not show that the allowlist refused it");
        URI proxy = target.environment().grants().outsideProxy().uri();
        Http outside = http.via(proxy);
        String through = "sent with the right admin token through the outside proxy " + Redactor.url(proxy.toString())
                + " (grants.outsideProxy.url, whose egress address is outside the admin IP allowlist)";
        List<Finding> findings = new ArrayList<>();
        for (String path : policy.admin().allowlistPaths()) {
            Exchange e = outside.send("GET", target.https(path), Map.of("Authorization", "Bearer " + token));
            GuardVerdict.refusedOutsideAllowlist(e, through).ifPresent(findings::add);
        }
        assertNone(findings);
    }

    /** The environment's admin token, or the test is skipped saying which secret is missing and {@code why} it matters. */
    private static String adminToken(Target target, String why) {
        Optional<String> token = target.secrets().find(ADMIN_TOKEN_SECRET);
        NotVerified.unless(token.isPresent(), () -> "Not verified: environment '" + target.name()
                + "' grants no secret adminToken (secrets.adminToken names the variable holding the target's "
                + "INTERNAL_ADMIN_TOKEN)" + why);
        return token.get();
    }

    private static String wrongToken() {
        return "wrong-" + System.nanoTime();
    }

    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.AUTHN_AUTHZ)
    @Story(Checklist.SET_AGENT_TOKEN)
    @Link(name = "ASVS 4.0.3 V4 Access Control", url = References.ASVS_V4)
    @Description("The management server's internal API for the agent server (policy.admin.internalPaths, OCMT: "
            + "/api/internal/*) must answer 401 (OCMT: {\"error\":\"Unauthorized\"}) without a token, with a wrong "
            + "`Authorization: Bearer` token (what it reads: AGENT_SERVER_TOKEN) and with a wrong `x-auth-token` (the "
            + "agent server's own header, which must not open it either). "
            + Remediation.AGENT_TOKEN)
    @Test
    @DisplayName("The internal API refuses requests without the agent server token, or with a wrong one (Bearer or x-auth-token)")
    void internalApiNeedsAgentToken(Http http, Policy policy) {
        Map<String, Map<String, String>> attempts = new LinkedHashMap<>();
        attempts.put("without a token", Map.of());
        attempts.put("with a wrong token (Authorization: Bearer)", Map.of("Authorization", "Bearer " + wrongToken()));
        attempts.put("with a wrong x-auth-token", Map.of("x-auth-token", wrongToken()));
        List<Finding> findings = new ArrayList<>();
        for (String path : policy.admin().internalPaths()) {
            attempts.forEach((sent, headers) -> GuardVerdict.refusedWithoutToken(GuardVerdict.INTERNAL, "AGENT_SERVER_TOKEN",
                    http.send("GET", http.target().https(path), headers), sent).ifPresent(findings::add));
        }
        assertNone(findings);
    }
}
