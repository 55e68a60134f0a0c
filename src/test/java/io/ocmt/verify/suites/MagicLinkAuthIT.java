package io.ocmt.verify.suites;

import static io.ocmt.verify.report.Findings.assertNone;
import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.Spends;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.Cookies;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.junit.SharedLogin;
import io.ocmt.verify.mail.MagicLink;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Functional testing: magic link login works, invalid tokens rejected": the whole
 * magic-link flow from the mailbox, the session it issues, single use, expiry, refusal without
 * detail, and no account enumeration through the login answer.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.FUNCTIONAL)
@OcmtSuite
@Tag("auth")
@Requires(Grant.MAILBOX)
@DisplayName("Magic-link authentication")
public class MagicLinkAuthIT {

    private static final String INVALID_LINK = "{\"error\":\"Invalid or expired magic link\"}";

    @Severity(SeverityLevel.NORMAL)
    @Story(Checklist.MAGIC_LINK)
    @Link(name = "ASVS 4.0.3 V2.7 Out of Band Verifier", url = References.ASVS_V2)
    @Description("Positive control: the magic link from the mailbox must log in and the session must work on "
            + "/api/auth/me. Fix: check USER_UI_URL (the link's base) and the mail transport; the other auth checks "
            + "depend on this one.")
    @Test
    @DisplayName("A magic link read from the mailbox logs in, and the session works on /api/auth/me")
    void magicLinkLogsIn(@SharedLogin Session session, AuthClient auth) {
        attachLogin(session);
        Exchange me = auth.me(session);
        assertThat(me.status()).as("%s with the session %s issued", me.describe(), session.verified().describe()).isEqualTo(200);
        assertThat(auth.json(me).path("user").path("email").asText()).as("the user of %s", me.describe())
                .isEqualToIgnoringCase(session.email());
    }

