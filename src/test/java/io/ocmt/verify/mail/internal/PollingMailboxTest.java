package io.ocmt.verify.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.mail.MailMessage;
import io.ocmt.verify.mail.MailboxException;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How {@code await} treats a server that fails while it waits: a lost connection gets up to three
 * looks in a row, an answer that says no ends the wait at once. The server is a script of looks,
 * so the cases take a few polls, not a real server's failure modes.
 */
class PollingMailboxTest {

    /** Far beyond what any case here needs: a case that reaches it has waited when it should not. */
    private static final Duration PATIENT = Duration.ofSeconds(30);

    private static final Function<String, List<MailMessage>> NOTHING = r -> List.of();

    private static final Function<String, List<MailMessage>> LOST = r -> {
        throw new MailboxException("Cannot read the mail to " + r + " (scripted server): connection dropped",
                new SocketException("Connection reset"), true);
    };

    private static final Function<String, List<MailMessage>> REFUSED_LOGIN = r -> {
        throw new MailboxException("Cannot read the mail to " + r + " (scripted server): LOGIN failed",
                new IllegalStateException("NO LOGIN failed"), false);
    };

    private static Function<String, List<MailMessage>> mail(String subject) {
        return r -> List.of(new MailMessage(subject, r, "no-reply@ocmt.test", subject, Instant.EPOCH, "hello"));
    }

    /** Each look at the server takes the next step of the script; the last one repeats. */
    private static final class ScriptedMailbox extends PollingMailbox {

        private final Deque<Function<String, List<MailMessage>>> steps;
        private final AtomicInteger looks = new AtomicInteger();

        @SafeVarargs
        ScriptedMailbox(Function<String, List<MailMessage>>... steps) {
            super(new Recipients("qa@ocmt.test", "abc12345"));
            this.steps = new ArrayDeque<>(List.of(steps));
        }

        @Override
        protected List<MailMessage> find(String recipient) {
            looks.incrementAndGet();
            return (steps.size() > 1 ? steps.poll() : steps.peek()).apply(recipient);
        }

        @Override
        protected String describe() {
            return "scripted server";
        }

        int looks() {
            return looks.get();
        }

        @Override
        public void delete(MailMessage message) {
        }

        @Override
        public void deleteAll(String recipient) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aConnectionLostOnceThenTheMailIsThere() {
        ScriptedMailbox box = new ScriptedMailbox(LOST, mail("yours"));
        String r = box.newRecipient("login");

        assertThat(box.await(r, PATIENT).subject()).isEqualTo("yours");
        assertThat(box.looks()).isEqualTo(2);
    }

    @Test
    void aConnectionLostTwiceThenTheMailIsThere() {
        ScriptedMailbox box = new ScriptedMailbox(LOST, LOST, mail("yours"));
        String r = box.newRecipient("login");

        assertThat(box.await(r, PATIENT).subject()).isEqualTo("yours");
        assertThat(box.looks()).isEqualTo(3);
    }

    @Test
    void onlyLossesInARowCountSoALookThatWorksStartsTheCountAgain() {
        ScriptedMailbox box = new ScriptedMailbox(LOST, LOST, NOTHING, LOST, LOST, mail("yours"));
        String r = box.newRecipient("login");

        assertThat(box.await(r, PATIENT).subject()).isEqualTo("yours");
        assertThat(box.looks()).isEqualTo(6);
    }

    @Test
    void aConnectionLostThreeTimesInARowEndsTheWaitSayingSo() {
        ScriptedMailbox box = new ScriptedMailbox(LOST, LOST, LOST, mail("too late"));
        String r = box.newRecipient("login");

        long start = System.nanoTime();
        assertThatThrownBy(() -> box.await(r, PATIENT))
                .isInstanceOfSatisfying(MailboxException.class, e -> assertThat(e.connectionLost()).isTrue())
                .hasMessageStartingWith("Gave up waiting for mail to " + r)
                .hasMessageContaining("the connection was lost on 3 looks in a row, 250 ms apart")
                .hasMessageEndingWith("Last: Cannot read the mail to " + r + " (scripted server): connection dropped")
                .hasRootCauseMessage("java.net.SocketException: Connection reset");
        assertThat(box.looks()).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anAnswerThatSaysNoEndsTheWaitAtTheFirstLook() {
        ScriptedMailbox box = new ScriptedMailbox(REFUSED_LOGIN, mail("never looked for"));
        String r = box.newRecipient("login");

        assertThatThrownBy(() -> box.await(r, PATIENT))
                .isInstanceOfSatisfying(MailboxException.class, e -> assertThat(e.connectionLost()).isFalse())
                .hasMessage("Cannot read the mail to " + r + " (scripted server): LOGIN failed");
        assertThat(box.looks()).isEqualTo(1);
    }

    @Test
    void anAnswerThatSaysNoAfterALostConnectionIsNotRetriedEither() {
        ScriptedMailbox box = new ScriptedMailbox(LOST, REFUSED_LOGIN, mail("never looked for"));
        String r = box.newRecipient("login");

        assertThatThrownBy(() -> box.await(r, PATIENT))
                .isInstanceOf(MailboxException.class)
                .hasMessageEndingWith("LOGIN failed");
        assertThat(box.looks()).isEqualTo(2);
    }
}
