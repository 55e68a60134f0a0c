package io.ocmt.reference.api;

import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;

import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * What a refused magic link gets. OCMT gives every bad, used, expired or unknown token one answer,
 * 400 {"error":"Invalid or expired magic link"}, so the answer tells an attacker nothing.
 * BREAK_MAGIC_LINK_ERRORS=development answers as an Express app run in development mode does: a
 * token that is not 64 hex characters reaches the error handler, which shows the error's message and
 * stack in a 500, and a well-formed token no link was issued for is named as such.
 */
final class MagicLinkRefusal {

    static final String INVALID = "Invalid or expired magic link";
    static final String NOT_FOUND = "Magic link not found";
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{64}");

    private MagicLinkRefusal() {
    }

    /** @param known asked only in development mode: whether a link was ever issued for this token */
    static Reply of(String token, BooleanSupplier known, Switches switches) {
        if (!switches.is(Switch.MAGIC_LINK_ERRORS, "development")) {
            return Reply.error(400, INVALID);
        }
        if (!TOKEN.matcher(token).matches()) {
            // The length only, never the token itself.
            String message = "Invalid magic link token: expected 64 hex characters, got " + token.length();
            return Reply.error(500, "Internal server error")
                    .with("message", message)
                    .with("stack", "TypeError: " + message + "\n    at hashToken (/app/management-server/lib/tokens.js:18:11)"
                            + "\n    at verifyMagicLink (/app/management-server/routes/auth.js:212:31)");
        }
        return known.getAsBoolean() ? Reply.error(400, INVALID) : Reply.error(400, NOT_FOUND);
    }
}
