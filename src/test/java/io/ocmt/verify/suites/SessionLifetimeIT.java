package io.ocmt.verify.suites;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.SessionLifecycle;
import io.ocmt.verify.auth.Spends;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.db.SessionAger;
import io.ocmt.verify.headers.Cookies;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.junit.SharedLogin;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.ocmt.verify.report.Warnings;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
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

    /**
     * The one check that the lifetime is enforced, by the strongest evidence the environment allows:
     * where the lifetime is short enough to wait for, a session is watched until it dies; where it
     * is days long and a role may update the sessions table, the suite's own session row is moved
     * back past the lifetime; otherwise it is not verified, saying which key would change that.
     */
    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.SESSION_TIMEOUT_ENFORCED)
    @Link(name = "ASVS 4.0.3 V3.3.2", url = References.ASVS_V3)
    @Description("A session past its absolute lifetime must be refused with SESSION_EXPIRED: waited for where the lifetime "
            + "is short (policy.session.maxWaitSeconds), otherwise the suite's own session row is moved back past the "
            + "lifetime through grants.database.writerUsernameSecret and asked with. "
            + Remediation.SESSION_LIFETIME)
    @Test
    @Spends(logins = 1, verifications = 1)
    @DisplayName("A session past its absolute lifetime is refused (SESSION_EXPIRED): waited for where short, aged in the database where long")
    void absoluteLifetimeIsEnforced(AuthClient auth, Target target, Policy policy) {
        long lifetime = policy.session().absoluteLifetimeSeconds();
        long maxWait = policy.session().maxWaitSeconds();
        if (lifetime <= maxWait) {
            waitedOut(auth, lifetime);
            return;
        }
        Optional<String> noWriter = Grant.DATABASE_WRITE.missing(target.environment()).or(() -> SessionAger.unavailable(target));
        NotVerified.unless(noWriter.isEmpty(), () -> "Not verified: the policy's absolute lifetime is " + lifetime
                + " s, longer than policy.session.maxWaitSeconds (" + maxWait + " s), so it is not waited for; and it cannot be aged: "
                + noWriter.orElse("") + ". The lifetime the target shows is still judged by visibleLifetimeMatchesPolicy.");
        aged(auth, target, policy, lifetime);
    }

    private void waitedOut(AuthClient auth, long lifetime) {
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
        Evidence.attach("Measured session lifetime", "text/plain",
                "policy: " + lifetime + " s\nmeasured: about " + measured + " s (polled every second)", ".txt");
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(last[0].status()).as("%s after the lifetime", last[0].describe()).isEqualTo(401);
        softly.assertThat(auth.json(last[0]).path("code").asText()).as("code of %s", last[0].describe()).isEqualTo("SESSION_EXPIRED");
        softly.assertThat(measured).as("measured lifetime in s (policy %s s)", lifetime).isBetween(lifetime - 2, lifetime + SLACK.toSeconds() + 2);
        softly.assertAll();
    }

    /** The suite's own session row moved back by the lifetime and a minute, asked with, and put back before it is logged out. */
    private void aged(AuthClient auth, Target target, Policy policy, long lifetime) {
        String tokenColumn = policy.encryption().hashedTokenColumns().get("session");
        assertThat(tokenColumn).as("policy.encryption.hashedTokenColumns.session: where the target keeps session token hashes").isNotNull();
        Session session = auth.login(auth.newIdentity("aged"));
        Exchange fresh = auth.me(session);
        assertThat(fresh.status()).as("a session just issued, before ageing it: %s", fresh.describe()).isEqualTo(200);
        try (SessionAger ager = SessionAger.open(target, tokenColumn)) {
            SessionAger.Aged aged = ager.age(session.token(), Duration.ofSeconds(lifetime).plus(AGED_BEYOND));
            Exchange refused = auth.me(session);
            Evidence.attach("Aged session", "text/plain", "policy: " + lifetime + " s\nrow of " + tokenColumn + ": " + aged
                    + "\nthen " + refused.describe(), ".txt");
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(refused.status()).as("%s with a session %s (absolute lifetime %s s)", refused.describe(), aged, lifetime)
                    .isEqualTo(401);
            softly.assertThat(auth.json(refused).path("code").asText()).as("code of %s", refused.describe()).isEqualTo("SESSION_EXPIRED");
            softly.assertAll();
        }
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
    void visibleLifetimeMatchesPolicy(@SharedLogin Session session, AuthClient auth, Policy policy) {
        long lifetime = policy.session().absoluteLifetimeSeconds();
        long tolerance = visibleTolerance(lifetime);
        Exchange listed = auth.sessions(session);
        JsonNode current = auth.current(listed).orElse(null);
        assertThat(current).as("the current session in %s", listed.describe()).isNotNull();
        Map<String, Long> seen = new LinkedHashMap<>();
        seen.put("expiresAt - createdAt of the current session in " + listed.describe(),
                Duration.between(Instant.parse(current.path("createdAt").asText()), Instant.parse(current.path("expiresAt").asText())).toSeconds());
        Cookies.lifetime(session.verified(), auth.cookieName()).ifPresent(cookie -> seen.put("the " + auth.cookieName()
                + " cookie's Max-Age, or Expires less the answer's Date, from " + session.verified().describe(), cookie.toSeconds()));
        Evidence.attach("Visible session lifetime", "text/plain", "policy: " + lifetime + " s (tolerance " + tolerance + " s)\n"
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

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V3 Session Management", url = References.ASVS_V3)
    @Description("One login more than MAX_SESSIONS_PER_USER must end the least recently active session and no other. "
            + Remediation.SESSION_LIMIT)
    @Test
    @DisplayName("One login more than MAX_SESSIONS_PER_USER evicts the least recently active session, and no other")
    void sessionLimitEvictsLeastRecentlyActive(SessionLifecycle lifecycle) {
        judge(lifecycle.eviction(), "MAX_SESSIONS_PER_USER=" + lifecycle.maxPerUser());
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V3.3.1", url = References.ASVS_V3)
    @Description("POST /api/auth/logout must make that session's token dead and leave the user's other sessions alive. "
            + Remediation.SESSION_REJECTION)
    @Test
    @DisplayName("Logout ends exactly the session that logged out")
    void logoutEndsThatSession(SessionLifecycle lifecycle) {
        judge(lifecycle.logout(), "Logout");
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V3.3.4", url = References.ASVS_V3)
    @Description("DELETE /api/auth/sessions/:id must end that session and leave the session that revoked it alive. "
            + Remediation.SESSION_REJECTION)
    @Test
    @DisplayName("Revoking a session by id ends exactly that session")
    void revocationEndsThatSession(SessionLifecycle lifecycle) {
        judge(lifecycle.revocation(), "Revoke one session by id");
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V3.3.4", url = References.ASVS_V3)
    @Description("DELETE /api/auth/sessions must end every other session of the user and keep the current one. "
            + Remediation.SESSION_REJECTION)
    @Test
    @DisplayName("Revoking the others ends every other session of the user, and keeps the current one")
    void revokeOthersEndsExactlyTheOthers(SessionLifecycle lifecycle) {
        judge(lifecycle.revokeOthers(), "Revoke other sessions");
    }

    /** One part of the run's session lifecycle: its answers in the report, and each against what the control requires. */
    private static void judge(SessionLifecycle.Part part, String control) {
        Evidence.attach(part.name(), "text/plain", Redactor.text(part.report()), ".txt");
        Findings.assertNone(part.findings(control));
    }
}
