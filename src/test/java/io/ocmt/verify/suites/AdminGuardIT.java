package io.ocmt.verify.suites;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.OcmtSuite;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Set ADMIN_TOKEN" and "Set AGENT_SERVER_TOKEN": the admin API answers only to its token,
 * the internal API only to the agent token. A 500 without a token means ADMIN_TOKEN is unset.
 */
@OcmtSuite
@Tag("admin")
@DisplayName("Admin and internal API guard")
public class AdminGuardIT {

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

    @Test
    @DisplayName("Admin endpoints answer the right token")
    void adminAnswersRightToken(Http http, Target target, Policy policy) {
        var token = target.secrets().find("adminToken");
        Assumptions.assumeTrue(token.isPresent(), () -> "Not verified: environment '" + target.name()
                + "' grants no secret adminToken (secrets.adminToken names its variable)");
        SoftAssertions softly = new SoftAssertions();
        for (String path : policy.admin().paths()) {
            Exchange e = http.send("GET", target.https(path), Map.of("Authorization", "Bearer " + token.get()));
            softly.assertThat(e.status()).as("%s with the admin token", e.describe()).isEqualTo(200);
        }
        softly.assertAll();
    }

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
