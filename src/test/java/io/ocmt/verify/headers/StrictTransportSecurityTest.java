package io.ocmt.verify.headers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StrictTransportSecurityTest {

    @Test
    void parsesOcmtHelmetValue() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse(HeaderFixtures.OCMT_HSTS);

        assertThat(hsts.isValid()).isTrue();
        assertThat(hsts.maxAge()).hasValue(31536000L);
        assertThat(hsts.includeSubDomains()).isTrue();
        assertThat(hsts.preload()).isTrue();
        assertThat(hsts.problems()).isEmpty();
    }

    @Test
    void namesAreCaseInsensitiveAndWhitespaceIsOptional() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("  MAX-AGE = 600 ;INCLUDESUBDOMAINS ;\tPreLoad ");

        assertThat(hsts.isValid()).isTrue();
        assertThat(hsts.maxAge()).hasValue(600L);
        assertThat(hsts.includeSubDomains()).isTrue();
        assertThat(hsts.preload()).isTrue();
    }

    @Test
    void acceptsQuotedMaxAge() {
        assertThat(StrictTransportSecurity.parse("max-age=\"31536000\"").maxAge()).hasValue(31536000L);
    }

    @Test
    void toleratesEmptyDirectivesAndTrailingSemicolons() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse(";max-age=10;; includeSubDomains;");

        assertThat(hsts.isValid()).isTrue();
        assertThat(hsts.maxAge()).hasValue(10L);
        assertThat(hsts.includeSubDomains()).isTrue();
        assertThat(hsts.preload()).isFalse();
    }

    @Test
    void ignoresUnknownDirectives() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("max-age=10; report-uri=\"https://r.example\"");

        assertThat(hsts.isValid()).isTrue();
        assertThat(hsts.maxAge()).hasValue(10L);
    }

    @Test
    void missingMaxAgeIsAProblem() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("includeSubDomains; preload");

        assertThat(hsts.isValid()).isFalse();
        assertThat(hsts.maxAge()).isEmpty();
        assertThat(hsts.problems()).containsExactly("no max-age");
        assertThat(hsts.includeSubDomains()).isTrue();
    }

    @Test
    void emptyValueHasNoMaxAge() {
        assertThat(StrictTransportSecurity.parse("").problems()).containsExactly("no max-age");
        assertThat(StrictTransportSecurity.parse(null).problems()).containsExactly("no max-age");
    }

    @Test
    void nonNumericMaxAgeIsAProblem() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("max-age=abc; includeSubDomains");

        assertThat(hsts.maxAge()).isEmpty();
        assertThat(hsts.problems()).containsExactly("max-age=abc is not a number of seconds");
    }

    @Test
    void negativeAndEmptyMaxAgeAreProblems() {
        assertThat(StrictTransportSecurity.parse("max-age=-1").problems())
                .containsExactly("max-age=-1 is not a number of seconds");
        assertThat(StrictTransportSecurity.parse("max-age=").problems()).containsExactly("max-age has no value");
        assertThat(StrictTransportSecurity.parse("max-age").problems()).containsExactly("max-age has no value");
    }

    @Test
    void missingSemicolonMakesMaxAgeGarbage() {
        // A common typo: the whole rest of the header becomes max-age's value.
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("max-age=31536000 includeSubDomains");

        assertThat(hsts.maxAge()).isEmpty();
        assertThat(hsts.problems()).containsExactly("max-age=31536000 includeSubDomains is not a number of seconds");
    }

    @Test
    void missingEqualsSignIsNotADirective() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("max-age 31536000");

        assertThat(hsts.problems()).containsExactly("\"max-age 31536000\" is not a directive", "no max-age");
    }

    @Test
    void duplicatedDirectivesAreFlaggedWhateverTheirCase() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse(
                "max-age=31536000; includeSubDomains; Max-Age=0; INCLUDESUBDOMAINS");

        assertThat(hsts.isValid()).isFalse();
        assertThat(hsts.duplicatedDirectives()).containsExactly("max-age", "includeSubDomains");
        assertThat(hsts.problems()).containsExactly("max-age appears twice", "includeSubDomains appears twice");
        assertThat(hsts.maxAge()).hasValue(31536000L);
    }

    @Test
    void valuelessDirectiveWithAValueIsAProblem() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("max-age=10; includeSubDomains=true");

        assertThat(hsts.includeSubDomains()).isTrue();
        assertThat(hsts.problems()).containsExactly("includeSubDomains takes no value, got \"true\"");
    }

    @Test
    void hugeMaxAgeIsClampedNotRejected() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("max-age=99999999999999999999999");

        assertThat(hsts.isValid()).isTrue();
        assertThat(hsts.maxAge()).hasValue(Long.MAX_VALUE);
    }

    @Test
    void semicolonInsideQuotesDoesNotSplit() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("max-age=10; x=\"a;b\"; preload");

        assertThat(hsts.isValid()).isTrue();
        assertThat(hsts.preload()).isTrue();
    }

    @Test
    void unterminatedQuoteIsAProblem() {
        StrictTransportSecurity hsts = StrictTransportSecurity.parse("max-age=\"10");

        assertThat(hsts.problems()).contains("max-age has an unterminated quoted value: \"10");
    }
}
