package io.ocmt.verify.mail;

import io.ocmt.verify.mail.internal.BodyText;
import io.ocmt.verify.report.Redactor;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One received mail, reduced to what the checks read.
 *
 * @param id        the server's handle for {@link Mailbox#delete(MailMessage)}; meaningful only to
 *                  the mailbox that returned it
 * @param recipient the address the message was looked up by
 * @param from      the sender's bare address, or "" when the mail has none
 * @param received  when the server received it (the Date header when the server keeps no time)
 * @param text      the plain-text body, or the HTML body turned into text with each link's URL
 *                  kept next to its label; it holds the magic link, so never print it
 */
public record MailMessage(String id, String recipient, String from, String subject, Instant received, String text) {

    public MailMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(recipient, "recipient");
        from = from == null ? "" : from;
        subject = subject == null ? "" : subject;
        Objects.requireNonNull(received, "received");
        text = text == null ? "" : text;
    }

    /** Every distinct http(s) URL in the body, in order of appearance. */
    public List<URI> links() {
        return BodyText.links(text);
    }

    /** Without the body: the body is where the magic link is, and records print every component. */
    @Override
    public String toString() {
        return "MailMessage[id=" + Redactor.text(id) + ", to=" + Redactor.text(recipient) + ", from=" + Redactor.text(from)
                + ", subject=" + Redactor.text(subject) + ", received=" + received + ", text=" + text.length() + " chars, "
                + links().size() + " links]";
    }
}
