package io.ocmt.verify.junit;

import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * The one way a check says it could not judge: the test is aborted, and its message starts with
 * "Not verified: ", which the report's categories and the run's verdict read. JUnit's own
 * assumptions prefix "Assumption failed: ", which would hide that.
 */
public final class NotVerified {

    public static final String PREFIX = "Not verified: ";

    private NotVerified() {
    }

    /** Aborts the test as not verified for {@code reason} unless {@code judgeable}. */
    public static void unless(boolean judgeable, Supplier<String> reason) {
        if (!judgeable) {
            throw because(reason.get());
        }
    }

    /** The exception that aborts a test as not verified; the prefix is added where the reason lacks it. */
    public static TestAbortedException because(String reason) {
        String r = reason == null ? "" : reason;
        return new TestAbortedException(r.startsWith(PREFIX) ? r : PREFIX + r);
    }
}
