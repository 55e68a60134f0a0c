package io.ocmt.verify.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyStrengthTest {

    @Test
    void randomKeysPass() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            assertThat(KeyStrength.problems(HexFormat.of().formatHex(key), 3.0)).isEmpty();
        }
    }

    @Test
    void wrongLengthOrAlphabet() {
        assertThat(KeyStrength.problems("ab".repeat(31), 3.0)).singleElement().asString().contains("62 characters", "exactly 64 hex");
        assertThat(KeyStrength.problems("zz".repeat(32), 3.0)).singleElement().asString().contains("non-hex");
    }

    @Test
    void patternsAreLowEntropyEvenWhenEveryDigitAppears() {
        assertThat(KeyStrength.problems("0123456789abcdef".repeat(4), 3.0)).anyMatch(p -> p.contains("16-character pattern"));
        assertThat(KeyStrength.problems("a".repeat(64), 3.0)).anyMatch(p -> p.contains("bits of entropy"));
        assertThat(KeyStrength.problems("deadbeef".repeat(8), 3.0)).anyMatch(p -> p.contains("8-character pattern"));
    }

    @Test
    void messagesNeverQuoteTheKey() {
        String key = "0123456789abcdef".repeat(4);
        assertThat(KeyStrength.problems(key, 3.0)).allSatisfy(p -> assertThat(p).doesNotContain(key).doesNotContain("0123456789"));
    }
}
