package io.ocmt.verify.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.ConfigException;
import org.junit.jupiter.api.Test;

class MailboxConfigTest {

    @Test
    void theTypeIsNormalisedAndChecked() {
        assertThat(new MailboxConfig(" IMAP ", "mail.test", 993, true, "u", "p", "qa@ocmt.test", null, false).type()).isEqualTo("imap");
        assertThatThrownBy(() -> new MailboxConfig("pop3", "mail.test", 995, true, "u", "p", "qa@ocmt.test", null, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'imap' or 'mailpit'");
    }

    @Test
    void eachTypeNeedsWhatItConnectsWith() {
        assertThatThrownBy(() -> MailboxConfig.imap("mail.test", 993, true, null, null, "qa@ocmt.test"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs a username and a password");
        assertThatThrownBy(() -> MailboxConfig.imap(" ", 993, true, "u", "p", "qa@ocmt.test"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no host");
        assertThatThrownBy(() -> MailboxConfig.imapPerRecipient("mail.test", 0, false, "qa@ocmt.test"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("port 0");
        assertThatThrownBy(() -> MailboxConfig.mailpit("localhost:8025", "qa@ocmt.test"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> MailboxConfig.mailpit("http://localhost:8025", "qa"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not an address");
    }

    @Test
    void aGreenMailConfigurationNeedsNoCredentials() {
        MailboxConfig c = MailboxConfig.imapPerRecipient("127.0.0.1", 3143, false, "qa@ocmt.test");
        assertThat(c.loginAsRecipient()).isTrue();
        assertThat(c.toString()).contains("password=none");
    }
}
