package io.ocmt.verify.mail.internal;

import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.report.Redactor;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Derives per-run, per-purpose addresses from one base address by plus-addressing. */
public final class Recipients {

    /** RFC 5321's limit; longer local parts are refused by real servers. */
    static final int MAX_LOCAL_PART = 64;
    private static final int RUN_ID_LENGTH = 8;
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String local;
    private final String domain;
    private final String runId;
    private final ConcurrentMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    public Recipients(String baseAddress, String runId) {
        int at = baseAddress.lastIndexOf('@');
        String baseLocal = baseAddress.substring(0, at);
        // A base that already carries a tag keeps it: servers split at the first '+' only.
        this.local = baseLocal + (baseLocal.contains("+") ? "-" : "+") + runId;
        this.domain = baseAddress.substring(at + 1);
        this.runId = runId;
        if (local.length() + "-x-1".length() > MAX_LOCAL_PART) {
            throw new ConfigException("The mail base address '" + Redactor.text(baseAddress) + "' leaves no room for a tag."
                    + " Fix: use a base address with a local part of at most 40 characters.");
        }
    }

    /**
     * Eight base-36 characters (41 bits): parallel runs do not collide, and the id stays short
     * enough to read in a report and far from the long hex the Redactor masks.
     */
    public static String newRunId() {
        StringBuilder id = new StringBuilder(RUN_ID_LENGTH);
        for (int i = 0; i < RUN_ID_LENGTH; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    public String runId() {
        return runId;
    }

    public String next(String purpose) {
        String tag = sanitize(purpose);
        int n = counters.computeIfAbsent(tag, k -> new AtomicInteger()).incrementAndGet();
        String suffix = "-" + n;
        int room = MAX_LOCAL_PART - local.length() - 1 - suffix.length();
        if (tag.length() > room) {
            // Cut, not refused: the run id and counter already make the address unique.
            tag = trimDashes(tag.substring(0, room));
            if (tag.isEmpty()) {
                tag = "x";
            }
        }
        return local + "-" + tag + suffix + "@" + domain;
    }

    private static String sanitize(String purpose) {
        if (purpose == null) {
            throw new IllegalArgumentException("A recipient needs a purpose, such as \"login\"");
        }
        String tag = trimDashes(purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("The purpose '" + Redactor.text(purpose) + "' has no letter or digit");
        }
        return tag;
    }

    private static String trimDashes(String s) {
        return s.replaceAll("^-+|-+$", "");
    }
}
