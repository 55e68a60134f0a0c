package io.ocmt.verify.headers.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SourceMatcherTest {

    @Test
    void literalTokenAllowsItselfWhateverTheCase() {
        assertThat(SourceMatcher.allows(List.of("'self'", "WSS:"), "wss:")).isTrue();
        assertThat(SourceMatcher.allows(List.of("https://Fonts.GoogleAPIs.com"), "https://fonts.googleapis.com"))
                .isTrue();
    }

    @Test
    void selfDoesNotAllowWebSocketsOrOtherHosts() {
        assertThat(SourceMatcher.allows(List.of("'self'"), "wss:")).isFalse();
        assertThat(SourceMatcher.allows(List.of("'self'"), "https://fonts.googleapis.com")).isFalse();
    }

    @Test
    void wildcardAllowsNetworkSchemesButNotData() {
        assertThat(SourceMatcher.allows(List.of("*"), "wss:")).isTrue();
        assertThat(SourceMatcher.allows(List.of("*"), "https://fonts.gstatic.com")).isTrue();
        assertThat(SourceMatcher.allows(List.of("*"), "data:")).isFalse();
    }

    @Test
    void schemeSourceAllowsUrlsOfThatSchemeAndItsUpgrade() {
        assertThat(SourceMatcher.allows(List.of("https:"), "https://fonts.googleapis.com")).isTrue();
        assertThat(SourceMatcher.allows(List.of("http:"), "https://fonts.googleapis.com")).isTrue();
        assertThat(SourceMatcher.allows(List.of("ws:"), "wss:")).isTrue();
        assertThat(SourceMatcher.allows(List.of("wss:"), "wss://app.example")).isTrue();
        assertThat(SourceMatcher.allows(List.of("https:"), "wss:")).isFalse();
    }

    @Test
    void hostSourcesMatchHostWildcardPortAndPath() {
        String fonts = "https://fonts.googleapis.com";
        assertThat(SourceMatcher.allows(List.of("fonts.googleapis.com"), fonts)).isTrue();
        assertThat(SourceMatcher.allows(List.of("https://*.googleapis.com"), fonts)).isTrue();
        assertThat(SourceMatcher.allows(List.of("*.fonts.googleapis.com"), fonts)).isFalse();
        assertThat(SourceMatcher.allows(List.of("https://fonts.googleapis.com:443"), fonts)).isTrue();
        assertThat(SourceMatcher.allows(List.of("https://fonts.googleapis.com:8443"), fonts)).isFalse();
        assertThat(SourceMatcher.allows(List.of("https://fonts.googleapis.com:*"), fonts)).isTrue();
        assertThat(SourceMatcher.allows(List.of("https://fonts.googleapis.com/"), fonts)).isTrue();
        assertThat(SourceMatcher.allows(List.of("https://fonts.googleapis.com/css2"), fonts)).isFalse();
        assertThat(SourceMatcher.allows(List.of("http://evil.example"), fonts)).isFalse();
    }

    @Test
    void keywordsNeedTheLiteralKeyword() {
        assertThat(SourceMatcher.allows(List.of("*"), "'self'")).isFalse();
        assertThat(SourceMatcher.allows(List.of("'self'"), "'self'")).isTrue();
    }

    @Test
    void emptyListAllowsNothing() {
        assertThat(SourceMatcher.allows(List.of(), "wss:")).isFalse();
    }
}
