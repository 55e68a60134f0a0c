package io.ocmt.verify.mail;

import java.time.Duration;
import java.util.List;

/**
 * The inbox the target's mail lands in, as a test sees it: a fresh address per purpose, then the
 * mail sent to it. Obtain one with {@link Mailboxes#open(MailboxConfig)}; one instance may be
 * shared by parallel tests.
 */
public interface Mailbox extends AutoCloseable {

    /** Between two looks at the server: quick enough for a test, slow enough not to hammer a shared one. */
    Duration POLL_INTERVAL = Duration.ofMillis(250);

    /**
     * A new address that no other run and no other call of this one uses:
     * {@code <local>+<runId>-<purpose>-<n>@<domain>} from the configured base address. Mail to it
     * can therefore only be the mail this caller caused, even when several runs share an account.
     *
     * @param purpose a short word such as "login"; lower-cased, anything but letters and digits
     *                becomes '-'
     */
    String newRecipient(String purpose);

    /**
     * Waits until a message addressed (To) to exactly this recipient is there and returns the oldest
     * one that no earlier {@code await} of this mailbox returned, so that awaiting again after a
     * second request yields the second mail, not the first one again.
     *
     * @throws MailboxException after {@code timeout} without such a message (naming the recipient
     *                          and the timeout), or as soon as the server cannot be read
     */
    MailMessage await(String recipient, Duration timeout);

    /** The messages to this recipient that are there now, oldest first; does not wait. */
    List<MailMessage> messages(String recipient);

    /** Removes the message from the server; a message that is already gone is no error. */
    void delete(MailMessage message);

    /** Removes every message to exactly this recipient, and nothing else. */
    void deleteAll(String recipient);

    @Override
    void close();
}
