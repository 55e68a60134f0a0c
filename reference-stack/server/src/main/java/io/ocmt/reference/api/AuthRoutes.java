package io.ocmt.reference.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.ocmt.reference.Switch;
import io.ocmt.reference.crypto.Tokens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** Magic-link login, verification, the current user, logout and session management. */
final class AuthRoutes {

    static final String LOGIN_MESSAGE = "If an account exists, a login link has been sent";

    /** Deliberately plain: one address, no display name, nothing a mail header could be split on. */
    private static final Pattern EMAIL = Pattern.compile("[^\\s@<>()\\[\\],;:\"\\\\]+@[^\\s@<>()\\[\\],;:\"\\\\]+\\.[^\\s@<>()\\[\\],;:\"\\\\]+");

    private final ApiSettings settings;
    private final Store store;
    private final SessionAuth auth;
    private final Mailer mailer;
    private final SecurityEvents events;

    AuthRoutes(ApiSettings settings, Store store, SessionAuth auth, Mailer mailer, SecurityEvents events) {
        this.settings = settings;
        this.store = store;
        this.auth = auth;
        this.mailer = mailer;
        this.events = events;
    }

    void install(Javalin app) {
        app.post("/api/auth/login", this::login);
        app.get("/api/auth/verify", this::verify);
        app.get("/api/auth/me", this::me);
        app.head("/api/auth/me", this::me);
        app.post("/api/auth/logout", this::logout);
        app.get("/api/auth/sessions", this::listSessions);
        app.delete("/api/auth/sessions", this::revokeOthers);
        app.delete("/api/auth/sessions/{id}", this::revokeOne);
    }

    /**
     * Known and unknown addresses take the same path: the user is created on first login (as
     * OCMT's verify would), a link is stored and the mail is queued, so neither the answer nor its
     * timing tells whether the address had an account.
     */
    private void login(Context ctx) {
        String raw = Http.text(ctx, "email");
        String email = raw == null ? null : raw.trim().toLowerCase(Locale.ROOT);
        if (email == null || email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw Reply.error(400, "Valid email required");
        }
        // The switch leaks whether the address had an account through the answer's text, the way
        // sign-up-on-login services often do; the login itself still works, so other checks stay green.
        boolean revealNew = settings.switches.is(Switch.ENUMERATION, "1") && store.userByEmail(email).isEmpty();
        String token = Tokens.newToken();
        store.ensureUserWithLink(email, settings.secrets.encrypt(Tokens.newToken()), auth.stored(token),
                settings.magicLinkTtlMs);
        mailer.sendLoginLink(email, settings.userUiUrl + "/verify?token=" + token);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("message", revealNew ? "Welcome! We created your account and sent a login link" : LOGIN_MESSAGE);
        Http.json(ctx, 200, body);
    }

    /**
     * Always a fresh token, whatever the client presents. The switch adopts a token the client
     * brought that names no session yet: the classic session fixation, where an attacker plants a
     * cookie in the victim's browser and rides the session the victim's login then creates.
     */
    private String newSessionToken(Context ctx) {
        String presented = auth.presentedToken(ctx);
        if (settings.switches.is(Switch.SESSION_FIXATION, "1") && presented != null
                && store.sessionByToken(auth.storedSession(presented)).isEmpty()) {
            return presented;
        }
        return Tokens.newToken();
    }

