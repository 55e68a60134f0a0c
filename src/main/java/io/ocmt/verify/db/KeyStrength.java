package io.ocmt.verify.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checklist's ENCRYPTION_KEY rules: exactly 64 hex characters, cryptographically random. The key
 * itself is never part of a message, only what is wrong with it.
 */
public final class KeyStrength {

    private KeyStrength() {
    }

    public static List<String> problems(String key, double minEntropyPerHexChar) {
        List<String> problems = new ArrayList<>();
        if (key == null) {
            return List.of("is not set");
        }
        if (!key.matches("[0-9a-fA-F]{64}")) {
            problems.add("is " + key.length() + " characters long" + (key.matches("[0-9a-fA-F]*") ? "" : " with non-hex characters")
                    + ", expected exactly 64 hex characters (32 bytes)");
            return problems;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        int[] symbols = lower.chars().map(c -> Character.digit(c, 16)).toArray();
        double entropy = Entropy.bitsPerSymbol(symbols, 16);
        if (entropy <= minEntropyPerHexChar) {
            problems.add(String.format(Locale.ROOT, "has %.2f bits of entropy per hex character, expected more than %.2f "
                    + "(random keys have about 3.7)", entropy, minEntropyPerHexChar));
        }
        int period = period(lower);
        if (period < lower.length()) {
            // "0123456789abcdef" four times has full per-character entropy and is still a pattern.
            problems.add("repeats a " + period + "-character pattern");
        }
        int run = longestStep(symbols);
        if (run >= 8) {
            problems.add("contains a run of " + run + " characters counting up or down, or repeating one character");
        }
        return problems;
    }

    /** The shortest p such that the string is a repetition of its first p characters (truncated at the end). */
    static int period(String s) {
        for (int p = 1; p <= s.length() / 2; p++) {
            boolean repeats = true;
            for (int i = p; i < s.length() && repeats; i++) {
                repeats = s.charAt(i) == s.charAt(i - p);
            }
            if (repeats) {
                return p;
            }
        }
        return s.length();
    }

    /** The longest stretch whose consecutive hex digits differ by the same step of -1, 0 or +1. */
    static int longestStep(int[] digits) {
        int best = Math.min(1, digits.length);
        for (int step = -1; step <= 1; step++) {
            int run = 1;
            for (int i = 1; i < digits.length; i++) {
                run = digits[i] - digits[i - 1] == step ? run + 1 : 1;
                best = Math.max(best, run);
            }
        }
        return best;
    }
}
