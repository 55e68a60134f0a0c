package io.ocmt.reference.api;

import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;

import java.time.Instant;

/**
 * The ocmt_session cookie a login sets: OCMT's {@code Path=/; Expires; HttpOnly; Secure; SameSite=Lax}.
 * BREAK_SESSION_COOKIE=loose writes it the way a hand-rolled {@code Set-Cookie} does: only the name,
 * the value, a path under the API and the expiry, so scripts read it, plain HTTP carries it and other
 * sites' requests send it.
 */
final class SessionCookie {

    private SessionCookie() {
    }

    static String header(String token, Instant expires, Switches switches) {
        if (switches.is(Switch.SESSION_COOKIE, "loose")) {
            return SessionAuth.COOKIE + "=" + token + "; Path=/api; Expires=" + Http.cookieDate(expires);
        }
        return Http.cookie(SessionAuth.COOKIE, token, expires, true, "Lax");
    }
}
