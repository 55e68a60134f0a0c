package io.ocmt.verify.mail.internal;

import io.ocmt.verify.mail.MailMessage;
import io.ocmt.verify.mail.MailboxConfig;
import io.ocmt.verify.mail.MailboxException;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.search.RecipientStringTerm;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Mail read over IMAP with Jakarta Mail: the INBOX of one account that receives every derived
 * recipient, or (GreenMail) the INBOX of each recipient, logged in to as that recipient.
 * Methods are synchronized because a Jakarta Mail store is one connection.
 */
public final class ImapMailbox extends PollingMailbox {

    /** Per socket operation; a poll must not hang past the caller's timeout on a dead server. */
    private static final int SOCKET_TIMEOUT_MS = 10_000;
    private static final String INBOX = "INBOX";

    private final MailboxConfig config;
    private final String protocol;
    private final Session session;
    /** One connected store per login: a single one, or one per recipient with loginAsRecipient. */
    private final Map<String, Store> stores = new HashMap<>();

    public ImapMailbox(MailboxConfig config, Recipients recipients) {
        super(recipients);
        this.config = config;
        this.protocol = config.tls() ? "imaps" : "imap";
        Properties props = new Properties();
        String p = "mail." + protocol + ".";
        props.setProperty(p + "connectiontimeout", String.valueOf(SOCKET_TIMEOUT_MS));
        props.setProperty(p + "timeout", String.valueOf(SOCKET_TIMEOUT_MS));
        props.setProperty(p + "writetimeout", String.valueOf(SOCKET_TIMEOUT_MS));
        if (config.tls()) {
            props.setProperty(p + "ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(props);
    }

    @Override
    protected synchronized List<MailMessage> find(String recipient) {
        try {
            Folder inbox = inbox(recipient, Folder.READ_ONLY);
            try {
                List<MailMessage> found = new ArrayList<>();
                UIDFolder uids = (UIDFolder) inbox;
                for (Message m : addressedTo(inbox, recipient)) {
                    found.add(toMailMessage(m, uids.getUIDValidity() + ":" + uids.getUID(m), recipient));
                }
                return found;
            } finally {
                closeQuietly(inbox, false);
            }
        } catch (MessagingException | IOException e) {
            throw failure("Cannot read the mail to " + recipient, e);
        }
    }

    @Override
    public synchronized void delete(MailMessage message) {
        String[] parts = message.id().split(":", 2);
        if (parts.length != 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
            throw new IllegalArgumentException("Not a message of an IMAP mailbox: " + message);
        }
        try {
            Folder inbox = inbox(message.recipient(), Folder.READ_WRITE);
            boolean expunge = false;
            try {
                UIDFolder uids = (UIDFolder) inbox;
                // Another UIDVALIDITY means the mailbox was recreated: the message is gone already.
                if (uids.getUIDValidity() == Long.parseLong(parts[0])) {
                    Message m = uids.getMessageByUID(Long.parseLong(parts[1]));
                    if (m != null) {
                        m.setFlag(Flags.Flag.DELETED, true);
                        expunge = true;
                    }
                }
            } finally {
                closeQuietly(inbox, expunge);
            }
        } catch (MessagingException e) {
            throw failure("Cannot delete " + message, e);
        }
    }

    @Override
    public synchronized void deleteAll(String recipient) {
        checkRecipient(recipient);
        try {
            Folder inbox = inbox(recipient, Folder.READ_WRITE);
            List<Message> doomed = List.of();
            try {
                doomed = addressedTo(inbox, recipient);
                for (Message m : doomed) {
                    m.setFlag(Flags.Flag.DELETED, true);
                }
            } finally {
                closeQuietly(inbox, !doomed.isEmpty());
            }
        } catch (MessagingException e) {
            throw failure("Cannot delete the mail to " + recipient, e);
        }
    }

    @Override
    public synchronized void close() {
        for (Store store : stores.values()) {
            try {
                store.close();
            } catch (MessagingException e) {
                // Closing a dead connection: nothing left to release.
            }
        }
        stores.clear();
    }

    @Override
    protected String describe() {
        return "IMAP " + config.host() + ":" + config.port() + (config.tls() ? " over TLS" : "")
                + (config.loginAsRecipient() ? ", INBOX of each recipient" : ", INBOX of " + config.username());
    }

    private Folder inbox(String recipient, int mode) throws MessagingException {
        Folder inbox = store(config.loginAsRecipient() ? recipient : config.username()).getFolder(INBOX);
        // Opened per call, so that each look sees the mail delivered since the last one.
        inbox.open(mode);
        return inbox;
    }

    private Store store(String login) throws MessagingException {
        Store store = stores.get(login);
        if (store != null && store.isConnected()) {
            return store;
        }
        store = session.getStore(protocol);
        // Without a configured password, the login itself: GreenMail gives each mailbox it creates on
        // delivery the address as password, and accepts any password when authentication is off.
        String password = config.password() != null ? config.password() : login;
        store.connect(config.host(), config.port(), login, password);
        stores.put(login, store);
        return store;
    }

    /**
     * The server's search narrows the set (substring semantics, so "a-1@x" also finds "ba-1@x");
     * the exact comparison here decides.
     */
    private static List<Message> addressedTo(Folder inbox, String recipient) throws MessagingException {
        Message[] candidates = inbox.search(new RecipientStringTerm(Message.RecipientType.TO, recipient));
        FetchProfile profile = new FetchProfile();
        profile.add(FetchProfile.Item.ENVELOPE);
        profile.add(UIDFolder.FetchProfileItem.UID);
        inbox.fetch(candidates, profile);
        List<Message> exact = new ArrayList<>();
        for (Message m : candidates) {
            Address[] to = m.getRecipients(Message.RecipientType.TO);
            if (to != null) {
                for (Address a : to) {
                    if (a instanceof InternetAddress ia && recipient.equalsIgnoreCase(ia.getAddress())) {
                        exact.add(m);
                        break;
                    }
                }
            }
        }
        return exact;
    }

    private static MailMessage toMailMessage(Message m, String id, String recipient) throws MessagingException, IOException {
        Address[] from = m.getFrom();
        String sender = from != null && from.length > 0 && from[0] instanceof InternetAddress ia ? ia.getAddress() : "";
        Instant received = m.getReceivedDate() != null ? m.getReceivedDate().toInstant()
                : m.getSentDate() != null ? m.getSentDate().toInstant() : Instant.EPOCH;
        return new MailMessage(id, recipient, sender, m.getSubject(), received, MimeText.of(m));
    }

    private static void closeQuietly(Folder folder, boolean expunge) throws MessagingException {
        if (folder.isOpen()) {
            folder.close(expunge);
        }
    }

    private MailboxException failure(String what, Exception e) {
        // A refused login is the server's answer, and asking again gets the same one.
        boolean connectionLost = !(e instanceof AuthenticationFailedException);
        return new MailboxException(what + " (" + describe() + "): " + e, e, connectionLost);
    }
}