    private void verify(Context ctx) {
        String token = ctx.queryParam("token");
        if (token == null || token.isEmpty()) {
            throw Reply.error(400, "Token required");
        }
        String email = store.consumeMagicLink(auth.stored(token), settings.switches.is(Switch.MAGIC_LINK_REUSE, "1"),
                        !settings.switches.is(Switch.MAGIC_LINK_EXPIRY, "1"))
                .orElse(null);
        if (email == null) {
            events.record(ctx, "auth.login_failed", "warning", null, Map.of("method", "magic_link",
                    "reason", "invalid_or_expired_link"));
            throw MagicLinkRefusal.of(token, () -> store.magicLinkKnown(auth.stored(token)), settings.switches);
        }
        Store.User user = store.userByEmail(email).orElseGet(() -> {
            // Links are only issued after the user row exists; this covers a row deleted in between.
            store.ensureUser(email, settings.secrets.encrypt(Tokens.newToken()));
            return store.userByEmail(email).orElseThrow();
        });
        String ip = Http.clientIp(ctx);
        String sessionToken = newSessionToken(ctx);
        Store.NewSession session = store.createSession(user.id(), auth.storedSession(sessionToken), auth.lifetimeMs(),
                ip, Http.userAgent(ctx), settings.maxSessionsPerUser, !settings.switches.is(Switch.SESSION_LIMIT, "1"),
                auth.lifetimeEnforced());
        Map<String, Object> auditDetails = new LinkedHashMap<>();
        auditDetails.put("method", "magic_link");
        auditDetails.put("sessionId", session.id().toString());
        auditDetails.put("evictedSessions", session.evicted());
        store.audit(user.id(), "user.login", auditDetails, ip);

        ctx.res().addHeader("Set-Cookie", SessionCookie.header(sessionToken, session.expiresAt(), settings.switches));
        auth.issueCsrfCookie(ctx, sessionToken);
        if (!wantsJson(ctx)) {
            ctx.status(302).header("Location", settings.userUiUrl + "/").result(new byte[0]);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("user", Http.user(user));
        body.put("sessionToken", sessionToken);
        body.put("expiresAt", Http.iso(session.expiresAt()));
        Http.json(ctx, 200, body);
    }

    private static boolean wantsJson(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json");
    }

    private void me(Context ctx) {
        SessionAuth.Current current;
        try {
            current = auth.require(ctx);
        } catch (Reply refused) {
            if (anonymousMe(settings.switches) && refused.status() == 401) {
                // Optional authentication, as a route mounted behind a "load the user if any" middleware answers.
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("user", null);
                Http.json(ctx, 200, body);
                return;
            }
            throw refused;
        }
        auth.issueCsrfCookie(ctx, current.token());
        Http.json(ctx, 200, Map.of("user", Http.user(current.user())));
    }

    /** BREAK_ME_AUTH=optional: GET /api/auth/me answers 200 {"user":null} to a request without a live session. */
    static boolean anonymousMe(io.ocmt.reference.Switches switches) {
        return switches.is(Switch.ME_AUTH, "optional");
    }

    private void logout(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        if (!settings.switches.is(Switch.LOGOUT, "1")) {
            store.deleteSession(current.session().id());
        }
        store.audit(current.user().id(), "user.logout", null, Http.clientIp(ctx));
        Http.clearCookie(ctx, SessionAuth.COOKIE, true, "Lax");
        Http.json(ctx, 200, Map.of("success", true));
    }

    private void listSessions(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Store.Session s : store.activeSessions(current.user().id(), auth.lifetimeEnforced())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id().toString());
            m.put("createdAt", Http.iso(s.createdAt()));
            m.put("expiresAt", Http.iso(s.expiresAt()));
            m.put("lastActivityAt", Http.iso(s.lastActivityAt()));
            m.put("ipAddress", s.ipAddress());
            m.put("userAgent", s.userAgent());
            m.put("isCurrent", s.id().equals(current.session().id()));
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sessions", out);
        body.put("count", out.size());
        Http.json(ctx, 200, body);
    }

    private void revokeOne(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        UUID id = Http.uuid(ctx.pathParam("id"));
        if (id == null) {
            throw Reply.error(400, "Invalid session id");
        }
        if (id.equals(current.session().id())) {
            throw Reply.error(400, "Cannot revoke current session", "CANNOT_REVOKE_CURRENT");
        }
        boolean found = revokes(settings.switches, "by-id")
                ? store.revokeSession(current.user().id(), id, "user_revoked")
                // The broken route finds the session and answers as if it had ended it.
                : store.activeSessions(current.user().id(), auth.lifetimeEnforced()).stream().anyMatch(s -> s.id().equals(id));
        if (!found) {
            throw Reply.error(404, "Session not found");
        }
        store.audit(current.user().id(), "session.revoked", Map.of("sessionId", id.toString()), Http.clientIp(ctx));
        Http.json(ctx, 200, Map.of("success", true));
    }

    /**
     * Whether the route revokes: BREAK_SESSION_REVOKE=by-id (DELETE /api/auth/sessions/:id) or
     * =others (DELETE /api/auth/sessions) answers as if it had, and leaves the sessions alive, as
     * where the route marks a cache the session check never reads.
     */
    static boolean revokes(io.ocmt.reference.Switches switches, String route) {
        return !switches.is(Switch.SESSION_REVOKE, route);
    }

    private void revokeOthers(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        int revoked = revokes(settings.switches, "others")
                ? store.revokeOtherSessions(current.user().id(), current.session().id())
                : (int) store.activeSessions(current.user().id(), auth.lifetimeEnforced()).stream()
                        .filter(s -> !s.id().equals(current.session().id())).count();
        store.audit(current.user().id(), "session.revoked_all", Map.of("count", revoked), Http.clientIp(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("revoked", revoked);
        Http.json(ctx, 200, body);
    }
}
