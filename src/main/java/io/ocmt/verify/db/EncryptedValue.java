package io.ocmt.verify.db;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server-side secret as OCMT stores it: {@code v<version>:<iv b64>:<tag b64>:<ciphertext b64>},
 * AES-256-GCM under ENCRYPTION_KEY. Judging one needs no key: the shape, the lengths and the
 * entropy of the ciphertext tell an encrypted value from a plaintext one.
 */
public record EncryptedValue(int version, byte[] iv, byte[] tag, byte[] ciphertext) {

    private static final Pattern FORMAT = Pattern.compile(
            "v([0-9]{1,3}):([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2})");

    /** The parsed value, or empty when {@code stored} is not in the versioned format at all. */
    public static Optional<EncryptedValue> parse(String stored) {
        if (stored == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(stored);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Base64.Decoder d = Base64.getDecoder();
            return Optional.of(new EncryptedValue(Integer.parseInt(m.group(1)), d.decode(m.group(2)), d.decode(m.group(3)),
                    d.decode(m.group(4))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * What is wrong with {@code stored} as an encrypted value, in words without the value itself;
     * empty when it is in the format with the policy's lengths and a random-looking ciphertext.
     *
     * @param plaintextLength the length the ciphertext must have (GCM adds none), or -1 when unknown
     */
    public static List<String> problems(String stored, int ivBytes, int tagBytes, double minEntropyRatio, int plaintextLength) {
        Optional<EncryptedValue> parsed = parse(stored);
        if (parsed.isEmpty()) {
            return List.of("is not in the format v<n>:<iv b64>:<tag b64>:<ciphertext b64> (" + describeShape(stored) + ")");
        }
        EncryptedValue v = parsed.get();
        List<String> problems = new ArrayList<>();
        if (v.iv.length != ivBytes) {
            problems.add("has a " + v.iv.length + "-byte IV, expected " + ivBytes);
        }
        if (v.tag.length != tagBytes) {
            problems.add("has a " + v.tag.length + "-byte tag, expected " + tagBytes);
        }
        if (plaintextLength >= 0 && v.ciphertext.length != plaintextLength) {
            problems.add("has a " + v.ciphertext.length + "-byte ciphertext for a " + plaintextLength
                    + "-byte secret (AES-GCM keeps the length)");
        }
        if (v.ciphertext.length >= 16) {
            double ratio = Entropy.ratio(v.ciphertext);
            if (ratio < minEntropyRatio) {
                problems.add(String.format(java.util.Locale.ROOT,
                        "has a low-entropy ciphertext (%.2f of the most its length allows, expected at least %.2f)", ratio, minEntropyRatio));
            }
        }
        return problems;
    }

    /** A value's shape without its content: length and character classes, safe for a report. */
    public static String describeShape(String stored) {
        if (stored == null) {
            return "null";
        }
        boolean hex = stored.matches("[0-9a-fA-F:]+");
        long colons = stored.chars().filter(c -> c == ':').count();
        return stored.length() + " characters, " + colons + " colon" + (colons == 1 ? "" : "s")
                + (hex ? ", hex digits only" : "") + (stored.startsWith("v") ? "" : ", no v<n>: prefix");
    }
}
