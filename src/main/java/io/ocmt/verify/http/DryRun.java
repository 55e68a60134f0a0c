package io.ocmt.verify.http;

import org.opentest4j.TestAbortedException;

/**
 * {@code -Docmt.dryRun=true}: the run lists what it would send, per tag, and sends nothing. No test
 * opens the target (no stack is started), every test is reported not verified ("dry run"), and
 * {@link Http} refuses any request that is tried all the same, so a dry run can never reach the
 * target, whatever a check does.
 *
 * <p>Any value but {@code false} (or none) counts as a dry run, so a mistyped value never sends
 * requests to production; the preflight refuses one that is not {@code true} or {@code false}.
 */
public final class DryRun {

    public static final String PROPERTY = "ocmt.dryRun";
    /** How every test of a dry run ends: skipped, not verified, with this reason. */
    public static final String REASON = "Not verified: dry run (-D" + PROPERTY + "=true): nothing was sent to the target; "
            + "the run printed what it would send instead";

    private DryRun() {
    }

    public static boolean on() {
        String value = System.getProperty(PROPERTY);
        return value != null && !value.strip().equalsIgnoreCase("false");
    }

    /** The value, when it is neither {@code true} nor {@code false} (nor empty, which Maven's bare -D gives as true). */
    public static java.util.Optional<String> invalidValue() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return java.util.Optional.empty();
        }
        String v = value.strip();
        return v.isEmpty() || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") ? java.util.Optional.empty()
                : java.util.Optional.of(value);
    }

    /** A request tried during a dry run: not sent, and the check that tried it not verified. */
    static TestAbortedException notSent(String what) {
        return new TestAbortedException(REASON + " (" + what + " was not sent)");
    }
}
