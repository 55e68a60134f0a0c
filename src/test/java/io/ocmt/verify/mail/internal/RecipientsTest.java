package io.ocmt.verify.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.ConfigException;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecipientsTest {

    @Test
    void aBaseThatHasATagKeepsIt() {
        assertThat(new Recipients("qa+ocmt@ocmt.test", "abc12345").next("login")).isEqualTo("qa+ocmt-abc12345-login-1@ocmt.test");
    }

    @Test
    void longPurposesAreCutToTheLocalPartLimit() {
        String r = new Recipients("quality-assurance@ocmt.test", "abc12345").next("x".repeat(100));
        assertThat(r.substring(0, r.indexOf('@'))).hasSize(Recipients.MAX_LOCAL_PART).endsWith("x-1");
    }

    @Test
    void aBaseWithoutRoomIsRefusedAndAPurposeWithoutLettersToo() {
        assertThatThrownBy(() -> new Recipients("q".repeat(60) + "@ocmt.test", "abc12345")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new Recipients("qa@ocmt.test", "abc12345").next("--"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runIdsDiffer() {
        Set<String> ids = new HashSet<>();
        IntStream.range(0, 1000).forEach(i -> ids.add(Recipients.newRunId()));
        assertThat(ids).hasSize(1000).allMatch(id -> id.matches("[0-9a-z]{8}"));
    }

    @Test
    void parallelCallersGetDistinctAddresses() {
        Recipients recipients = new Recipients("qa@ocmt.test", "abc12345");
        Set<String> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
        IntStream.range(0, 500).parallel().forEach(i -> all.add(recipients.next("login")));
        assertThat(all).hasSize(500);
    }
}
