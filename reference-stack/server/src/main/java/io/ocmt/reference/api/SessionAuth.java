package io.ocmt.reference.api;

import io.javalin.http.Context;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.crypto.SecretBox;
import io.ocmt.reference.crypto.Tokens;

import java.util.HexFormat;
import java.util.function.Function;

/**
 * OCMT's requireUser: the session token comes from the ocmt_session cookie or the X-Session-Token
 * header, never from the query string (it would end up in logs, history and Referer headers) and
 * never from Authorization: Bearer.
 */
final class SessionAuth {

    static final String COOKIE = "ocmt_session";
    static final String HEADER = "X-Session-Token";

    record Current(Store.Session session, String token) {
        Store.User user() {
            return session.user();
        }
    }

    private final Store store;
    private final ApiSettings settings;
    private final SecretBox secrets;

    SessionAuth(Store store, ApiSettings settings) {
        this.store = store;
        this.settings = settings;
        this.secrets = settings.secrets;
    }

    /** What the database keeps of a magic-link token: its SHA-256, unless that control is switched off. */
    String stored(String token) {
        return settings.switches.is(Switch.SESSION_TOKENS_RAW, "1") ? token : Tokens.sha256Hex(token);
    }

    /** What the database keeps of a session token, and looks it up by. */
    String storedSession(String token) {
        return storedSession(token, settings.switches);
    }

    /**
     * The SHA-256 of the whole token, or the token itself with BREAK_SESSION_TOKENS_RAW=1. With
     * BREAK_SESSION_TOKEN_CHECK=first-half only its first 32 characters are hashed, as where the
     * token's length changed and the hashing still cuts it to the old one: every token that starts
     * like a live one opens that session.
     */
    static String storedSession(String token, Switches switches) {
        String compared = switches.is(Switch.SESSION_TOKEN_CHECK, "first-half") && token.length() > FIRST_HALF
                ? token.substring(0, FIRST_HALF) : token;
        return switches.is(Switch.SESSION_TOKENS_RAW, "1") ? compared : Tokens.sha256Hex(compared);
    }

    /** Half of the 64 hex characters of a session token. */
    static final int FIRST_HALF = 32;

    String presentedToken(Context ctx) {
        return presentedToken(ctx.cookie(COOKIE), ctx.header(HEADER), ctx.header("Authorization"), ctx::queryParam,
                settings.switches);
    }

    /**
     * The session token a request presents: the cookie, else X-Session-Token. BREAK_QUERY_TOKEN=1 also
     * takes {@code ?token=} or {@code ?sessionToken=}, BREAK_BEARER_SESSION=1 {@code Authorization:
     * Bearer}, as a deployment that added either "for API clients" would.
     */
    static String presentedToken(String cookie, String header, String authorization, Function<String, String> query,
                                 Switches switches) {
        String token = cookie;
        if (token == null || token.isEmpty()) {
            token = header;
        }
        if ((token == null || token.isEmpty()) && switches.is(Switch.QUERY_TOKEN, "1")) {
            token = query.apply("token");
            if (token == null || token.isEmpty()) {
                token = query.apply("sessionToken");
            }
        }
        if ((token == null || token.isEmpty()) && switches.is(Switch.BEARER_SESSION, "1")) {
            token = AdminRoutes.bearer(authorization);
        }
        return token == null || token.isEmpty() ? null : token;
    }

    /** @throws Reply 401 in OCMT's three shapes when there is no live session */
    Current require(Context ctx) {
        String token = presentedToken(ctx);
        if (token == null) {
            throw Reply.error(401, "Authentication required");
        }
        Store.Session session = store.sessionByToken(storedSession(token))
                .filter(s -> !s.revoked())
                .orElseThrow(() -> Reply.error(401, "Invalid or expired session"));
        if (lifetimeEnforced() && session.ageMs() > lifetimeMs()) {
            throw Reply.error(401, "Session expired", "SESSION_EXPIRED");
        }
        store.touchSession(session.id(), Http.clientIp(ctx));
        return new Current(session, token);
    }

    boolean lifetimeEnforced() {
        return !settings.switches.is(Switch.SESSION_LIFETIME, "1");
    }

    /** The absolute lifetime this server gives a session: USER_SESSION_TIMEOUT_MS, unless that control is switched off. */
    long lifetimeMs() {
        return lifetimeMs(settings.sessionTimeoutMs, settings.switches);
    }

    /**
     * A deployment whose lifetime setting never took effect (a typo in the variable, a default left
     * in place) looks like this: cookie, expiresAt and enforcement all agree, on a far longer lifetime.
     */
    static long lifetimeMs(long configuredMs, Switches switches) {
        return switches.is(Switch.SESSION_LIFETIME, "long") ? configuredMs * LONG_LIFETIME_FACTOR : configuredMs;
    }

    static final int LONG_LIFETIME_FACTOR = 30;

    /**
     * The double-submit value for a session: derived from the session token under a server key, so
     * every replica issues the same value for the same session and no other session can reuse it.
     */
    String csrfToken(String sessionToken) {
        return HexFormat.of().formatHex(secrets.mac("xsrf", sessionToken));
    }

    void issueCsrfCookie(Context ctx, String sessionToken) {
        Http.setCookie(ctx, CsrfRules.COOKIE, csrfToken(sessionToken), 24 * 60 * 60L, false, "Strict");
    }
}