    /** The shared session was issued before this test, maybe by another suite: its login is part of the evidence. */
    static void attachLogin(Session session) {
        Evidence.attach("The run's shared session", "text/plain", Redactor.text("issued at " + session.issuedAt() + " to "
                + session.email() + " by " + session.verified().describe() + "\nSet-Cookie: "
                + String.join("\nSet-Cookie: ", session.verified().all("Set-Cookie").stream()
                .map(c -> Redactor.header("Set-Cookie", c)).toList())), ".txt");
    }

    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.MAGIC_LINK)
    @Link(name = "ASVS 4.0.3 V3.4.1-V3.4.3, V3.4.5", url = References.ASVS_V3)
    @Link(name = "Observatory: Cookies", url = References.OBSERVATORY)
    @Description("The ocmt_session cookie must be Secure, HttpOnly, SameSite and Path=/. Fix: run the management "
            + "server with NODE_ENV=production (OCMT sets Secure only there) behind a proxy that sets "
            + "X-Forwarded-Proto: https.")
    @Test
    @DisplayName("The session cookie is Secure, HttpOnly, SameSite and Path=/")
    void sessionCookieAttributes(@SharedLogin Session session, Policy policy) {
        attachLogin(session);
        assertNone(Cookies.judgeSessionCookie(session.verified(), policy.session().cookie()));
    }

    /**
     * OWASP ASVS "a new session token on authentication": a login must not adopt a token the browser
     * already holds, neither one an attacker planted (session fixation) nor the user's live one.
     */
    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.MAGIC_LINK)
    @Link(name = "ASVS 4.0.3 V3.2.1", url = References.ASVS_V3)
    @Description("Every login must issue a new session token: a token the browser presents (planted or live) is never "
            + "adopted, which would allow session fixation. Fix: the verify route must always create a new "
            + "`sessions` row and set its token, ignoring any cookie or X-Session-Token sent with it.")
    @Test
    @Spends(logins = 2, verifications = 2)
    @DisplayName("Every login issues a fresh session token: a planted or a live token the browser presents is never adopted")
    void loginIssuesAFreshSessionToken(AuthClient auth) {
        String email = auth.newIdentity("fixation");
        String planted = AuthClient.forgedToken();
        assertThat(auth.requestLink(email).status()).as("requesting a magic link for %s", email).isEqualTo(200);
        Session first = auth.verified(email, auth.awaitLink(email), Map.of("Cookie", auth.cookieName() + "=" + planted));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(first.token().equals(planted))
                .as("%s sent with a planted %s cookie issued that planted value as the session token (session fixation)",
                        first.verified().describe(), auth.cookieName())
                .isFalse();
        Exchange plantedMe = auth.me(Map.of("Cookie", auth.cookieName() + "=" + planted));
        softly.assertThat(plantedMe.status()).as("%s with the planted cookie after the victim's login", plantedMe.describe()).isEqualTo(401);
        assertThat(auth.requestLink(email).status()).as("requesting a second magic link for %s", email).isEqualTo(200);
        Session second = auth.verified(email, auth.awaitLink(email), Map.of("Cookie", auth.cookieName() + "=" + first.token()));
        softly.assertThat(second.token().equals(first.token()))
                .as("%s sent with the user's live %s cookie kept that token instead of issuing a new one", second.verified().describe(),
                        auth.cookieName())
                .isFalse();
        softly.assertAll();
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.MAGIC_LINK)
    @Link(name = "ASVS 4.0.3 V2.7.3", url = References.ASVS_V2)
    @Description("A magic link used once must be refused the second time (400). " + Remediation.MAGIC_LINK)
    @Test
    @Spends(verifications = 1)
    @DisplayName("A magic link works once: the second use is refused")
    void magicLinkIsSingleUse(@SharedLogin Session session, AuthClient auth) {
        attachLogin(session);
        // The shared session's link, used once to issue it.
        Exchange reused = auth.endIfIssued(auth.verify(session.link().token()));
        assertThat(reused.status()).as("%s: a magic link used a second time must be refused", reused.describe()).isEqualTo(400);
        assertThat(reused.body()).as("body of %s", reused.describe()).isEqualToIgnoringWhitespace(INVALID_LINK);
    }

    @Severity(SeverityLevel.CRITICAL)
    @Story(Checklist.MAGIC_LINK)
    @Link(name = "ASVS 4.0.3 V2.7.2", url = References.ASVS_V2)
    @Description("A magic link past its lifetime must be refused; skipped where the lifetime is longer than the run "
            + "may wait. "
            + Remediation.MAGIC_LINK)
    @Test
    @Spends(logins = 1, verifications = 1)
    @DisplayName("An expired magic link is refused")
    void expiredMagicLinkIsRefused(AuthClient auth, Policy policy) {
        long ttl = policy.auth().magicLinkTtlSeconds();
        long bound = policy.session().maxWaitSeconds();
        NotVerified.unless(ttl <= bound, () -> "Not verified: policy.auth.magicLinkTtlSeconds=" + ttl
                + " is longer than policy.session.maxWaitSeconds=" + bound + ", so this run does not wait for a link to expire");
        String email = auth.newIdentity("expiry");
        Instant requested = Instant.now();
        assertThat(auth.requestLink(email).status()).isEqualTo(200);
        MagicLink link = auth.awaitLink(email);
        Instant expired = requested.plusSeconds(ttl + 1);
        Awaitility.await("the magic link's lifetime of " + ttl + " s to pass")
                .atMost(Duration.ofSeconds(ttl + 10)).pollInterval(Duration.ofMillis(250))
                .until(() -> Instant.now().isAfter(expired));
        Exchange late = auth.endIfIssued(auth.verify(link.token()));
        assertThat(late.status()).as("%s: a magic link %s s old (lifetime %s s) must be refused", late.describe(),
                Duration.between(requested, Instant.now()).toSeconds(), ttl).isEqualTo(400);
        assertThat(late.body()).isEqualToIgnoringWhitespace(INVALID_LINK);
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.INVALID_TOKENS)
    @Link(name = "ASVS 4.0.3 V7.4.1", url = References.ASVS_V7)
    @Description("Malformed and unknown magic tokens must get 400 with OCMT's one message, never a login, a 500 or a "
            + "detail. "
            + Remediation.MAGIC_LINK)
    @Test
    @Spends(verifications = 6)
    // Six refused verifications in a row, more than the strictAuth limiter allows an address (5 per 15 minutes at
    // OCMT and in the checklist): they use up an address's whole verification budget with failures.
    @Requires(Grant.DESTRUCTIVE)
    @DisplayName("Malformed and unknown tokens are refused with OCMT's one message, never a 500 or a detail")
    void malformedAndUnknownTokensAreRefused(AuthClient auth) {
        List<String> tokens = List.of(AuthClient.forgedToken(), "not-a-token", "' OR '1'='1", "%00", "a".repeat(4096));
        SoftAssertions softly = new SoftAssertions();
        for (String token : tokens) {
            Exchange e = auth.endIfIssued(auth.verify(token));
            softly.assertThat(e.status()).as("%s", e.describe()).isEqualTo(400);
            softly.assertThat(e.body()).as("body of %s", e.describe()).isEqualToIgnoringWhitespace(INVALID_LINK);
        }
        Exchange missing = auth.get("/api/auth/verify", java.util.Map.of("Accept", "application/json"));
        softly.assertThat(missing.status()).as("%s without a token", missing.describe()).isEqualTo(400);
        softly.assertThat(missing.body()).as("body of %s", missing.describe()).isEqualToIgnoringWhitespace("{\"error\":\"Token required\"}");
        softly.assertAll();
    }

    @Severity(SeverityLevel.NORMAL)
    @Story(Checklist.MAGIC_LINK)
    @Link(name = "ASVS 4.0.3 V2 Authentication", url = References.ASVS_V2)
    @Description("POST /api/auth/login must answer known and unknown addresses identically, within the policy's timing "
            + "tolerance, so it cannot enumerate accounts. Fix: return the same body for both and send the mail "
            + "asynchronously (queue) so the answer time does not depend on the address.")
    @Test
    @Spends(logins = 2, per = Spends.Per.ENUMERATION_SAMPLE)
    @DisplayName("The login answer is the same for known and unknown addresses, also in time")
    void loginDoesNotRevealAccounts(@SharedLogin Session session, AuthClient auth, Policy policy) {
        // The shared session's user has an account; its session is not touched, only more links are asked for it.
        String known = session.email();
        List<Long> knownMs = new ArrayList<>();
        List<Long> unknownMs = new ArrayList<>();
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < policy.auth().enumerationSamples(); i++) {
            String unknown = auth.newIdentity("unknown");
            AuthClient.Timed forUnknown = auth.requestLinkTimed(unknown);
            AuthClient.Timed forKnown = auth.requestLinkTimed(known);
            unknownMs.add(forUnknown.millis());
            knownMs.add(forKnown.millis());
            // Two equal refusals (both 429, both 500) would compare equal and prove nothing: both must be the success answer.
            for (AuthClient.Timed t : List.of(forUnknown, forKnown)) {
                softly.assertThat(t.answer().status()).as("%s: the login answer must be OCMT's success for any valid address",
                        t.answer().describe()).isEqualTo(200);
                softly.assertThat(auth.json(t.answer()).path("success").asBoolean(false)).as("success in the body of %s",
                        t.answer().describe()).isTrue();
            }
            softly.assertThat(forUnknown.answer().status()).as("status for an unknown address (%s) vs a known one",
                    forUnknown.answer().describe()).isEqualTo(forKnown.answer().status());
            softly.assertThat(forUnknown.answer().body()).as("body for an unknown address vs a known one").isEqualTo(forKnown.answer().body());
            auth.mailbox().deleteAll(unknown);
        }
        auth.mailbox().deleteAll(known);
        long difference = Math.abs(median(knownMs) - median(unknownMs));
        Evidence.attach("Login answer times", "text/plain", "known address, ms: " + knownMs + " (median " + median(knownMs)
                + ")\nunknown address, ms: " + unknownMs + " (median " + median(unknownMs) + ")\ntolerance: "
                + policy.auth().enumerationToleranceMs() + " ms\n(each the answering request alone, never a refusal or a wait for a rate-limit window)", ".txt");
        softly.assertThat(difference).as("difference of the median login answer times, known vs unknown address, ms "
                + "(known %s, unknown %s)", knownMs, unknownMs).isLessThanOrEqualTo(policy.auth().enumerationToleranceMs());
        softly.assertAll();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
