package io.ocmt.reference.crypto;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokensTest {

    @Test
    void tokensAre64LowerCaseHexAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String t = Tokens.newToken();
            assertTrue(t.matches("[0-9a-f]{64}"), t);
            assertTrue(seen.add(t));
        }
    }

    @Test
    void sha256HexMatchesTheStandardVectors() {
        // FIPS 180-2 test vectors, so the stored form equals Node's createHash("sha256").digest("hex").
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Tokens.sha256Hex("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Tokens.sha256Hex(""));
    }

    @Test
    void hashOfATokenIsNotTheToken() {
        String t = Tokens.newToken();
        String h = Tokens.sha256Hex(t);
        assertTrue(h.matches("[0-9a-f]{64}"));
        assertFalse(h.equals(t));
        assertEquals(h, Tokens.sha256Hex(t));
    }

    @Test
    void constantTimeEqualsComparesValues() {
        assertTrue(Tokens.constantTimeEquals("secret-token", "secret-token"));
        assertFalse(Tokens.constantTimeEquals("secret-token", "secret-tokeN"));
        assertFalse(Tokens.constantTimeEquals("secret-token", "secret-token-longer"));
        assertFalse(Tokens.constantTimeEquals("secret-token", null));
        assertFalse(Tokens.constantTimeEquals(null, "x"));
    }
}
