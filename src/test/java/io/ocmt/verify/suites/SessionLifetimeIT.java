package io.ocmt.verify.suites;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.qameta.allure.Allure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Configure session timeouts" and "Session timeout enforced": the absolute lifetime
 * (USER_SESSION_TIMEOUT_MS), the per-user session limit (MAX_SESSIONS_PER_USER), logout and
 * revocation ending exactly the sessions they should.
 */
@OcmtSuite
@Tag("session")
@Requires(Grant.MAILBOX)
@DisplayName("Session lifetime and limits")
public class SessionLifetimeIT {

    /** How much later than the policy a session may die: one poll plus clock skew. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    @Test
    @DisplayName("A session dies at its absolute lifetime (SESSION_EXPIRED), or shows that lifetime where it is too long to wait")
    void absoluteLifetimeIsEnforced(AuthClient auth, Policy policy) {
        long lifetime = policy.session().absoluteLifetimeSeconds();
        Session session = auth.login(auth.newIdentity("lifetime"));
        Instant created = session.issuedAt();
        if (lifetime > policy.session().maxWaitSeconds()) {
            judgeVisibleLifetime(auth, session, lifetime, created);
            return;
        }
        Exchange[] last = new Exchange[1];
        try {
            Awaitility.await("the session to expire after " + lifetime + " s")
                    .atMost(Duration.ofSeconds(lifetime).plus(SLACK).plusSeconds(5))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        last[0] = auth.me(session);
                        return last[0].status() != 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("A session created " + Duration.between(created, Instant.now()).toSeconds()
                    + " s ago is still accepted; the policy's absolute lifetime is " + lifetime + " s (USER_SESSION_TIMEOUT_MS): "
                    + last[0].describe());
        }
        long measured = Duration.between(created, Instant.now()).toSeconds();
        Allure.addAttachment("Measured session lifetime", "text/plain",
                "policy: " + lifetime + " s\nmeasured: about " + measured + " s (polled every second)", ".txt");
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(last[0].status()).as("%s after the lifetime", last[0].describe()).isEqualTo(401);
        softly.assertThat(auth.json(last[0]).path("code").asText()).as("code of %s", last[0].describe()).isEqualTo("SESSION_EXPIRED");
        softly.assertThat(measured).as("measured lifetime in s (policy %s s)", lifetime).isBetween(lifetime - 2, lifetime + SLACK.toSeconds() + 2);
        softly.assertAll();
    }

    /** Where the lifetime is days long: the cookie's expiry and the sessions list must say the policy's lifetime. */
    private static void judgeVisibleLifetime(AuthClient auth, Session session, long lifetime, Instant created) {
        JsonNode current = null;
        for (JsonNode s : auth.json(auth.sessions(session)).path("sessions")) {
            if (s.path("isCurrent").asBoolean()) {
                current = s;
            }
        }
        assertThat(current).as("the current session in GET /api/auth/sessions").isNotNull();
        session.verified().all("Set-Cookie").stream()
                .flatMap(header -> java.net.HttpCookie.parse(header).stream())
                .filter(c -> c.getName().equals(auth.cookieName()))
                .findFirst()
                .ifPresent(cookie -> assertThat(cookie.getMaxAge())
                        .as("the session cookie's Expires/Max-Age from %s, s (policy %s s)", session.verified().describe(), lifetime)
                        .isBetween(lifetime - 120, lifetime + 120));
        Instant createdAt = Instant.parse(current.path("createdAt").asText());
        Instant expiresAt = Instant.parse(current.path("expiresAt").asText());
        assertThat(Duration.between(createdAt, expiresAt).toSeconds())
                .as("expiresAt - createdAt of the current session, s (policy %s s)", lifetime)
                .isBetween(lifetime - 60, lifetime + 60);
    }

    @Test
    @DisplayName("One login more than MAX_SESSIONS_PER_USER evicts the least recently active session, and no other")
    void sessionLimitEvictsLeastRecentlyActive(AuthClient auth, Policy policy) {
        int max = policy.session().maxPerUser();
        String email = auth.newIdentity("limit");
        List<Session> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < max; i++) {
            sessions.add(auth.login(email));
        }
        // Every session but the first is used after it, so the first is the least recently active.
        sessions.stream().skip(1).forEach(auth::me);
        Session newest = auth.login(email);
        SoftAssertions softly = new SoftAssertions();
        Exchange evicted = auth.me(sessions.get(0));
        softly.assertThat(evicted.status()).as("the least recently active of %s sessions after login %s: %s", max, max + 1,
                evicted.describe()).isEqualTo(401);
        for (Session kept : sessions.subList(1, max)) {
            softly.assertThat(auth.me(kept).status()).as("a more recently active session after the eviction").isEqualTo(200);
        }
        softly.assertThat(auth.me(newest).status()).as("the newest session").isEqualTo(200);
        softly.assertAll();
    }

    @Test
    @DisplayName("Logout ends exactly the session that logged out")
    void logoutEndsThatSession(AuthClient auth) {
        String email = auth.newIdentity("logout");
        Session leaving = auth.login(email);
        Session staying = auth.login(email);
        Exchange out = auth.logout(leaving);
        assertThat(out.status()).as(out.describe()).isEqualTo(200);
        SoftAssertions softly = new SoftAssertions();
        Exchange after = auth.me(leaving);
        softly.assertThat(after.status()).as("the logged-out session: %s", after.describe()).isEqualTo(401);
        softly.assertThat(auth.me(staying).status()).as("the user's other session").isEqualTo(200);
        softly.assertAll();
    }

    @Test
    @DisplayName("Revoking the others ends every other session of the user, and keeps the current one")
    void revokeOthersEndsExactlyTheOthers(AuthClient auth) {
        String email = auth.newIdentity("revoke");
        Session first = auth.login(email);
        Session second = auth.login(email);
        Session current = auth.login(email);
        Exchange revoked = auth.revokeOthers(current);
        assertThat(revoked.status()).as(revoked.describe()).isEqualTo(200);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(auth.me(first).status()).as("an older session after revoke-others").isEqualTo(401);
        softly.assertThat(auth.me(second).status()).as("an older session after revoke-others").isEqualTo(401);
        softly.assertThat(auth.me(current).status()).as("the current session after revoke-others").isEqualTo(200);
        softly.assertAll();
    }
}
