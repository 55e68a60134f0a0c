package io.ocmt.verify.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MagicLinkTest {

    private static final String UI = "https://app.ocmt.test";
    private static final String PREFIX = UI + MagicLink.DEFAULT_PATH;
    private static final String TOKEN = "a7c3e9f1b5d2048c6e8a0b2d4f6e8c0a1b3d5f7e9c2a4b6d8f0e1c3a5b7d9f2e";

    static MailMessage mail(String text) {
        return new MailMessage("1:7", "qa+run1-login-1@ocmt.test", "no-reply@ocmt.test", "Sign in", Instant.parse("2026-03-05T10:15:00Z"), text);
    }

    @Test
    void theVerifyLinkIsPickedAmongOthersAndItsTokenRead() {
        MailMessage mail = mail("Help: " + UI + "/help?token=nope\nSign in: " + UI + "/verify?lang=en&token=" + TOKEN + "&next=%2F\n"
                + "Docs: https://docs.ocmt.test/");

        MagicLink link = MagicLink.from(mail, PREFIX);

        assertThat(link.token()).isEqualTo(TOKEN);
        assertThat(link.uri()).isEqualTo(URI.create(UI + "/verify?lang=en&token=" + TOKEN + "&next=%2F"));
    }

    @Test
    void theTokenIsUrlDecoded() {
        assertThat(MagicLink.from(mail(PREFIX + "?token=ab%2Bcd%3D%3D"), PREFIX).token()).isEqualTo("ab+cd==");
    }

    @Test
    void aLongerPathIsNotTheVerifyLink() {
        MailMessage mail = mail(UI + "/verify-email?token=" + TOKEN + " " + UI + "/verifyx?token=" + TOKEN);

        assertThatThrownBy(() -> MagicLink.from(mail, PREFIX))
                .isInstanceOf(MailboxException.class)
                .hasMessage("No link starting with " + PREFIX + " in the mail to qa+run1-login-1@ocmt.test (subject 'Sign in');"
                        + " its links lead to [" + UI + "/verify-email?…, " + UI + "/verifyx?…]");
    }

    @Test
    void anotherHostIsNotTheVerifyLink() {
        assertThatThrownBy(() -> MagicLink.from(mail("https://app.ocmt.test.evil.test/verify?token=" + TOKEN), PREFIX))
                .isInstanceOf(MailboxException.class)
                .hasMessageContaining("No link starting with " + PREFIX);
    }

    @Test
    void twoDifferentVerifyLinksAreAmbiguous() {
        assertThatThrownBy(() -> MagicLink.from(mail(PREFIX + "?token=" + TOKEN + "\n" + PREFIX + "?token=" + TOKEN.replace('a', 'b')), PREFIX))
                .isInstanceOf(MailboxException.class)
                .hasMessageContaining("2 different links starting with " + PREFIX);
    }

    @Test
    void theSameLinkTwiceIsOneLink() {
        assertThat(MagicLink.from(mail(PREFIX + "?token=" + TOKEN + "\n(" + PREFIX + "?token=" + TOKEN + ")"), PREFIX).token())
                .isEqualTo(TOKEN);
    }

    @Test
    void aLinkWithoutOneNonEmptyTokenIsRefused() {
        assertThatThrownBy(() -> MagicLink.from(mail(PREFIX + "?t=" + TOKEN), PREFIX))
                .hasMessageContaining("The magic link " + PREFIX + "?… in the mail to qa+run1-login-1@ocmt.test has no 'token' parameter");
        assertThatThrownBy(() -> MagicLink.from(mail(PREFIX + "?token="), PREFIX)).hasMessageContaining("has an empty 'token' parameter");
        assertThatThrownBy(() -> MagicLink.from(mail(PREFIX + "?token=" + TOKEN + "&token=x"), PREFIX))
                .hasMessageContaining("has 2 'token' parameters");
    }

    @Test
    void toStringShowsTheLinkWithoutItsToken() {
        String shortToken = "Zq9-short_tok";
        MagicLink hex = MagicLink.from(mail(PREFIX + "?token=" + TOKEN + "&next=%2Fhome"), PREFIX);
        MagicLink other = MagicLink.from(mail(PREFIX + "?token=" + shortToken), PREFIX);

        assertThat(hex.toString()).isEqualTo("MagicLink[" + PREFIX + "?token=<redacted>&next=%2Fhome]");
        assertThat(other.toString()).isEqualTo("MagicLink[" + PREFIX + "?token=<redacted>]").doesNotContain(shortToken);
    }

    @Test
    void mailMessageToStringLeavesTheBodyOut() {
        MailMessage mail = mail("Sign in: " + PREFIX + "?token=" + TOKEN);
        assertThat(mail.toString())
                .isEqualTo("MailMessage[id=1:7, to=qa+run1-login-1@ocmt.test, from=no-reply@ocmt.test, subject=Sign in,"
                        + " received=2026-03-05T10:15:00Z, text=" + mail.text().length() + " chars, 1 links]");
    }
}
