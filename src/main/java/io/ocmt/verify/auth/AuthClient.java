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
import org.awaitility.Awaitility;

/**
 * OCMT's magic-link login and session API, as a user's browser would use it. Every session it
 * creates is remembered and revoked by {@link #close()}, so a test declares its cleanup by taking
 * this client as a parameter. A 429 whose Retry-After fits the policy's wait bound is waited out
 * (the reference stack's windows are seconds long); a longer one fails with the budget named.
 */
public final class AuthClient implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Http http;
    private final Target target;
    private final Mailbox mailbox;
    private final List<Session> created = new ArrayList<>();

    public AuthClient(Http http, Mailbox mailbox) {
        // Its own 429s are waited out or reported here, with the budget named.
        this.http = http.judgingRateLimits();
        this.target = http.target();
        this.mailbox = mailbox;
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
        Session session = new Session(email, token, verified, Instant.now());
        synchronized (created) {
            created.add(session);
        }
        return session;
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
     * Sends a request; on a 429 it waits for the Retry-After the target named when that fits the
     * policy's bound, and tries once more.
     */
    public Exchange send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        Exchange first = once(method, pathAndQuery, headers, body);
        if (first.status() != 429) {
            return first;
        }
        long retryAfter = first.single("Retry-After").map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(-1L);
        long bound = policy().session().maxWaitSeconds();
        if (retryAfter < 0 || retryAfter > bound) {
            throw new AssertionError("The target rate-limits this runner on " + first.describe() + " (Retry-After "
                    + (retryAfter < 0 ? "missing" : retryAfter + " s") + ", more than policy.session.maxWaitSeconds=" + bound
                    + "): its budget is smaller than this suite needs. Run again after the window, or raise the budget.");
        }
        Instant until = Instant.now().plusSeconds(retryAfter).plusMillis(250);
        Awaitility.await("the rate-limit window on " + pathAndQuery + " to pass")
                .atMost(Duration.ofSeconds(retryAfter + 5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Instant.now().isAfter(until));
        return once(method, pathAndQuery, headers, body);
    }

    private Exchange once(String method, String pathAndQuery, Map<String, String> headers, String body) {
        URI uri = target.https(pathAndQuery);
        var spec = http.spec().headers(new LinkedHashMap<>(headers));
        if (body != null) {
            spec.body(body);
        }
        return Http.exchange(method, uri, spec.request(method, uri));
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
                once("POST", "/api/auth/logout", credentials(s), null);
            } catch (RuntimeException ignored) {
                // Best effort: the session may already be gone, which is what cleanup wants.
            }
        }
    }
}
