package io.ocmt.reference.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random bearer tokens and the one-way form in which the database keeps them. */
public final class Tokens {

    /** 32 random bytes, as OCMT's crypto.randomBytes(32).toString("hex"): 64 lower-case hex digits. */
    public static final int TOKEN_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Tokens() {
    }

    public static String newToken() {
        return HEX.formatHex(randomBytes(TOKEN_BYTES));
    }

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** SHA-256 of the token's UTF-8 bytes as 64 lower-case hex digits, as OCMT's hashToken(). */
    public static String sha256Hex(String token) {
        return HEX.formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /**
     * Compares two secrets without leaking through timing where they first differ. Both sides are
     * hashed first so that their lengths do not leak either.
     */
    public static boolean constantTimeEquals(String expected, String presented) {
        if (expected == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected.getBytes(StandardCharsets.UTF_8)),
                sha256(presented.getBytes(StandardCharsets.UTF_8)));
    }
}
