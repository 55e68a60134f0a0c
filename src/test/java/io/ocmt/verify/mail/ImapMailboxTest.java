package io.ocmt.verify.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against GreenMail as the reference stack runs it: authentication off, one mailbox per recipient. */
class ImapMailboxTest {

    private static final String TOKEN = "9b1f0c2d3e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c";
    private static final String UI = "https://app.ocmt.test";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort()})
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());

    private Smtp smtp;
    private Mailbox mailbox;

    @BeforeEach
    void open() {
        smtp = new Smtp(GREENMAIL.getSmtp().getPort());
        mailbox = Mailboxes.open(MailboxConfig.imapPerRecipient("127.0.0.1", GREENMAIL.getImap().getPort(), false, "qa@ocmt.test"));
    }

    @AfterEach
    void close() {
        mailbox.close();
    }

    @Test
    void awaitReturnsTheMailOfItsExactRecipientAmongOthers() throws Exception {
        String alice = mailbox.newRecipient("login");
        String bob = mailbox.newRecipient("login");
        String carol = mailbox.newRecipient("invite");
        smtp.text(alice, "for alice", "hello alice");
        smtp.text(carol, "for carol", "hello carol");
        smtp.text(bob, "for bob", "hello bob");

        MailMessage mail = mailbox.await(bob, WAIT);

        assertThat(mail.recipient()).isEqualTo(bob);
        assertThat(mail.subject()).isEqualTo("for bob");
        assertThat(mail.text()).isEqualTo("hello bob");
        assertThat(mail.from()).isEqualTo(Smtp.SENDER);
        assertThat(mailbox.messages(alice)).extracting(MailMessage::subject).containsExactly("for alice");
    }

    @Test
    void aSharedAccountSeesOnlyMailWhoseToIsExactlyTheRecipient() throws Exception {
        String catchAll = "catch-all@ocmt.test";
        try (Mailbox shared = Mailboxes.open(MailboxConfig.imap("127.0.0.1", GREENMAIL.getImap().getPort(), false,
                catchAll, catchAll, "qa@ocmt.test"))) {
            String wanted = shared.newRecipient("login");
            // IMAP SEARCH TO is a substring match: both of these contain the wanted address.
            smtp.textVia(catchAll, "x" + wanted, "longer local part", "not yours");
            smtp.textVia(catchAll, wanted + ".example", "longer domain", "not yours either");
            smtp.textVia(catchAll, wanted, "yours", "yours");

            assertThat(shared.await(wanted, WAIT).subject()).isEqualTo("yours");
            assertThat(shared.messages(wanted)).hasSize(1);
        }
    }

    @Test
    void successiveAwaitsReturnSuccessiveMails() throws Exception {
        String r = mailbox.newRecipient("login");
        smtp.text(r, "first", "one");
        assertThat(mailbox.await(r, WAIT).subject()).isEqualTo("first");

        smtp.text(r, "second", "two");
        assertThat(mailbox.await(r, WAIT).subject()).isEqualTo("second");
    }

    @Test
    void awaitTimesOutNamingTheRecipientAndTheTimeout() throws Exception {
        String silent = mailbox.newRecipient("nothing");
        smtp.text(mailbox.newRecipient("nothing"), "to someone else", "x");

        long start = System.nanoTime();
        assertThatThrownBy(() -> mailbox.await(silent, Duration.ofMillis(800)))
                .isInstanceOf(MailboxException.class)
                .hasMessageContaining("No mail to " + silent)
                .hasMessageContaining("within 800 ms")
                .hasMessageContaining("IMAP 127.0.0.1:" + GREENMAIL.getImap().getPort());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void deleteRemovesOneMessageAndDeleteAllTheRest() throws Exception {
        String r = mailbox.newRecipient("login");
        String other = mailbox.newRecipient("login");
        smtp.text(r, "first", "one");
        smtp.text(r, "second", "two");
        smtp.text(r, "third", "three");
        smtp.text(other, "other", "keep me");
        MailMessage first = mailbox.await(r, WAIT);
        mailbox.await(other, WAIT);

        mailbox.delete(first);
        mailbox.delete(first); // already gone: no error
        assertThat(mailbox.messages(r)).extracting(MailMessage::subject).containsExactly("second", "third");

        mailbox.deleteAll(r);
        assertThat(mailbox.messages(r)).isEmpty();
        assertThat(mailbox.messages(other)).extracting(MailMessage::subject).containsExactly("other");
    }

    @Test
    void linksAreExtractedFromAPlainTextBody() throws Exception {
        String r = mailbox.newRecipient("login");
        smtp.text(r, "Sign in to OCMT", "Hi,\n\nSign in: " + UI + "/verify?token=" + TOKEN + ".\n"
                + "Help: <https://docs.ocmt.test/login>, or http://status.ocmt.test/.\n"
                + "Again: " + UI + "/verify?token=" + TOKEN + "\n");

        MailMessage mail = mailbox.await(r, WAIT);

        assertThat(mail.links()).containsExactly(
                URI.create(UI + "/verify?token=" + TOKEN),
                URI.create("https://docs.ocmt.test/login"),
                URI.create("http://status.ocmt.test/"));
        MagicLink link = MagicLink.from(mail, UI + MagicLink.DEFAULT_PATH);
        assertThat(link.token()).isEqualTo(TOKEN);
        assertThat(link.uri()).isEqualTo(URI.create(UI + "/verify?token=" + TOKEN));
    }

    @Test
    void anHtmlOnlyMailBecomesTextThatKeepsItsLinks() throws Exception {
        String r = mailbox.newRecipient("login");
        smtp.html(r, "Sign in", "<!DOCTYPE html><html><head><title>x</title><style>p{color:red}</style></head><body>"
                + "<p>Hello&nbsp;there &amp; welcome,</p>"
                + "<p><a class=\"btn\" href=\"" + UI + "/verify?token=" + TOKEN + "&amp;next=%2Fhome\"><b>Sign in</b></a></p>"
                + "<p>Expires in 15&#160;minutes.<br>Questions? <a href='https://docs.ocmt.test/help'>https://docs.ocmt.test/help</a></p>"
                + "</body></html>");

        MailMessage mail = mailbox.await(r, WAIT);

        assertThat(mail.text()).isEqualTo("Hello there & welcome,\n"
                + "Sign in (" + UI + "/verify?token=" + TOKEN + "&next=%2Fhome)\n"
                + "Expires in 15 minutes.\n"
                + "Questions? https://docs.ocmt.test/help");
        assertThat(mail.links()).containsExactly(
                URI.create(UI + "/verify?token=" + TOKEN + "&next=%2Fhome"), URI.create("https://docs.ocmt.test/help"));
        assertThat(MagicLink.from(mail, UI + "/verify").token()).isEqualTo(TOKEN);
    }

    @Test
    void aMultipartMailIsReadFromItsPlainTextPart() throws Exception {
        String r = mailbox.newRecipient("login");
        smtp.alternative(r, "Sign in", "Plain: " + UI + "/verify?token=" + TOKEN, "<p>Rich: <a href=\"" + UI + "/other\">x</a></p>");

        MailMessage mail = mailbox.await(r, WAIT);

        assertThat(mail.text()).isEqualTo("Plain: " + UI + "/verify?token=" + TOKEN);
        assertThat(mail.links()).containsExactly(URI.create(UI + "/verify?token=" + TOKEN));
    }

    @Test
    void aServerThatIsGoneFailsAtOnceWithoutWaitingForTheTimeout() {
        int port = GREENMAIL.getImap().getPort();
        GREENMAIL.stop();
        try (Mailbox dead = Mailboxes.open(MailboxConfig.imapPerRecipient("127.0.0.1", port, false, "qa@ocmt.test"))) {
            String r = dead.newRecipient("login");
            long start = System.nanoTime();
            assertThatThrownBy(() -> dead.await(r, Duration.ofSeconds(30)))
                    .isInstanceOf(MailboxException.class)
                    .hasMessageContaining("the connection was lost on 3 looks in a row")
                    .hasMessageContaining("Cannot read the mail to " + r)
                    .hasMessageContaining("IMAP 127.0.0.1:" + port);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aRefusedLoginIsAnAnswerNotALostConnection() {
        GreenMail strict = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        strict.start();
        try (Mailbox wrongPassword = Mailboxes.open(MailboxConfig.imap("127.0.0.1", strict.getImap().getPort(), false,
                "catch-all@ocmt.test", "not-the-password", "qa@ocmt.test"))) {
            strict.setUser("catch-all@ocmt.test", "catch-all@ocmt.test", "the-password");
            String r = wrongPassword.newRecipient("login");

            assertThatThrownBy(() -> wrongPassword.await(r, Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(MailboxException.class, e -> assertThat(e.connectionLost()).isFalse())
                    .hasMessageStartingWith("Cannot read the mail to " + r)
                    .hasMessageContaining("AuthenticationFailedException");
        } finally {
            strict.stop();
        }
    }

    @Test
    void recipientsArePlusAddressedPerRunAndPurpose() {
        String a = mailbox.newRecipient("login");
        String b = mailbox.newRecipient("login");
        String c = mailbox.newRecipient("Vault Recovery!");
        assertThat(a).matches("qa\\+[0-9a-z]{8}-login-1@ocmt\\.test");
        assertThat(b).matches("qa\\+[0-9a-z]{8}-login-2@ocmt\\.test");
        assertThat(c).matches("qa\\+[0-9a-z]{8}-vault-recovery-1@ocmt\\.test");
        String runId = a.substring(3, 11);
        assertThat(b).contains(runId);
        try (Mailbox otherRun = Mailboxes.open(MailboxConfig.imapPerRecipient("127.0.0.1", 1, false, "qa@ocmt.test"))) {
            assertThat(otherRun.newRecipient("login")).doesNotContain(runId);
        }
        assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
    }
}
