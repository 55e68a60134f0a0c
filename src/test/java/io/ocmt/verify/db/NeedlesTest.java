package io.ocmt.verify.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.report.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NeedlesTest {

    private static final String CANARY = "ocmt-canary-4f1c2e9a7b3d5c6e";

    @Test
    void base64IsFoundWhereverTheSecretSitsInsideALongerEncodedValue() {
        Needles needles = Needles.of("the canary", CANARY);
        for (int prefix = 0; prefix < 6; prefix++) {
            for (String suffix : new String[] {"", "x", "xy", "xyz"}) {
                String value = "{\"k\":1,\"p\":\"" + "p".repeat(prefix) + "\"}" + CANARY + suffix;
                for (Base64.Encoder enc : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
                    String encoded = enc.encodeToString(value.getBytes(StandardCharsets.UTF_8));
                    assertThat(needles.all()).as("prefix %s suffix '%s'", prefix, suffix)
                            .anyMatch(n -> n.form().startsWith("base64") && encoded.contains(n.text()));
                }
            }
        }
    }

    @Test
    void hexIsSearchedInAnyCase() {
        Needles needles = Needles.of("the canary", CANARY);
        String hex = HexFormat.of().formatHex(CANARY.getBytes(StandardCharsets.UTF_8));
        Needles.Needle n = needles.all().stream().filter(x -> x.form().equals("hex")).findFirst().orElseThrow();
        assertThat(n.caseInsensitive()).isTrue();
        assertThat(n.text()).isEqualTo(hex);
    }

    @Test
    void noFormEverReachesAReport() {
        Needles needles = Needles.of("the canary", CANARY);
        needles.all().forEach(n -> {
            assertThat(Redactor.text("seen: " + n.text())).doesNotContain(n.text());
            assertThat(n.toString()).doesNotContain(n.text()).startsWith("the canary (");
        });
    }

    @Test
    void shortSecretsAreRefusedBecauseTheyMatchByChance() {
        assertThatThrownBy(() -> Needles.of("x", "short")).isInstanceOf(IllegalArgumentException.class);
    }
}
