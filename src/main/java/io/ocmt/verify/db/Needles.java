package io.ocmt.verify.db;

import io.ocmt.verify.report.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The forms in which a secret can sit in a database without being "encrypted": as it is, hex
 * encoded, or base64 encoded. Base64 is searched at all three byte alignments, because a secret
 * encoded inside a longer value (a JSON blob, a concatenation) starts at any offset, and only the
 * characters that depend on the secret's bytes alone are searched.
 */
public final class Needles {

    /** One searchable form of one secret. {@link #toString()} never shows the text. */
    public record Needle(String secretLabel, String form, String text, boolean caseInsensitive) {
        @Override
        public String toString() {
            return secretLabel + " (" + form + ")";
        }
    }

    private final List<Needle> needles;

    private Needles(List<Needle> needles) {
        this.needles = List.copyOf(needles);
    }

    public List<Needle> all() {
        return needles;
    }

    /**
     * Every form of {@code secret}, each registered with the {@link Redactor} so that no report shows
     * one even if a database error echoes it.
     *
     * @param label how findings name the secret, e.g. "the integration canary"; never its value
     */
    public static Needles of(String label, String secret) {
        if (secret.length() < 12) {
            // Short needles match by chance in unrelated text; every canary and token is longer.
            throw new IllegalArgumentException("a searched secret must be at least 12 characters long");
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        List<Needle> out = new ArrayList<>();
        out.add(new Needle(label, "as is", secret, false));
        out.add(new Needle(label, "hex", HexFormat.of().formatHex(bytes), true));
        Set<String> seen = new LinkedHashSet<>();
        for (int offset = 0; offset < 3; offset++) {
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String core = base64Core(bytes, offset, encoder);
                if (seen.add(core)) {
                    out.add(new Needle(label, offset == 0 ? "base64" : "base64 at byte offset " + offset, core, false));
                }
            }
        }
        out.forEach(n -> Redactor.registerSecret(n.text()));
        return new Needles(out);
    }

    public Needles and(Needles other) {
        List<Needle> all = new ArrayList<>(needles);
        all.addAll(other.needles);
        return new Needles(all);
    }

    /**
     * The base64 characters of {@code bytes} preceded by {@code offset} unknown bytes that depend on
     * the secret alone: the 4-character groups wholly inside it.
     */
    static String base64Core(byte[] bytes, int offset, Base64.Encoder encoder) {
        byte[] shifted = new byte[offset + bytes.length];
        System.arraycopy(bytes, 0, shifted, offset, bytes.length);
        String encoded = encoder.withoutPadding().encodeToString(shifted);
        int firstGroup = offset == 0 ? 0 : 1;
        int lastGroup = (offset + bytes.length) / 3; // exclusive: a partial last group depends on what follows
        return encoded.substring(firstGroup * 4, Math.max(firstGroup * 4, lastGroup * 4));
    }
}
