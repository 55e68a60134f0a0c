package io.ocmt.verify.auth;

import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.mail.MagicLink;
import io.ocmt.verify.report.Redactor;

/**
 * A session the suite obtained through the magic-link flow. Its token is registered with the
 * {@link Redactor} as soon as it exists, and {@link #toString()} never shows it.
 *
 * @param email    the identity it belongs to
 * @param link     the magic link that was verified to issue it (used up since)
 * @param verified the verify response that issued it, for judging its cookie
 * @param issuedAt when that response arrived: the start of the session's lifetime as seen here
 */
public record Session(String email, String token, MagicLink link, Exchange verified, java.time.Instant issuedAt) {

    public Session {
        Redactor.registerSecret(token);
    }

    @Override
    public String toString() {
        return "session of " + email;
    }
}
