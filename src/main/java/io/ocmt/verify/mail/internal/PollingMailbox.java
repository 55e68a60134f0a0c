package io.ocmt.verify.mail.internal;

import io.ocmt.verify.mail.MailMessage;
import io.ocmt.verify.mail.Mailbox;
import io.ocmt.verify.mail.MailboxException;
import io.ocmt.verify.report.Redactor;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** What both servers share: recipients, and waiting for mail by looking again every 250 ms. */
public abstract class PollingMailbox implements Mailbox {

    /** Consecutive failed looks at the server before await gives up. */
    private static final int TRIES = 3;

    private final Recipients recipients;
    /** Keys of messages {@link #await} returned, so the next await waits for a newer one. */
    private final Set<String> handedOut = ConcurrentHashMap.newKeySet();

    protected PollingMailbox(Recipients recipients) {
        this.recipients = recipients;
    }

    /** Messages addressed (To) to exactly this recipient, oldest first. */
    protected abstract List<MailMessage> find(String recipient);

    /** The server, for failure messages; never a credential. */
    protected abstract String describe();

    @Override
    public final String newRecipient(String purpose) {
        return recipients.next(purpose);
    }

    @Override
    public final MailMessage await(String recipient, Duration timeout) {
        checkRecipient(recipient);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The timeout must be positive, was " + timeout);
        }
        int[] seenBefore = {0};
        int[] failuresInARow = {0};
        Duration interval = POLL_INTERVAL.compareTo(timeout) < 0 ? POLL_INTERVAL : timeout.dividedBy(2);
        try {
            return Awaitility.await()
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(interval)
                    // The caller's thread: a mail session is not shared across threads, and a failure
                    // to read the server surfaces as itself instead of inside a timeout.
                    .pollInSameThread()
                    .until(() -> {
                        List<MailMessage> all;
                        try {
                            all = find(recipient);
                            failuresInARow[0] = 0;
                        } catch (MailboxException e) {
                            // One dropped connection (GreenMail and busy servers do that) is no
                            // verdict; a server that keeps failing still fails within a second.
                            if (!e.connectionLost()) {
                                throw e;
                            }
                            if (++failuresInARow[0] >= TRIES) {
                                // Names the retries: without them the message reads like one failed look.
                                throw new MailboxException("Gave up waiting for mail to " + recipient
                                        + ": the connection was lost on " + TRIES + " looks in a row, " + interval.toMillis()
                                        + " ms apart. Last: " + e.getMessage(), e, true);
                            }
                            return Optional.<MailMessage>empty();
                        }
                        seenBefore[0] = all.size();
                        return all.stream().filter(m -> !handedOut.contains(key(m))).findFirst();
                    }, Optional::isPresent)
                    .map(m -> {
                        handedOut.add(key(m));
                        return m;
                    })
                    .orElseThrow();
        } catch (ConditionTimeoutException e) {
            String earlier = seenBefore[0] == 0 ? ""
                    : "; " + seenBefore[0] + " earlier message" + (seenBefore[0] == 1 ? " to it was" : "s to it were")
                            + " already returned by await";
            throw new MailboxException("No mail to " + recipient + " arrived within " + human(timeout) + " (" + describe()
                    + ", looked every " + POLL_INTERVAL.toMillis() + " ms" + earlier + ")");
        }
    }

    @Override
    public final List<MailMessage> messages(String recipient) {
        checkRecipient(recipient);
        return List.copyOf(find(recipient));
    }

    protected static void checkRecipient(String recipient) {
        if (recipient == null || !recipient.matches("[^@\\s]+@[^@\\s]+")) {
            throw new IllegalArgumentException("Not a recipient address: '" + Redactor.text(String.valueOf(recipient)) + "'");
        }
    }

    private static String key(MailMessage m) {
        return m.recipient().toLowerCase(Locale.ROOT) + "\n" + m.id();
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
