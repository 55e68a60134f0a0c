package io.ocmt.verify.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MailpitMailboxTest {

    private static final String TOKEN = "0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeMailpit mailpit;
    private Mailbox mailbox;

    @BeforeEach
    void start() throws IOException {
        mailpit = new FakeMailpit();
        mailbox = Mailboxes.open(MailboxConfig.mailpit(mailpit.url(), "qa@ocmt.test"));
    }

    @AfterEach
    void stop() {
        mailbox.close();
        mailpit.close();
    }

    @Test
    void awaitReturnsOnlyMailWhoseToIsExactlyTheRecipient() {
        String wanted = mailbox.newRecipient("login");
        // Each of these contains the wanted address, so Mailpit's to: search returns them all.
        mailpit.add("x" + wanted, "longer local part", "no", "", 1);
        mailpit.add(wanted + ".example", "longer domain", "no", "", 1);
        mailpit.add(wanted, "someone@elsewhere.test", "named like it", "no", "", 1);
        mailpit.add(wanted.toUpperCase(), "yours", "Sign in: https://app.ocmt.test/verify?token=" + TOKEN, "", 1);

        MailMessage mail = mailbox.await(wanted, WAIT);

        assertThat(mail.subject()).isEqualTo("yours");
        assertThat(mail.recipient()).isEqualTo(wanted);
        assertThat(mail.from()).isEqualTo("no-reply@ocmt.test");
        assertThat(mail.links()).containsExactly(URI.create("https://app.ocmt.test/verify?token=" + TOKEN));
        assertThat(mailbox.messages(wanted)).hasSize(1);
        assertThat(decoded(mailpit.requests.get(0))).startsWith("GET /api/v1/search?query=to:\"" + wanted + "\"&start=0&limit=");
    }

    @Test
    void mailThatArrivesWhileWaitingIsFound() {
        String r = mailbox.newRecipient("login");
        mailpit.add(r, "late", "here now", "", 3);

        assertThat(mailbox.await(r, WAIT).subject()).isEqualTo("late");
        assertThat(mailpit.searches()).isEqualTo(3);
    }

    @Test
    void successiveAwaitsReturnMailInArrivalOrder() {
        String r = mailbox.newRecipient("login");
        mailpit.add(r, "first", "1", "", 1);
        mailpit.add(r, "second", "2", "", 1);

        assertThat(mailbox.await(r, WAIT).subject()).isEqualTo("first");
        assertThat(mailbox.await(r, WAIT).subject()).isEqualTo("second");
        assertThatThrownBy(() -> mailbox.await(r, Duration.ofMillis(600)))
                .isInstanceOf(MailboxException.class)
                .hasMessageContaining("2 earlier messages to it were already returned by await");
    }

    @Test
    void awaitTimesOutNamingTheRecipientAndTheTimeout() {
        String r = mailbox.newRecipient("login");
        mailpit.add(mailbox.newRecipient("login"), "not this one", "x", "", 1);

        assertThatThrownBy(() -> mailbox.await(r, Duration.ofMillis(700)))
                .isInstanceOf(MailboxException.class)
                .hasMessage("No mail to " + r + " arrived within 700 ms (Mailpit at " + mailpit.url() + ", looked every 250 ms)");
        // First look at once, then every 250 ms: a handful of searches, not a busy loop.
        assertThat(mailpit.searches()).isBetween(2, 5);
    }

    @Test
    void anHtmlOnlyMailBecomesText() {
        String r = mailbox.newRecipient("login");
        mailpit.add(r, "html", "", "<p>Hi,</p><p><a href=\"https://app.ocmt.test/verify?token=" + TOKEN + "\">Sign in</a></p>", 1);

        MailMessage mail = mailbox.await(r, WAIT);

        assertThat(mail.text()).isEqualTo("Hi,\nSign in (https://app.ocmt.test/verify?token=" + TOKEN + ")");
        assertThat(MagicLink.from(mail, "https://app.ocmt.test/verify").token()).isEqualTo(TOKEN);
    }

    @Test
    void deleteSendsOnlyItsOwnIdAndDeleteAllNeverAnEmptyList() {
        String r = mailbox.newRecipient("login");
        String other = mailbox.newRecipient("login");
        mailpit.add(r, "one", "1", "", 1);
        mailpit.add(r, "two", "2", "", 1);
        FakeMailpit.Stored foreign = mailpit.add("x" + r, "substring match", "3", "", 1);
        mailpit.add(other, "other", "4", "", 1);
        MailMessage one = mailbox.await(r, WAIT);

        mailbox.delete(one);
        assertThat(mailpit.requests).contains("DELETE /api/v1/messages {\"IDs\":[\"" + one.id() + "\"]}");
        assertThat(mailbox.messages(r)).extracting(MailMessage::subject).containsExactly("two");

        mailbox.deleteAll(r);
        assertThat(mailbox.messages(r)).isEmpty();
        assertThat(mailpit.stored()).contains(foreign).hasSize(2);

        // Mailpit empties the whole store for an empty ID list; with nothing to delete, nothing is sent.
        int before = mailpit.requests.size();
        mailbox.deleteAll(r);
        assertThat(mailpit.requests.subList(before, mailpit.requests.size())).noneMatch(req -> req.startsWith("DELETE"));
        assertThat(mailpit.stored()).hasSize(2);
    }

    @Test
    void searchResultsArePagedThrough() {
        String r = mailbox.newRecipient("login");
        for (int i = 0; i < 60; i++) {
            mailpit.add("x" + i + r, "noise " + i, "no", "", 1);
        }
        mailpit.add(r, "yours", "yes", "", 1);
        for (int i = 0; i < 60; i++) {
            mailpit.add("y" + i + r, "newer noise " + i, "no", "", 1);
        }

        assertThat(mailbox.await(r, WAIT).subject()).isEqualTo("yours");
        assertThat(mailpit.requests).anyMatch(req -> req.contains("start=50&"));
    }

    @Test
    void basicAuthIsSentWhenConfigured() {
        mailpit.requireBasicAuth("Basic " + Base64.getEncoder().encodeToString("ocmt:Mailpit-Pass-7f".getBytes(StandardCharsets.UTF_8)));
        String r = mailbox.newRecipient("login");
        mailpit.add(r, "yours", "yes", "", 1);

        assertThatThrownBy(() -> mailbox.messages(r))
                .isInstanceOf(MailboxException.class)
                .hasMessageContaining("answered 401")
                .hasMessageContaining("set the Mailpit username and password");
        try (Mailbox authed = Mailboxes.open(MailboxConfig.mailpit(mailpit.url(), "qa@ocmt.test").withCredentials("ocmt", "Mailpit-Pass-7f"))) {
            assertThat(authed.messages(r)).extracting(MailMessage::subject).containsExactly("yours");
        }
    }

    @Test
    void aServerErrorFailsAtOnceWithoutWaitingForTheTimeout() {
        mailpit.answerAll(ex -> new String[] {"500", "text/plain", "database is locked"});
        String r = mailbox.newRecipient("login");

        assertThatThrownBy(() -> mailbox.await(r, Duration.ofSeconds(30)))
                .isInstanceOf(MailboxException.class)
                .hasMessageStartingWith("Mailpit at " + mailpit.url() + " answered 500 to GET /api/v1/search?query=")
                .hasMessageEndingWith(": database is locked");
        assertThat(mailpit.searches()).isZero();
        assertThat(mailpit.requests).hasSize(1);
    }

    @Test
    void aMailpitThatIsGoneGetsThreeLooksThenTheWaitEndsSayingSo() throws IOException {
        FakeMailpit gone = new FakeMailpit();
        String url = gone.url();
        gone.close();
        try (Mailbox dead = Mailboxes.open(MailboxConfig.mailpit(url, "qa@ocmt.test"))) {
            String r = dead.newRecipient("login");
            long start = System.nanoTime();
            assertThatThrownBy(() -> dead.await(r, Duration.ofSeconds(30)))
                    .isInstanceOf(MailboxException.class)
                    .hasMessageStartingWith("Gave up waiting for mail to " + r + ": the connection was lost on 3 looks in a row")
                    .hasMessageContaining("Last: Cannot reach Mailpit at " + url + " for GET /api/v1/search");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void recordedMailpitResponsesAreRead() {
        String recipient = "qa+k3j9x0aa-login-1@ocmt.test";
        mailpit.answerAll(ex -> new String[] {"200", "application/json",
                resource(ex.getRequestURI().getPath().startsWith("/api/v1/search") ? "search.json" : "message.json")});

        MailMessage mail = mailbox.await(recipient, WAIT);

        assertThat(mail.id()).isEqualTo("PZoFtn3RyNTiXbFVXJ25bk");
        assertThat(mail.from()).isEqualTo("no-reply@ocmt.test");
        assertThat(mail.subject()).isEqualTo("Your OCMT sign-in link");
        assertThat(mail.received()).isEqualTo(Instant.parse("2026-03-05T10:15:00.123456789Z"));
        assertThat(mail.text()).startsWith("Sign in to OCMT\nClick the link below");
        assertThat(mailbox.messages(recipient)).hasSize(1);
        MagicLink link = MagicLink.from(mail, "https://app.ocmt.test" + MagicLink.DEFAULT_PATH);
        assertThat(link.token()).isEqualTo("4c1d9e2f7a6b5c3d8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d");
    }

    private static String decoded(String request) {
        return URLDecoder.decode(request, StandardCharsets.UTF_8);
    }

    static String resource(String name) {
        try (InputStream in = MailpitMailboxTest.class.getResourceAsStream("mailpit/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
