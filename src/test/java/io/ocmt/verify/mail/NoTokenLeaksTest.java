package io.ocmt.verify.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ocmt.verify.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every way this package can fail, each with a token or password within reach, and none of them may
 * show it: not in the message, not in a cause, not anywhere in the printed stack trace. The values
 * are fresh here, never registered with the Redactor by a successful read, so what is tested is
 * the design, not the registry.
 */
class NoTokenLeaksTest {

    /** Hex, like OCMT's tokens. */
    private static final String HEX_TOKEN = "5e0f4d3c2b1a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e";
    /** Not hex: the Redactor cannot spot this one by its shape, only by where it stands. */
    private static final String WORD_TOKEN = "Vz3RkQp8WmX2sLt6YbN4";
    private static final String PASSWORD = "Imap-Pw-9c1e-never-shown";
    /** Only ever in a URL that is refused, so never registered by opening a mailbox. */
    private static final String URL_PASSWORD = "Url-Pw-4b7d-never-shown";
    private static final String PREFIX = "https://app.ocmt.test/verify";

    private static MailMessage mail(String text) {
        return new MailMessage("1:1", "qa+run2-login-1@ocmt.test", "no-reply@ocmt.test", "Sign in", Instant.EPOCH, text);
    }

    @Test
    void magicLinkFailuresNeverShowAToken() {
        List<Throwable> failures = new ArrayList<>();
        // Wrong prefix: the mail's links are listed, their queries and paths must not carry the token out.
        failures.add(fail(() -> MagicLink.from(mail("https://evil.test/verify?token=" + WORD_TOKEN + " https://app.ocmt.test/v/"
                + HEX_TOKEN + " https://app.ocmt.test/login?t=" + WORD_TOKEN), PREFIX)));
        failures.add(fail(() -> MagicLink.from(mail(PREFIX + "?token=" + WORD_TOKEN + " " + PREFIX + "?token=" + HEX_TOKEN), PREFIX)));
        failures.add(fail(() -> MagicLink.from(mail(PREFIX + "?token=" + WORD_TOKEN + "&token=" + HEX_TOKEN), PREFIX)));
        failures.add(fail(() -> MagicLink.from(mail(PREFIX + "?code=" + WORD_TOKEN), PREFIX)));

        failures.forEach(NoTokenLeaksTest::showsNoSecret);
    }

    @Test
    void mailpitFailuresNeverShowAToken() throws IOException {
        String mailBody = "Sign in: " + PREFIX + "?token=" + WORD_TOKEN + " or " + HEX_TOKEN;
        List<Throwable> failures = new ArrayList<>();
        try (FakeMailpit mailpit = new FakeMailpit();
             Mailbox mailbox = Mailboxes.open(MailboxConfig.mailpit(mailpit.url(), "qa@ocmt.test"))) {
            String r = mailbox.newRecipient("login");
            mailpit.answerAll(ex -> new String[] {"500", "text/plain", "cannot index message: " + mailBody});
            failures.add(fail(() -> mailbox.await(r, Duration.ofSeconds(5))));
            mailpit.answerAll(ex -> new String[] {"200", "text/html", "<html>" + mailBody + "</html>"});
            failures.add(fail(() -> mailbox.messages(r)));
            // A long body is cut for the message; the cut must not leave a token too short to be recognised.
            mailpit.answerAll(ex -> new String[] {"502", "text/plain", "x".repeat(170) + " " + HEX_TOKEN});
            failures.add(fail(() -> mailbox.deleteAll(r)));
            mailpit.answerAll(null);
            failures.add(fail(() -> mailbox.await(r, Duration.ofMillis(300))));
        }
        failures.add(fail(() -> {
            try (Mailbox gone = Mailboxes.open(MailboxConfig.mailpit("http://127.0.0.1:" + closedPort(), "qa@ocmt.test")
                    .withCredentials("ocmt", PASSWORD))) {
                gone.messages("qa+x-login-1@ocmt.test");
            }
        }));

        failures.forEach(NoTokenLeaksTest::showsNoSecret);
    }

    @Test
    void imapFailuresNeverShowThePassword() throws IOException {
        int port = closedPort();
        Throwable failure = fail(() -> {
            try (Mailbox imap = Mailboxes.open(MailboxConfig.imap("127.0.0.1", port, false, "qa@ocmt.test", PASSWORD, "qa@ocmt.test"))) {
                imap.await(imap.newRecipient("login"), Duration.ofSeconds(5));
            }
        });
        showsNoSecret(failure);
    }

    @Test
    void configurationFailuresAndTextsNeverShowThePassword() {
        showsNoSecret(fail(() -> MailboxConfig.mailpit("http://ocmt:" + URL_PASSWORD + "@127.0.0.1:8025", "qa@ocmt.test")));
        showsNoSecret(fail(() -> MailboxConfig.mailpit("mailpit://ocmt:" + URL_PASSWORD + "@127.0.0.1 8025", "qa@ocmt.test")));
        assertThat(fail(() -> MailboxConfig.mailpit("http://ocmt:x@127.0.0.1:8025", "qa@ocmt.test")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("carries credentials");
        String shown = MailboxConfig.imap("127.0.0.1", 3143, false, "qa@ocmt.test", PASSWORD, "qa@ocmt.test").toString();
        assertThat(shown).contains("password=<redacted>").doesNotContain(PASSWORD);
    }

    private static Throwable fail(Executable action) {
        Throwable t = catchThrowable(action::execute);
        assertThat(t).as("expected a failure").isNotNull();
        return t;
    }

    private static void showsNoSecret(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        String everything = failure + "\n" + trace;
        for (String secret : List.of(HEX_TOKEN, WORD_TOKEN, PASSWORD, URL_PASSWORD)) {
            // Any 12 characters in a row would already narrow a guess too far.
            for (int i = 0; i + 12 <= secret.length(); i++) {
                assertThat(everything).as("failure output of %s", failure.getClass().getSimpleName())
                        .doesNotContain(secret.substring(i, i + 12));
            }
        }
    }

    /** A loopback port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
