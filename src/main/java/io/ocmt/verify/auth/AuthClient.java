package io.ocmt.verify.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.mail.MagicLink;
import io.ocmt.verify.mail.MailMessage;
import io.ocmt.verify.mail.Mailbox;
import io.ocmt.verify.ratelimit.LimitHeaders;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OCMT's magic-link login and session API, as a user's browser would use it. Every session it
 * creates is remembered and revoked by {@link #close()}, so a test declares its cleanup by taking
 * this client as a parameter.
 *
 * <p>Logins and magic-link verifications go through the client addresses its
 * {@link LoginBudget.Reservation} set aside for the test; a 429 on one moves the request to another
 * address with budget left (or waits for a window short enough to wait for), and where there is
 * none the test is aborted as not verified. Every other request comes from this runner.
 */
public final class AuthClient implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Http http;
    private final Target target;
    private final Mailbox mailbox;
    private final LoginBudget.Reservation logins;
    private final List<Session> created = new ArrayList<>();

    /**
     * @param http   this runner's client, for every request but logins and verifications
     * @param logins where this test's logins and verifications go; closed with this client
     */
    public AuthClient(Http http, Mailbox mailbox, LoginBudget.Reservation logins) {
        this.http = http;
        this.target = http.target();
        this.mailbox = mailbox;
        this.logins = logins;
    }

    /** What this client set aside and sent where, for the test's report. */
    public String loginsUsed() {
        return logins.describe();
    }

    public Mailbox mailbox() {
        return mailbox;
    }

    private Policy policy() {
        return target.policy();
    }

    /** A value shaped like OCMT's session and magic-link tokens (32 random bytes, hex) that no server issued. */
    public static String forgedToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A fresh identity whose mail only this test will read. */
    public String newIdentity(String purpose) {
        return mailbox.newRecipient(purpose);
    }

    public Exchange requestLink(String email) {
        return send("POST", "/api/auth/login", Map.of("Content-Type", "application/json"),
                "{\"email\":" + quote(email) + "}");
    }

    /** The magic link mailed to {@code email}; the mail is deleted once read. */
    public MagicLink awaitLink(String email) {
        MailMessage mail = mailbox.await(email, Duration.ofSeconds(policy().auth().mailTimeoutSeconds()));
        try {
            return MagicLink.from(mail, uiUrl() + "/verify");
        } finally {
            mailbox.delete(mail);
        }
    }

    public String uiUrl() {
        String ui = policy().auth().uiUrl();
        String base = ui != null ? ui : target.httpsUrl().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** GET /api/auth/verify?token=… asking for JSON, as OCMT's UI does. */
    public Exchange verify(String token) {
        return verify(token, Map.of());
    }

    /** The same, with more headers: a browser arrives at the link with whatever cookies it holds. */
    public Exchange verify(String token, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept", "application/json");
        return send("GET", "/api/auth/verify?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), all, null);
    }

    /** The whole flow: request a link, read it from the mailbox, verify it. */
    public Session login(String email) {
        Exchange requested = requestLink(email);
        if (requested.status() != 200) {
            throw new AssertionError("Requesting a magic link for a test identity failed: " + requested.describe()
                    + " " + Redactor.text(requested.body()));
        }
        return verified(email, awaitLink(email));
    }

    public Session verified(String email, MagicLink link) {
        return verified(email, link, Map.of());
    }

    /** Verifies {@code link} sending {@code headers} too; the session it issues is revoked with the others. */
    public Session verified(String email, MagicLink link, Map<String, String> headers) {
        Exchange verified = verify(link.token(), headers);
        if (verified.status() != 200) {
            throw new AssertionError("Verifying a fresh magic link failed: " + verified.describe() + " " + Redactor.text(verified.body()));
        }
        String token = json(verified).path("sessionToken").asText("");
        if (token.isEmpty()) {
            throw new AssertionError("The verify answer has no sessionToken: " + verified.describe());
        }
        Session session = new Session(email, token, link, verified, Instant.now());
        synchronized (created) {
            created.add(session);
        }
        return session;
    }

    /**
     * A verify answer that should have been a refusal: if it issued a session anyway (a broken
     * control), that session is ended with the others when this client closes, so a failing check
     * leaves nothing behind. Returns the answer unchanged.
     */
    public Exchange endIfIssued(Exchange verifyAnswer) {
        if (verifyAnswer.status() == 200) {
            try {
                String token = JSON.readTree(verifyAnswer.body()).path("sessionToken").asText("");
                if (!token.isEmpty()) {
                    synchronized (created) {
                        created.add(new Session("(issued by a refused link)", token, null, verifyAnswer, Instant.now()));
                    }
                }
            } catch (IOException notJson) {
                // Nothing was issued that this client could end.
            }
        }
        return verifyAnswer;
    }

    /** The name of the session cookie, per the policy (ocmt_session). */
    public String cookieName() {
        return policy().session().cookie();
    }

    /** The session credential as OCMT's API clients send it. */
    public Map<String, String> credentials(Session session) {
        return Map.of(policy().session().header(), session.token());
    }

    public Exchange me(Session session) {
        return send("GET", "/api/auth/me", credentials(session), null);
    }

    public Exchange me(Map<String, String> headers) {
        return send("GET", "/api/auth/me", headers, null);
    }

    public Exchange get(String pathAndQuery, Map<String, String> headers) {
        return send("GET", pathAndQuery, headers, null);
    }

    public Exchange logout(Session session) {
        return send("POST", "/api/auth/logout", credentials(session), null);
    }

    public Exchange sessions(Session session) {
        return send("GET", "/api/auth/sessions", credentials(session), null);
    }

    public Exchange revoke(Session session, String id) {
        return send("DELETE", "/api/auth/sessions/" + id, credentials(session), null);
    }

    public Exchange revokeOthers(Session session) {
        return send("DELETE", "/api/auth/sessions", credentials(session), null);
    }

    /** The id of {@code session} in its own sessions list (isCurrent). */
    public String idOf(Session session) {
        return current(sessions(session)).map(s -> s.path("id").asText())
                .orElseThrow(() -> new AssertionError("The sessions list of " + session + " marks no session as current"));
    }

    /** The entry a GET /api/auth/sessions answer marks as the session that asked (isCurrent). */
    public Optional<JsonNode> current(Exchange sessionsList) {
        for (JsonNode s : json(sessionsList).path("sessions")) {
            if (s.path("isCurrent").asBoolean()) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public JsonNode json(Exchange exchange) {
        try {
            return JSON.readTree(exchange.body());
        } catch (IOException e) {
            throw new AssertionError("Expected JSON from " + exchange.describe() + ", got: " + Redactor.text(exchange.body()), e);
        }
    }

    /**
     * Sends a request. A login or verification goes through the address set aside for it, and on a
     * 429 through another one; any other request comes from this runner, and a 429 on it aborts the
     * test as not verified (see {@link Http}).
     */
    public Exchange send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        return timed(method, pathAndQuery, headers, body).answer();
    }

    /**
     * An answer and how long the request that got it took: only that request, not a refusal before it
     * or a wait for a rate-limit window, so timing comparisons judge the target's answer alone.
     */
    public record Timed(Exchange answer, long millis) {
    }

    /** POST /api/auth/login for {@code email}, timed as {@link Timed} says. */
    public Timed requestLinkTimed(String email) {
        return timed("POST", "/api/auth/login", Map.of("Content-Type", "application/json"), "{\"email\":" + quote(email) + "}");
    }

    private Timed timed(String method, String pathAndQuery, Map<String, String> headers, String body) {
        Optional<LoginBudget.Route> route = LoginBudget.Route.of(method, pathAndQuery);
        if (route.isEmpty()) {
            return once(http, method, pathAndQuery, headers, body);
        }
        Timed answer = once(logins.next(route.get()), method, pathAndQuery, headers, body);
        while (LimitHeaders.refusedByLimiter(answer.answer())) {
            answer = once(logins.replace(route.get(), answer.answer()), method, pathAndQuery, headers, body);
        }
        return answer;
    }

    private Timed once(Http via, String method, String pathAndQuery, Map<String, String> headers, String body) {
        URI uri = target.https(pathAndQuery);
        var spec = via.spec().headers(new LinkedHashMap<>(headers));
        if (body != null) {
            spec.body(body);
        }
        long t0 = System.nanoTime();
        io.restassured.response.Response response = spec.request(method, uri);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new Timed(Http.exchange(method, uri, response), millis);
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Revokes every session this client created; a session a test already ended is no error. */
    @Override
    public void close() {
        List<Session> toEnd;
        synchronized (created) {
            toEnd = List.copyOf(created);
            created.clear();
        }
        for (Session s : toEnd) {
            try {
                once(http, "POST", "/api/auth/logout", credentials(s), null);
            } catch (RuntimeException ignored) {
                // Best effort: the session may already be gone (or this runner rate-limited), which cleanup can live with.
            }
        }
        logins.close();
    }
}
