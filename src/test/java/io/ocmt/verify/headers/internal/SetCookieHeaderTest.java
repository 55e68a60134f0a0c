package io.ocmt.verify.headers.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SetCookieHeaderTest {

    private static final String TOKEN = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void splitsNameAndAttributesAndRedactsTheValue() {
        SetCookieHeader c = SetCookieHeader.parse("ocmt_session=" + TOKEN
                + "; Path=/; Expires=Tue, 07 Apr 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax");

        assertThat(c.name()).isEqualTo("ocmt_session");
        assertThat(c.has("httponly")).isTrue();
        assertThat(c.last("samesite")).contains("Lax");
        assertThat(c.last("expires")).contains("Tue, 07 Apr 2026 10:00:00 GMT");
        assertThat(c.redacted()).isEqualTo("ocmt_session=<redacted>; Path=/; Expires=Tue, 07 Apr 2026 10:00:00 GMT;"
                + " HttpOnly; Secure; SameSite=Lax");
        assertThat(c.toString()).doesNotContain(TOKEN);
    }

    @Test
    void lastOccurrenceOfAnAttributeWins() {
        SetCookieHeader c = SetCookieHeader.parse("a=b; Path=/admin; SameSite=None; path=/; samesite=Strict");

        assertThat(c.last("Path")).contains("/");
        assertThat(c.last("SameSite")).contains("Strict");
    }

    @Test
    void valuelessAttributeReadsAsEmpty() {
        SetCookieHeader c = SetCookieHeader.parse("a=b; Secure; SameSite");

        assertThat(c.last("Secure")).contains("");
        assertThat(c.last("SameSite")).contains("");
        assertThat(c.last("Path")).isEmpty();
    }

    @Test
    void toleratesSpacesAndEmptyAttributes() {
        SetCookieHeader c = SetCookieHeader.parse(" ocmt_session = x ;; Path = / ;");

        assertThat(c.name()).isEqualTo("ocmt_session");
        assertThat(c.last("path")).contains("/");
        assertThat(c.attributes()).hasSize(1);
    }

    @Test
    void pairWithoutEqualsIsANamelessCookieAndStillRedacted() {
        SetCookieHeader c = SetCookieHeader.parse(TOKEN + "; Secure");

        assertThat(c.name()).isEmpty();
        assertThat(c.redacted()).isEqualTo("<redacted>; Secure");
    }
}
