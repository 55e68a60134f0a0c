package io.ocmt.verify.mail.internal;

import io.ocmt.verify.report.Redactor;

/**
 * Causes from mail libraries and HTTP clients, copied with redacted messages: a stack trace prints
 * every cause's message verbatim, and a mail server's or Mailpit's error may quote the mail.
 */
public final class Failures {

    private static final int MAX_DEPTH = 8;

    private Failures() {
    }

    public static Throwable redacted(Throwable cause) {
        return copy(cause, 0);
    }

    private static Throwable copy(Throwable t, int depth) {
        if (t == null || depth >= MAX_DEPTH) {
            return null;
        }
        // A copy already names its original; naming Redacted in front of that says nothing.
        String message = t instanceof Redacted ? t.getMessage()
                : t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        Redacted copy = new Redacted(message, copy(t.getCause() == t ? null : t.getCause(), depth + 1));
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /** Stands in for the original exception; its message names the original class first. */
    static final class Redacted extends RuntimeException {

        Redacted(String message, Throwable cause) {
            super(Redactor.text(message), cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
