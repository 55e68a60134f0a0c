package io.ocmt.verify.mail.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;

/** The text a reader sees in a MIME message: its plain-text part, else its HTML part as text. */
final class MimeText {

    private String plain;
    private String html;

    private MimeText() {
    }

    static String of(Part message) throws MessagingException, IOException {
        MimeText found = new MimeText();
        found.walk(message);
        if (found.plain != null && !found.plain.isBlank()) {
            return found.plain;
        }
        return found.html != null ? BodyText.fromHtml(found.html) : "";
    }

    /** The first inline text part of each kind wins: later ones are quoted mail or alternatives. */
    private void walk(Part part) throws MessagingException, IOException {
        if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            return;
        }
        if (part.isMimeType("text/plain")) {
            plain = plain != null ? plain : content(part);
        } else if (part.isMimeType("text/html")) {
            html = html != null ? html : content(part);
        } else if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                walk(multipart.getBodyPart(i));
            }
        }
    }

    private static String content(Part part) throws MessagingException, IOException {
        try {
            Object content = part.getContent();
            if (content instanceof String s) {
                return s;
            }
        } catch (UnsupportedEncodingException e) {
            // A charset the JVM lacks: the bytes as UTF-8 still show an ASCII link correctly.
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
