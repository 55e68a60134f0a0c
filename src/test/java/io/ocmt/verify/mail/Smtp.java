package io.ocmt.verify.mail;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Properties;

/** Sends test mail the way a deployment does: Jakarta Mail over SMTP, here to GreenMail on loopback. */
final class Smtp {

    static final String SENDER = "no-reply@ocmt.test";

    private final Session session;

    Smtp(int port) {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", "127.0.0.1");
        props.setProperty("mail.smtp.port", String.valueOf(port));
        props.setProperty("mail.smtp.connectiontimeout", "5000");
        props.setProperty("mail.smtp.timeout", "5000");
        session = Session.getInstance(props);
    }

    void text(String to, String subject, String body) throws MessagingException {
        MimeMessage m = message(to, subject);
        m.setText(body, "UTF-8");
        Transport.send(m);
    }

    void html(String to, String subject, String html) throws MessagingException {
        MimeMessage m = message(to, subject);
        m.setContent(html, "text/html; charset=UTF-8");
        Transport.send(m);
    }

    void alternative(String to, String subject, String text, String html) throws MessagingException {
        MimeMessage m = message(to, subject);
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setContent(html, "text/html; charset=UTF-8");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);
        m.setContent(alternative);
        Transport.send(m);
    }

    /** To: header {@code to}, delivered to {@code envelope}: how a catch-all account receives mail for many addresses. */
    void textVia(String envelope, String to, String subject, String body) throws MessagingException {
        MimeMessage m = message(to, subject);
        m.setText(body, "UTF-8");
        Transport.send(m, new Address[] {new InternetAddress(envelope)});
    }

    private MimeMessage message(String to, String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(SENDER, false));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject(subject, "UTF-8");
        return m;
    }
}
