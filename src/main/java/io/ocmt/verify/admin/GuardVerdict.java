package io.ocmt.verify.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.util.Optional;

/**
 * Judges what OCMT's token-guarded APIs answered: the admin API (management server,
 * {@code Authorization: Bearer <INTERNAL_ADMIN_TOKEN>}, its {@code admin_ip_allowlist} table on
 * {@code /api/admin/security}) and the internal API for the agent server ({@code /api/internal/*},
 * {@code Authorization: Bearer <AGENT_SERVER_TOKEN>}). Each finding names the request, what it was
 * sent with, and what the answer lets an outsider do.
 */
public final class GuardVerdict {

    /** The admin API's guard, named by the variable that keys it. */
    public static final String ADMIN = "Admin API token (INTERNAL_ADMIN_TOKEN)";
    /** The internal API's guard, named by the variable that keys it. */
    public static final String INTERNAL = "Internal API token (AGENT_SERVER_TOKEN)";
    public static final String ALLOWLIST = "Admin IP allowlist (admin_ip_allowlist)";

    /** OCMT's answer to an admin request from outside the allowlist. */
    public static final String ADMIN_IP_NOT_ALLOWED = "ADMIN_IP_NOT_ALLOWED";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GuardVerdict() {
    }

    /**
     * {@code answer} to a request {@code sent} without the right token (e.g. "without a token", "with a
     * wrong token (Authorization: Bearer …)") must be 401; {@code tokenVariable} is the target's variable
     * whose absence OCMT answers with 500 (the checklist: "without this, admin endpoints return 500").
     */
    public static Optional<Finding> refusedWithoutToken(String control, String tokenVariable, Exchange answer, String sent) {
        int status = answer.status();
        if (status == 401) {
            return Optional.empty();
        }
        String seen;
        if (status >= 200 && status < 300) {
            seen = status + ": the route answered, so anyone who reaches it gets what " + tokenVariable + " is meant to guard";
        } else if (status == 500) {
            seen = "500" + body(answer) + ": the guard failed instead of refusing, as OCMT does when " + tokenVariable
                    + " is not set";
        } else if (status == 404) {
            seen = "404" + body(answer) + ": the guard did not answer before the router, or the route is not there; "
                    + "the policy's route must be one the target has, or nothing about the guard is seen";
        } else {
            seen = status + body(answer) + ", not 401";
        }
        return Optional.of(new Finding(control, answer.describe() + " " + sent, "401 (refused as unauthenticated)", seen));
    }

    /** The right token from the runner's address must be let in; otherwise the refusals prove nothing. */
    public static Optional<Finding> answeredRightToken(String control, String secret, Exchange answer) {
        int status = answer.status();
        if (status == 200) {
            return Optional.empty();
        }
        String why = status == 401
                ? ": the token in secret " + secret + " is not the one the target expects (rotated?)"
                : status == 403 && ADMIN_IP_NOT_ALLOWED.equals(code(answer))
                  ? ": this runner's address is outside the admin IP allowlist; run from an allowed address"
                  : "";
        return Optional.of(new Finding(control, answer.describe() + " with the right token (secret " + secret + ")",
                "200, so the refusals of the other requests show the guard, not a broken route", status + body(answer) + why));
    }

    /**
     * {@code answer} to a request with the right admin token, sent {@code through} an address outside
     * the allowlist, must be 403 with OCMT's code: the right token is what makes the refusal the
     * allowlist's, not the token check's.
     */
    public static Optional<Finding> refusedOutsideAllowlist(Exchange answer, String through) {
        String code = code(answer);
        if (answer.status() == 403 && ADMIN_IP_NOT_ALLOWED.equals(code)) {
            return Optional.empty();
        }
        String seen = answer.status() + body(answer);
        if (answer.status() >= 200 && answer.status() < 300) {
            seen += ": the admin API answered a client outside its allowlist";
        } else if (answer.status() == 401) {
            seen += ": the token was refused, so whether the allowlist would have refused it is not seen";
        }
        return Optional.of(new Finding(ALLOWLIST, answer.describe() + " " + through,
                "403 with code " + ADMIN_IP_NOT_ALLOWED, seen));
    }

    /** OCMT's {@code "code"} field of a JSON error body; empty for anything else. */
    static String code(Exchange answer) {
        return field(answer, "code");
    }

    /** " {"error":…,"code":…}" as far as OCMT's error body has them, for the finding; empty otherwise. */
    private static String body(Exchange answer) {
        String error = field(answer, "error");
        String code = code(answer);
        if (error.isEmpty() && code.isEmpty()) {
            return "";
        }
        return " (" + (error.isEmpty() ? "" : "error \"" + Redactor.text(error) + "\"")
                + (error.isEmpty() || code.isEmpty() ? "" : ", ") + (code.isEmpty() ? "" : "code " + Redactor.text(code)) + ")";
    }

    private static String field(Exchange answer, String name) {
        try {
            JsonNode value = JSON.readTree(answer.body()).path(name);
            return value.isTextual() ? value.asText() : "";
        } catch (IOException | RuntimeException notJson) {
            return "";
        }
    }
}
