package io.ocmt.verify.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Remediation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OCMT's admin and internal API answers, as read from its code (ocmt-target.md "Admin"), and how the guard checks judge them. */
class GuardVerdictTest {

    private static final String USERS = "https://ocmt.example/api/admin/users";
    private static final String INTERNAL = "https://ocmt.example/api/internal/metrics/wake";

    private static Exchange answer(String url, int status, String body) {
        return new Exchange("GET", url, status, Map.of("Content-Type", List.of("application/json")), body);
    }

    @Test
    void ocmtsRefusalsPass() {
        assertThat(GuardVerdict.refusedWithoutToken(GuardVerdict.ADMIN, "INTERNAL_ADMIN_TOKEN",
                answer(USERS, 401, "{\"error\":\"Authentication required\"}"), "without a token")).isEmpty();
        assertThat(GuardVerdict.refusedWithoutToken(GuardVerdict.INTERNAL, "AGENT_SERVER_TOKEN",
                answer(INTERNAL, 401, "{\"error\":\"Unauthorized\"}"), "with a wrong x-auth-token")).isEmpty();
    }

    @Test
    void anOpenRouteNamesTheRequestWhatWasSentAndTheToken() {
        assertThat(GuardVerdict.refusedWithoutToken(GuardVerdict.ADMIN, "INTERNAL_ADMIN_TOKEN",
                answer(USERS, 200, "{\"users\":[]}"), "without a token")).contains(new Finding(
                "Admin API token (INTERNAL_ADMIN_TOKEN)", "GET " + USERS + " → 200 without a token",
                "401 (refused as unauthenticated)",
                "200: the route answered, so anyone who reaches it gets what INTERNAL_ADMIN_TOKEN is meant to guard"));
    }

    @Test
    void a500IsTheUnsetTokenOfTheChecklist() {
        assertThat(GuardVerdict.refusedWithoutToken(GuardVerdict.INTERNAL, "AGENT_SERVER_TOKEN",
                answer(INTERNAL, 500, "{\"error\":\"Internal server error\"}"), "with a wrong token (Authorization: Bearer)"))
                .get().satisfies(f -> {
                    assertThat(f.subject()).isEqualTo("GET " + INTERNAL + " → 500 with a wrong token (Authorization: Bearer)");
                    assertThat(f.seen()).isEqualTo("500 (error \"Internal server error\"): the guard failed instead of "
                            + "refusing, as OCMT does when AGENT_SERVER_TOKEN is not set");
                });
    }

    @Test
    void aMissingRouteSaysThePolicyMustNameOneTheTargetHas() {
        // OCMT's unknown route: 404 {"error":{"code":"NOT_FOUND",…}}, where "error" is no string to quote.
        assertThat(GuardVerdict.refusedWithoutToken(GuardVerdict.INTERNAL, "AGENT_SERVER_TOKEN",
                answer(INTERNAL, 404, "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"Not found\"}}"), "without a token"))
                .get().extracting(Finding::seen).asString().startsWith("404: the guard did not answer before the router");
    }

    @Test
    void anotherRefusalIsStillNot401() {
        assertThat(GuardVerdict.refusedWithoutToken(GuardVerdict.ADMIN, "INTERNAL_ADMIN_TOKEN",
                answer(USERS, 403, "{\"error\":\"Admin access required\"}"), "without a token"))
                .get().extracting(Finding::seen).isEqualTo("403 (error \"Admin access required\"), not 401");
    }

    @Test
    void theRightTokenMustBeLetIn() {
        assertThat(GuardVerdict.answeredRightToken(GuardVerdict.ADMIN, "adminToken", answer(USERS, 200, "{}"))).isEmpty();
        assertThat(GuardVerdict.answeredRightToken(GuardVerdict.ADMIN, "adminToken",
                answer(USERS, 401, "{\"error\":\"Authentication required\"}"))).get().extracting(Finding::seen)
                .isEqualTo("401 (error \"Authentication required\"): the token in secret adminToken is not the one the "
                        + "target expects (rotated?)");
        assertThat(GuardVerdict.answeredRightToken(GuardVerdict.ADMIN, "adminToken",
                answer(USERS, 403, "{\"error\":\"Admin access denied\",\"code\":\"ADMIN_IP_NOT_ALLOWED\"}")))
                .get().extracting(Finding::seen).asString().endsWith("this runner's address is outside the admin IP "
                        + "allowlist; run from an allowed address");
    }

    @Test
    void theAllowlistsRefusalPassesOnlyWithOcmtsCode() {
        String through = "sent with the right admin token through the outside proxy http://egress.test:3128";
        String security = "https://ocmt.example/api/admin/security/ip-allowlist";

        assertThat(GuardVerdict.refusedOutsideAllowlist(answer(security, 403,
                "{\"error\":\"Admin access denied\",\"code\":\"ADMIN_IP_NOT_ALLOWED\"}"), through)).isEmpty();
        assertThat(GuardVerdict.refusedOutsideAllowlist(answer(security, 403, "<html>Forbidden</html>"), through))
                .get().extracting(Finding::seen).isEqualTo("403");
        assertThat(GuardVerdict.refusedOutsideAllowlist(answer(security, 200, "{\"entries\":[]}"), through))
                .contains(new Finding("Admin IP allowlist (admin_ip_allowlist)", "GET " + security + " → 200 " + through,
                        "403 with code ADMIN_IP_NOT_ALLOWED", "200: the admin API answered a client outside its allowlist"));
        assertThat(GuardVerdict.refusedOutsideAllowlist(answer(security, 401, "{\"error\":\"Authentication required\"}"), through))
                .get().extracting(Finding::seen).asString().contains("the token was refused");
    }

    @Test
    void remediationsNameOcmtsVariablesAndTable() {
        assertThat(Remediation.ADMIN_TOKEN).contains("INTERNAL_ADMIN_TOKEN", "Authorization: Bearer");
        assertThat(Remediation.AGENT_TOKEN).contains("AGENT_SERVER_TOKEN", "/api/internal", "x-auth-token");
        assertThat(Remediation.ADMIN_ALLOWLIST).contains("admin_ip_allowlist", "no ADMIN_ALLOWED_IPS");
    }
}
