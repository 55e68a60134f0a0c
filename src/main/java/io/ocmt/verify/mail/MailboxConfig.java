package io.ocmt.verify.mail;

import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.report.Redactor;
import java.net.URI;
import java.util.Locale;

/**
 * Where an environment's mail is read.
 *
 * @param type             "imap" or "mailpit"
 * @param host             IMAP server (type imap)
 * @param port             IMAP port (type imap): 993 with {@code tls}, 143 or GreenMail's 3143 without
 * @param tls              IMAP over implicit TLS, with the JVM's trust and host-name checking
 * @param username         IMAP account (ignored with {@code loginAsRecipient}), or Mailpit's basic-auth user; may be null
 * @param password         already resolved from the environment's secrets; may be null where the server needs none
 * @param baseAddress      the address recipients are derived from by plus-addressing, e.g. {@code qa@mail.ocmt.test}
 * @param mailpitUrl       Mailpit's web root, e.g. {@code http://localhost:8025} (type mailpit)
 * @param loginAsRecipient log in to IMAP as each recipient address instead of {@code username}: GreenMail,
 *                         the reference stack's server, keeps one mailbox per recipient and, with
 *                         authentication disabled, accepts any password for it
 */
public record MailboxConfig(
        String type,
        String host,
        int port,
        boolean tls,
        String username,
        String password,
        String baseAddress,
        String mailpitUrl,
        boolean loginAsRecipient) {

    public static final String IMAP = "imap";
    public static final String MAILPIT = "mailpit";

    public MailboxConfig {
        type = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
        if (!type.equals(IMAP) && !type.equals(MAILPIT)) {
            throw new ConfigException("Unknown mailbox type '" + Redactor.text(type) + "'. Fix: set the mail type to '"
                    + IMAP + "' or '" + MAILPIT + "'.");
        }
        if (baseAddress == null || !baseAddress.matches("[^@\\s]+@[^@\\s]+")) {
            throw new ConfigException("The mail base address '" + Redactor.text(String.valueOf(baseAddress))
                    + "' is not an address. Fix: set it to the account recipients are derived from, e.g. qa@mail.example.");
        }
        if (type.equals(IMAP)) {
            if (host == null || host.isBlank()) {
                throw new ConfigException("The IMAP mailbox has no host. Fix: set the mail host.");
            }
            if (port < 1 || port > 65535) {
                throw new ConfigException("The IMAP port " + port + " is out of range. Fix: set the mail port (993 for TLS).");
            }
            if (!loginAsRecipient && (username == null || username.isBlank() || password == null)) {
                throw new ConfigException("The IMAP mailbox needs a username and a password unless it logs in as each recipient."
                        + " Fix: set the mail username and password secret, or loginAsRecipient for GreenMail.");
            }
        } else {
            URI url = parse(mailpitUrl);
            if (url == null || url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                throw new ConfigException("The Mailpit URL '" + shown(mailpitUrl)
                        + "' is not an http(s) URL. Fix: set it to Mailpit's web root, e.g. http://localhost:8025.");
            }
            if (url.getRawUserInfo() != null) {
                // The URL is printed in every failure message; credentials there would be printed too.
                throw new ConfigException("The Mailpit URL '" + shown(mailpitUrl) + "' carries credentials."
                        + " Fix: give them as the mail username and password secret instead.");
            }
        }
    }

    /** User-info masked: the Redactor knows query tokens, not credentials in an authority. */
    private static String shown(String url) {
        return Redactor.url(String.valueOf(url).replaceFirst("(//)[^/@?#]*@", "$1" + Redactor.MASK + "@"));
    }

    /** Null for anything unparsable: URI's own message would quote the URL, user-info and all. */
    private static URI parse(String url) {
        try {
            return url == null ? null : new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** An IMAP account that receives the mail of every derived recipient (a catch-all or plus-addressing mailbox). */
    public static MailboxConfig imap(String host, int port, boolean tls, String username, String password, String baseAddress) {
        return new MailboxConfig(IMAP, host, port, tls, username, password, baseAddress, null, false);
    }

    /** IMAP with one mailbox per recipient, logged in to as that recipient: GreenMail. */
    public static MailboxConfig imapPerRecipient(String host, int port, boolean tls, String baseAddress) {
        return new MailboxConfig(IMAP, host, port, tls, null, null, baseAddress, null, true);
    }

    public static MailboxConfig mailpit(String mailpitUrl, String baseAddress) {
        return new MailboxConfig(MAILPIT, null, 0, false, null, null, baseAddress, mailpitUrl, false);
    }

    /** The same configuration with Mailpit's basic-auth credentials. */
    public MailboxConfig withCredentials(String username, String password) {
        return new MailboxConfig(type, host, port, tls, username, password, baseAddress, mailpitUrl, loginAsRecipient);
    }

    /** Never the password: configurations end up in logs and failure messages. */
    @Override
    public String toString() {
        return "MailboxConfig[type=" + type + ", host=" + host + ", port=" + port + ", tls=" + tls + ", username="
                + Redactor.text(username) + ", password=" + (password == null ? "none" : Redactor.MASK) + ", baseAddress="
                + Redactor.text(baseAddress) + ", mailpitUrl=" + (mailpitUrl == null ? null : shown(mailpitUrl)) + ", loginAsRecipient="
                + loginAsRecipient + "]";
    }
}
