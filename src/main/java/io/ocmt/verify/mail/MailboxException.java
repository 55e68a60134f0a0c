package io.ocmt.verify.mail;

import io.ocmt.verify.mail.internal.Failures;
import io.ocmt.verify.report.Redactor;

/**
 * A mailbox could not be read, or the awaited mail did not come. The message passes through the
 * {@link Redactor} here, once, because mail is where magic links live: whatever a caller or a
 * mail server put into it, no token leaves through this exception.
 */
public class MailboxException extends RuntimeException {

    public MailboxException(String message) {
        super(Redactor.text(message));
        this.connectionLost = false;
    }

    private final boolean connectionLost;

    /** The cause is kept as a redacted copy: a stack trace prints every cause's message verbatim. */
    public MailboxException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param connectionLost the server could not be talked to at all (a dropped or refused
     *                       connection), as opposed to an answer that says no; only the former is
     *                       worth another look while waiting for mail
     */
    public MailboxException(String message, Throwable cause, boolean connectionLost) {
        super(Redactor.text(message), Failures.redacted(cause));
        this.connectionLost = connectionLost;
    }

    public boolean connectionLost() {
        return connectionLost;
    }
}
