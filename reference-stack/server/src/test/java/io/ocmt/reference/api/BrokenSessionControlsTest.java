package io.ocmt.reference.api;

import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.crypto.Tokens;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The switches that break one control of login, sessions, the internal API or the vault, each
 * decided in one function: hardened it is OCMT's behaviour, switched it is the broken one, and no
 * other switch changes it.
 */
class BrokenSessionControlsTest {

    static final String TOKEN = "0123456789abcdef".repeat(3) + "fedcba9876543210";
    static final Instant EXPIRES = Instant.parse("2026-12-08T03:00:00Z");

    private static Switches on(Switch sw, String value) {
        return Switches.of(Map.of(sw, value));
    }

    @Test
    void theSessionCookieHasOcmtsAttributesUnlessLoose() {
        assertEquals("ocmt_session=" + TOKEN + "; Path=/; Expires=Tue, 08 Dec 2026 03:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
                SessionCookie.header(TOKEN, EXPIRES, Switches.none()));
        assertEquals(SessionCookie.header(TOKEN, EXPIRES, Switches.none()),
                SessionCookie.header(TOKEN, EXPIRES, on(Switch.CSRF, "1")), "another switch leaves the cookie alone");
        String loose = SessionCookie.header(TOKEN, EXPIRES, on(Switch.SESSION_COOKIE, "loose"));
        assertEquals("ocmt_session=" + TOKEN + "; Path=/api; Expires=Tue, 08 Dec 2026 03:00:00 GMT", loose);
        for (String attribute : new String[] {"HttpOnly", "Secure", "SameSite"}) {
            assertFalse(loose.contains(attribute), attribute);
        }
    }

    @Test
    void magicLinksExpireUnlessTheExpiryIsSwitchedOff() {
        String hardened = Store.consumeMagicLinkSql(false, true);
        assertTrue(hardened.contains("AND expires_at > now()") && hardened.contains("AND used_at IS NULL"), hardened);
        String neverExpiring = Store.consumeMagicLinkSql(false, false);
        assertFalse(neverExpiring.contains("expires_at"), neverExpiring);
        assertTrue(neverExpiring.contains("AND used_at IS NULL"), "single use still holds: " + neverExpiring);
    }

    @Test
    void aRefusedMagicLinkGetsOneMessageUnlessInDevelopmentMode() {
        AtomicInteger asked = new AtomicInteger();
        for (String token : new String[] {TOKEN, "not-a-token", "%00", "a".repeat(4096)}) {
            Reply r = MagicLinkRefusal.of(token, () -> asked.incrementAndGet() > 0, Switches.none());
            assertEquals(400, r.status(), token);
            assertEquals(Map.of("error", "Invalid or expired magic link"), r.body(), token);
        }
        assertEquals(0, asked.get(), "hardened, whether a link exists is never looked up");

        Switches dev = on(Switch.MAGIC_LINK_ERRORS, "development");
        Reply malformed = MagicLinkRefusal.of("not-a-token", () -> true, dev);
        assertEquals(500, malformed.status());
        assertEquals("Internal server error", malformed.body().get("error"));
        assertEquals("Invalid magic link token: expected 64 hex characters, got 11", malformed.body().get("message"));
        assertTrue(String.valueOf(malformed.body().get("stack")).contains("at verifyMagicLink"), malformed.body().toString());
        assertFalse(malformed.body().toString().contains("not-a-token"), "the token itself is never echoed");
        assertEquals(Map.of("error", "Magic link not found"), MagicLinkRefusal.of(TOKEN, () -> false, dev).body());
        assertEquals(Map.of("error", "Invalid or expired magic link"), MagicLinkRefusal.of(TOKEN, () -> true, dev).body(),
                "a used or expired link still gets the one message");
    }

