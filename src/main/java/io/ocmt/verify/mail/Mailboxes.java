package io.ocmt.verify.mail;

import io.ocmt.verify.mail.internal.ImapMailbox;
import io.ocmt.verify.mail.internal.MailpitMailbox;
import io.ocmt.verify.mail.internal.Recipients;
import io.ocmt.verify.report.Redactor;

/** Opens the mailbox an environment's configuration names. */
public final class Mailboxes {

    private Mailboxes() {
    }

    /**
     * A mailbox with a fresh run id, so its {@link Mailbox#newRecipient(String) recipients} differ
     * from those of every other run reading the same account. Connects lazily: a wrong password or
     * an unreachable server shows on first use, as a {@link MailboxException}.
     */
    public static Mailbox open(MailboxConfig config) {
        // A password that did not come through the environment's Secrets is still never printed.
        Redactor.registerSecret(config.password());
        Recipients recipients = new Recipients(config.baseAddress(), Recipients.newRunId());
        return MailboxConfig.IMAP.equals(config.type())
                ? new ImapMailbox(config, recipients)
                : new MailpitMailbox(config, recipients);
    }
}
