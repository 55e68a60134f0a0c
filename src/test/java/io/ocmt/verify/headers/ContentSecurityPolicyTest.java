package io.ocmt.verify.headers;

import io.ocmt.verify.headers.ContentSecurityPolicy.Directive;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ContentSecurityPolicyTest {

    @Test
    void parsesOcmtHelmetPolicyInOrder() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse(HeaderFixtures.OCMT_CSP);

        assertThat(csp.directives()).extracting(Directive::name).containsExactly(
                "default-src", "script-src", "style-src", "font-src", "img-src", "connect-src", "frame-ancestors",
                "object-src", "base-uri", "form-action", "frame-src", "upgrade-insecure-requests");
        assertThat(csp.sources("style-src")).contains(
                List.of("'self'", "'unsafe-inline'", "https://fonts.googleapis.com"));
        assertThat(csp.sources("upgrade-insecure-requests")).contains(List.of());
        assertThat(csp.duplicates()).isEmpty();
        assertThat(csp.value()).isEqualTo(HeaderFixtures.OCMT_CSP);
    }

    @Test
    void lowerCasesNamesButKeepsSourcesAsSent() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse("SCRIPT-SRC 'Self' https://CDN.example");

        assertThat(csp.has("script-src")).isTrue();
        assertThat(csp.sources("Script-Src")).contains(List.of("'Self'", "https://CDN.example"));
    }

    @Test
    void firstDuplicateWinsAndLaterOnesAreRemembered() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse("script-src 'self'; img-src *; script-src *");

        assertThat(csp.sources("script-src")).contains(List.of("'self'"));
        assertThat(csp.duplicates()).containsExactly(new Directive("script-src", List.of("*")));
        assertThat(csp.directives()).hasSize(2);
    }

    @Test
    void toleratesExtraWhitespaceEmptyDirectivesAndTrailingSemicolons() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse(
                "  default-src \t 'self'   'unsafe-eval' ;;  ; object-src 'none' ;  ");

        assertThat(csp.directives()).containsExactly(
                new Directive("default-src", List.of("'self'", "'unsafe-eval'")),
                new Directive("object-src", List.of("'none'")));
    }

    @Test
    void emptyAndNullValuesHaveNoDirectives() {
        assertThat(ContentSecurityPolicy.parse("").isEmpty()).isTrue();
        assertThat(ContentSecurityPolicy.parse(" ; ;").isEmpty()).isTrue();
        assertThat(ContentSecurityPolicy.parse(null).isEmpty()).isTrue();
    }

    @Test
    void directiveWithoutSourcesIsPresentButEmpty() {
        // An empty source list blocks everything, which is not the same as an absent directive.
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse("default-src *; script-src");

        assertThat(csp.sources("script-src")).contains(List.of());
        assertThat(csp.effectiveSources("script-src")).contains(List.of());
    }

    @Test
    void fetchDirectivesFallBackToDefaultSrc() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse("default-src 'self' https:");

        assertThat(csp.sources("script-src")).isEmpty();
        assertThat(csp.effectiveSources("script-src")).contains(List.of("'self'", "https:"));
        assertThat(csp.effectiveDirective("connect-src")).map(Directive::name).contains("default-src");
        assertThat(csp.effectiveDirective("object-src")).map(Directive::name).contains("default-src");
        assertThat(csp.effectiveDirective("font-src")).map(Directive::name).contains("default-src");
    }

    @Test
    void scriptSrcElemFallsBackThroughScriptSrcFirst() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse("default-src *; script-src 'self'");

        assertThat(csp.effectiveSources("script-src-elem")).contains(List.of("'self'"));
        assertThat(csp.effectiveSources("script-src-attr")).contains(List.of("'self'"));
        assertThat(ContentSecurityPolicy.parse("default-src *").effectiveSources("script-src-elem"))
                .contains(List.of("*"));
    }

    @Test
    void frameSrcFallsBackThroughChildSrc() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse("default-src *; child-src 'self'");

        assertThat(csp.effectiveDirective("frame-src")).map(Directive::name).contains("child-src");
    }

    @Test
    void navigationAndDocumentDirectivesDoNotFallBack() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse("default-src 'none'");

        assertThat(csp.effectiveSources("base-uri")).isEmpty();
        assertThat(csp.effectiveSources("form-action")).isEmpty();
        assertThat(csp.effectiveSources("frame-ancestors")).isEmpty();
    }

    @Test
    void nothingGovernsScriptsWithoutScriptSrcOrDefaultSrc() {
        ContentSecurityPolicy csp = ContentSecurityPolicy.parse("img-src 'self'");

        assertThat(csp.effectiveSources("script-src")).isEmpty();
    }

    @Test
    void directiveRendersAsWritten() {
        assertThat(new Directive("script-src", List.of("'self'", "https:")).toString())
                .isEqualTo("script-src 'self' https:");
        assertThat(new Directive("upgrade-insecure-requests", List.of()).toString())
                .isEqualTo("upgrade-insecure-requests");
    }
}
