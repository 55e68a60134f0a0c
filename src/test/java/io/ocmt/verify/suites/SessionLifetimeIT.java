package io.ocmt.verify.suites;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.db.SessionAger;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.ocmt.verify.report.Warnings;
import io.qameta.allure.Allure;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.net.HttpCookie;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Configure session timeouts" and "Session timeout enforced": the absolute lifetime
 * (USER_SESSION_TIMEOUT_MS), the per-user session limit (MAX_SESSIONS_PER_USER), logout and
 * revocation ending exactly the sessions they should.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.AUTHN_AUTHZ)
@Story(Checklist.SESSION_TIMEOUTS)
@OcmtSuite
@Tag("session")
@Requires(Grant.MAILBOX)
@DisplayName("Session lifetime and limits")
public class SessionLifetimeIT {

    /** How much later than the policy a session may die: one poll plus clock skew. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    /** How far past the lifetime an aged session is put: well beyond clock skew between the database and the servers. */
    private static final Duration AGED_BEYOND = Duration.ofMinutes(1);

    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.SESSION_TIMEOUT_ENFORCED)
    @Link(name = "ASVS 4.0.3 V3.3.2", url = References.ASVS_V3)
    @Description("A session must be refused with SESSION_EXPIRED once its absolute lifetime has passed; waited for "
            + "only where the lifetime is short. "
            + Remediation.SESSION_LIFETIME)
    @Test
    @DisplayName("A session dies at its absolute lifetime (SESSION_EXPIRED), waited for where the lifetime is short")
    void absoluteLifetimeIsEnforced(AuthClient auth, Policy policy) {
        long lifetime = policy.session().absoluteLifetimeSeconds();
        Assumptions.assumeTrue(lifetime <= policy.session().maxWaitSeconds(), () -> "Not waited for: the policy's absolute lifetime is "
                + lifetime + " s, longer than policy.session.maxWaitSeconds (" + policy.session().maxWaitSeconds()
                + " s). The lifetime the target shows is judged by visibleLifetimeMatchesPolicy, and an aged session by"
                + " agedSessionIsRefused where grants.database.writerUsernameSecret is set");
        Session session = auth.login(auth.newIdentity("lifetime"));
        Instant created = session.issuedAt();
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

    /**
     * What any client can see of the lifetime, however long it is: the cookie's Max-Age (or Expires)
     * and the sessions list's expiresAt. Longer than the policy fails; shorter is a warning, since
     * it is safer than asked but still not the configuration the policy describes.
     */
    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V3.3.2", url = References.ASVS_V3)
    @Description("The cookie's Max-Age/Expires and the sessions list's expiresAt − createdAt must show the policy's "
            + "lifetime; longer fails, shorter warns. "
            + Remediation.SESSION_LIFETIME)
    @Test
    @DisplayName("The session cookie's expiry and the sessions list's expiresAt show the policy's absolute lifetime")
    void visibleLifetimeMatchesPolicy(AuthClient auth, Policy policy) {
        long lifetime = policy.session().absoluteLifetimeSeconds();
        long tolerance = visibleTolerance(lifetime);
        Session session = auth.login(auth.newIdentity("visible"));
        Exchange listed = auth.sessions(session);
        JsonNode current = auth.current(listed).orElse(null);
        assertThat(current).as("the current session in %s", listed.describe()).isNotNull();
        Map<String, Long> seen = new LinkedHashMap<>();
        seen.put("expiresAt - createdAt of the current session in " + listed.describe(),
                Duration.between(Instant.parse(current.path("createdAt").asText()), Instant.parse(current.path("expiresAt").asText())).toSeconds());
        session.verified().all("Set-Cookie").stream()
                .flatMap(header -> HttpCookie.parse(header).stream())
                .filter(c -> c.getName().equals(auth.cookieName()) && c.getMaxAge() >= 0)
                .findFirst()
                .ifPresent(cookie -> seen.put("the " + auth.cookieName() + " cookie's Max-Age/Expires from "
                        + session.verified().describe(), cookie.getMaxAge()));
        Allure.addAttachment("Visible session lifetime", "text/plain", "policy: " + lifetime + " s (tolerance " + tolerance + " s)\n"
                + seen.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue() + " s").collect(Collectors.joining("\n")), ".txt");
        SoftAssertions softly = new SoftAssertions();
        seen.forEach((what, seconds) -> {
            softly.assertThat(seconds).as("%s, s (policy %s s, USER_SESSION_TIMEOUT_MS)", what, lifetime).isLessThanOrEqualTo(lifetime + tolerance);
            if (seconds < lifetime - tolerance) {
                Warnings.warn(what + " is " + seconds + " s, shorter than the policy's absolute lifetime of " + lifetime + " s");
            }
        });
        softly.assertAll();
    }

    /** Clock skew (an Expires date is read against this machine's clock) and rounding, never more than a minute. */
    private static long visibleTolerance(long lifetime) {
        return Math.max(2, Math.min(60, lifetime / 100));
    }

    /**
     * Where the lifetime is days long, the one way to see it enforced is a session that is already
     * that old: the suite moves its own session's row back by the lifetime (and a minute), asks
     * with it, and puts the row back before logging it out.
     */
    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.SESSION_TIMEOUT_ENFORCED)
    @Link(name = "ASVS 4.0.3 V3.3.2", url = References.ASVS_V3)
    @Description("The suite's own session row, moved back past the lifetime in the database, must be refused with "
            + "SESSION_EXPIRED. "
            + Remediation.SESSION_LIFETIME)
    @Test
    @Requires(Grant.DATABASE_WRITE)
    @DisplayName("A session aged past its absolute lifetime in the database is refused (SESSION_EXPIRED)")
    void agedSessionIsRefused(AuthClient auth, Target target, Policy policy) {
        Optional<String> unavailable = SessionAger.unavailable(target);
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
        String tokenColumn = policy.encryption().hashedTokenColumns().get("session");
        assertThat(tokenColumn).as("policy.encryption.hashedTokenColumns.session: where the target keeps session token hashes").isNotNull();
        long lifetime = policy.session().absoluteLifetimeSeconds();
        Session session = auth.login(auth.newIdentity("aged"));
        Exchange fresh = auth.me(session);
        assertThat(fresh.status()).as("a session just issued, before ageing it: %s", fresh.describe()).isEqualTo(200);
        try (SessionAger ager = SessionAger.open(target, tokenColumn)) {
            SessionAger.Aged aged = ager.age(session.token(), Duration.ofSeconds(lifetime).plus(AGED_BEYOND));
            Exchange refused = auth.me(session);
            Allure.addAttachment("Aged session", "text/plain", "policy: " + lifetime + " s\nrow of " + tokenColumn + ": " + aged
                    + "\nthen " + refused.describe(), ".txt");
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(refused.status()).as("%s with a session %s (absolute lifetime %s s)", refused.describe(), aged, lifetime)
                    .isEqualTo(401);
            softly.assertThat(auth.json(refused).path("code").asText()).as("code of %s", refused.describe()).isEqualTo("SESSION_EXPIRED");
            softly.assertAll();
        }
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V3 Session Management", url = References.ASVS_V3)
    @Description("One login more than MAX_SESSIONS_PER_USER must end the least recently active session and no other. "
            + Remediation.SESSION_LIMIT)
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

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V3.3.1", url = References.ASVS_V3)
    @Description("POST /api/auth/logout must make that session's token dead and leave the user's other sessions alive. "
            + ""
            + Remediation.SESSION_REJECTION)
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

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V3.3.4", url = References.ASVS_V3)
    @Description("DELETE /api/auth/sessions must end every other session of the user and keep the current one. "
            + Remediation.SESSION_REJECTION)
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