    @Test
    void theSessionTokenComesFromTheCookieOrHeaderOnlyUnlessSwitched() {
        Map<String, String> query = Map.of("token", "from-query", "sessionToken", "from-query-2");
        assertEquals("c", SessionAuth.presentedToken("c", "h", "Bearer b", query::get, Switches.none()));
        assertEquals("h", SessionAuth.presentedToken("", "h", "Bearer b", query::get, Switches.none()));
        assertNull(SessionAuth.presentedToken(null, null, "Bearer b", query::get, Switches.none()));
        assertNull(SessionAuth.presentedToken(null, "", null, query::get, Switches.none()));
        assertEquals("from-query", SessionAuth.presentedToken(null, null, "Bearer b", query::get, on(Switch.QUERY_TOKEN, "1")));
        assertNull(SessionAuth.presentedToken(null, null, "Bearer b", Map.<String, String>of()::get, on(Switch.QUERY_TOKEN, "1")));
        assertEquals("b", SessionAuth.presentedToken(null, null, "Bearer b", query::get, on(Switch.BEARER_SESSION, "1")));
        assertEquals("h", SessionAuth.presentedToken(null, "h", "Bearer b", query::get, on(Switch.BEARER_SESSION, "1")));
        assertNull(SessionAuth.presentedToken(null, null, "Basic b", query::get, on(Switch.BEARER_SESSION, "1")));
    }

    @Test
    void sessionsAreLookedUpByTheWholeTokenUnlessOnlyTheFirstHalfCounts() {
        String truncated = TOKEN.substring(0, 32);
        String changed = TOKEN.substring(0, 63) + "1";
        String random = Tokens.newToken();
        Switches hardened = Switches.none();
        assertEquals(Tokens.sha256Hex(TOKEN), SessionAuth.storedSession(TOKEN, hardened));
        for (String other : new String[] {truncated, changed, random}) {
            assertNotEquals(SessionAuth.storedSession(TOKEN, hardened), SessionAuth.storedSession(other, hardened), other);
        }
        Switches half = on(Switch.SESSION_TOKEN_CHECK, "first-half");
        assertEquals(SessionAuth.storedSession(TOKEN, half), SessionAuth.storedSession(truncated, half));
        assertEquals(SessionAuth.storedSession(TOKEN, half), SessionAuth.storedSession(changed, half));
        assertNotEquals(SessionAuth.storedSession(TOKEN, half), SessionAuth.storedSession(random, half));
        assertEquals(TOKEN, SessionAuth.storedSession(TOKEN, on(Switch.SESSION_TOKENS_RAW, "1")), "raw tokens stay raw");
    }

    @Test
    void meIsAnonymousAndRevocationANoOpOnlyWithTheirSwitches() {
        assertFalse(AuthRoutes.anonymousMe(Switches.none()));
        assertTrue(AuthRoutes.anonymousMe(on(Switch.ME_AUTH, "optional")));
        assertTrue(AuthRoutes.revokes(Switches.none(), "by-id") && AuthRoutes.revokes(Switches.none(), "others"));
        assertFalse(AuthRoutes.revokes(on(Switch.SESSION_REVOKE, "by-id"), "by-id"));
        assertTrue(AuthRoutes.revokes(on(Switch.SESSION_REVOKE, "by-id"), "others"));
        assertFalse(AuthRoutes.revokes(on(Switch.SESSION_REVOKE, "others"), "others"));
        assertTrue(AuthRoutes.revokes(on(Switch.SESSION_REVOKE, "others"), "by-id"));
    }

    @Test
    void aFailedUnlockStartsABackoffUnlessItIsSwitchedOff() {
        UUID user = UUID.randomUUID();
        MemoryVaultSessionStore store = new MemoryVaultSessionStore(Clock.systemUTC());
        ApiSettings hardened = ApiSettings.fromEnvironment(ApiSettingsTest.env(), Switches.none());
        assertEquals(1000, VaultRoutes.recordFailure(store, user, hardened));
        assertTrue(store.backoffRemainingMs(user) > 0);

        UUID other = UUID.randomUUID();
        ApiSettings off = ApiSettings.fromEnvironment(ApiSettingsTest.env(), on(Switch.VAULT_BACKOFF, "1"));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, VaultRoutes.recordFailure(store, other, off));
        }
        assertEquals(0, store.backoffRemainingMs(other));
    }
}
