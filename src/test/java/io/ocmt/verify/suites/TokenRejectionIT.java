package io.ocmt.verify.suites;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.SessionLifecycle;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.junit.SharedLogin;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Checklist "Functional testing: invalid tokens rejected": every way of presenting a credential that
 * is not a live session is answered 401 with OCMT's body, never 200 and never 500.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.FUNCTIONAL)
@Story(Checklist.INVALID_TOKENS)
@OcmtSuite
@Tag("session")
@Requires(Grant.MAILBOX)
@DisplayName("Session token rejection")
public class TokenRejectionIT {

    private static final String AUTH_REQUIRED = "{\"error\":\"Authentication required\"}";
    private static final String INVALID_SESSION = "{\"error\":\"Invalid or expired session\"}";

    /** @param ended how the token was ended, for the report; null for a token that was never a live session's */
    private record Case(String name, String expectedBody, SessionLifecycle.Part ended, Supplier<Exchange> request) {
    }

    @Severity(SeverityLevel.BLOCKER)
    @Link(name = "ASVS 4.0.3 V3.3.1", url = References.ASVS_V3)
    @Link(name = "ASVS 4.0.3 V3.1.1", url = References.ASVS_V3)
    @Description("Every credential that is not a live session (none, empty, random, truncated, altered, in the query "
            + "string, as Bearer, revoked, logged out, evicted) must get 401 with OCMT's body. "
            + Remediation.SESSION_REJECTION)
    @TestFactory
    @DisplayName("Each non-session credential gets 401")
    Stream<DynamicTest> rejectionMatrix(@SharedLogin Session live, SessionLifecycle lifecycle, AuthClient auth, Policy policy) {
        String header = policy.session().header();
        String token = live.token();
        String random = AuthClient.forgedToken();
        char last = token.charAt(token.length() - 1);
        String oneChanged = token.substring(0, token.length() - 1) + (last == '0' ? '1' : '0');

        // The dead tokens come from the run's session lifecycle: judged on the answer right after the step that
        // ended each, since its later steps (revoke-others) would end a session an earlier step missed.
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("no token", AUTH_REQUIRED, null, () -> auth.me(Map.of())));
        cases.add(new Case("empty token", null, null, () -> auth.me(Map.of(header, ""))));
        cases.add(new Case("random 64-hex token", INVALID_SESSION, null, () -> auth.me(Map.of(header, random))));
        cases.add(new Case("truncated token", INVALID_SESSION, null, () -> auth.me(Map.of(header, token.substring(0, token.length() / 2)))));
        cases.add(new Case("token with one character changed", INVALID_SESSION, null, () -> auth.me(Map.of(header, oneChanged))));
        cases.add(new Case("live token in the query string", AUTH_REQUIRED, null, () -> auth.get("/api/auth/me?token=" + token, Map.of())));
        cases.add(new Case("live token as a Bearer header", AUTH_REQUIRED, null,
                () -> auth.me(Map.of("Authorization", "Bearer " + token))));
        cases.add(new Case("revoked token", INVALID_SESSION, lifecycle.revocation(), () -> lifecycle.revokedAnswer().answer()));
        cases.add(new Case("logged-out token", INVALID_SESSION, lifecycle.logout(), () -> lifecycle.loggedOutAnswer().answer()));
        cases.add(new Case("token of an evicted session", INVALID_SESSION, lifecycle.eviction(), () -> lifecycle.evictedAnswer().answer()));
        Map<String, Case> byName = new LinkedHashMap<>();
        cases.forEach(c -> byName.put(c.name(), c));
        return byName.values().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            if (c.ended() != null) {
                Evidence.attach("How the token was ended", "text/plain", Redactor.text(c.ended().report()), ".txt");
            }
            Exchange e = c.request().get();
            assertThat(e.status()).as("%s: %s must be refused with 401", c.name(), e.describe()).isEqualTo(401);
            if (c.expectedBody() != null) {
                assertThat(e.body()).as("%s: body of %s", c.name(), e.describe()).isEqualToIgnoringWhitespace(c.expectedBody());
            }
        }));
    }
}
