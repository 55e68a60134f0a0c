package io.ocmt.reference.api;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends login links over SMTP, in the background: the login answer must not wait for (or reveal
 * anything through the timing of) mail delivery. Logs never carry the link.
 */
final class Mailer implements AutoCloseable {

    static final String SUBJECT = "Your OCMT login link";

    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);

    private final Session session;
    private final InternetAddress from;
    private final long ttlMinutes;
    private final ThreadPoolExecutor executor;

    Mailer(String host, int port, String from, long linkTtlMs) {
        this.ttlMinutes = Math.max(1, linkTtlMs / 60_000);
        if (host == null) {
            this.session = null;
            this.from = null;
            this.executor = null;
            return;
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.smtp.writetimeout", "10000");
        this.session = Session.getInstance(props);
        try {
            this.from = new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new io.ocmt.reference.ConfigurationException("MAIL_FROM is not a mail address: " + from);
        }
        // Bounded, so a flood of login requests cannot queue unbounded memory behind a slow mail server.
        this.executor = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000),
                r -> {
                    Thread t = new Thread(r, "mailer");
                    t.setDaemon(true);
                    return t;
                },
                (r, pool) -> LOG.warn("Mail queue full; a login link was dropped"));
    }

    void sendLoginLink(String to, String link) {
        if (executor == null) {
            LOG.warn("SMTP_HOST is not set; a login link could not be sent");
            return;
        }
        executor.execute(() -> {
            try {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(from);
                message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
                message.setSubject(SUBJECT, "UTF-8");
                message.setText("Click the link below to sign in to OCMT. It expires in " + ttlMinutes
                        + " minutes and works once.\r\n\r\n" + link + "\r\n\r\n"
                        + "If you didn't request this email, you can safely ignore it.\r\n", "UTF-8");
                Transport.send(message);
                LOG.info("Login link mailed");
            } catch (MessagingException | RuntimeException e) {
                LOG.warn("Could not mail a login link: {}", e.getClass().getSimpleName());
            }
        });
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown();
        }
    }
}
