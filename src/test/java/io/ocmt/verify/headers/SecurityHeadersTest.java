package io.ocmt.verify.headers;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static io.ocmt.verify.headers.HeaderFixtures.OCMT_CSP;
import static io.ocmt.verify.headers.HeaderFixtures.headerPolicy;
import static io.ocmt.verify.headers.HeaderFixtures.ocmtWith;
import static org.assertj.core.api.Assertions.assertThat;

class SecurityHeadersTest {

    private static final String SUBJECT = "GET https://ocmt.example/health → 200";

    private static List<Finding> judge(Exchange response) {
        return SecurityHeaders.judge(response, headerPolicy());
    }

    /** Judges OCMT's response with the CSP replaced, so only the CSP rule can complain. */
    private static List<Finding> judgeCsp(String... values) {
        return judge(ocmtWith("Content-Security-Policy", values));
    }

    @Test
    void defaultsLoadAsTheSuiteShipsThem() {
        assertThat(headerPolicy().hsts().minMaxAge()).isEqualTo(31536000L);
        assertThat(headerPolicy().csp().forbiddenScriptSources()).contains("'unsafe-inline'", "https:");
        assertThat(headerPolicy().csp().requiredDirectives()).containsKeys("object-src", "base-uri", "frame-ancestors");
    }

    @Test
    void ocmtHelmetHeadersPassTheDefaultPolicy() {
        assertThat(judge(HeaderFixtures.response(HeaderFixtures.ocmtHeaders()))).isEmpty();
    }

    @Test
    void bareResponseGetsOneFindingPerMissingHeader() {
        List<Finding> findings = judge(HeaderFixtures.response(Map.of()));

        assertThat(findings).extracting(Finding::control).containsExactly(
                "Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                "Referrer-Policy", "Cross-Origin-Opener-Policy", "X-Permitted-Cross-Domain-Policies");
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.subject()).isEqualTo(SUBJECT);
            assertThat(f.seen()).startsWith("no ");
        });
    }

    @Test
    void policyPartsSetToNullAreNotJudged() {
        Policy.HeaderPolicy off = new Policy.HeaderPolicy(List.of(), null, null, null, null, null, null, null);

        assertThat(SecurityHeaders.judge(HeaderFixtures.response(Map.of()), off)).isEmpty();
    }

    @Nested
    class Hsts {

        @Test
        void absent() {
            assertThat(judge(ocmtWith("Strict-Transport-Security"))).containsExactly(new Finding(
                    "Strict-Transport-Security", SUBJECT, "max-age ≥ 31536000 with includeSubDomains and preload",
                    "no Strict-Transport-Security header"));
        }

        @Test
        void shortMaxAgeWithoutFlagsIsOneFindingThatSaysItAll() {
            assertThat(judge(ocmtWith("Strict-Transport-Security", "max-age=86400"))).containsExactly(new Finding(
                    "Strict-Transport-Security", SUBJECT, "max-age ≥ 31536000 with includeSubDomains and preload",
                    "max-age=86400 (1 day), no includeSubDomains, no preload in \"max-age=86400\""));
        }

        @Test
        void observatoryAgeIsTooShortForThePreloadPolicy() {
            List<Finding> findings = judge(ocmtWith("Strict-Transport-Security",
                    "max-age=15552000; includeSubDomains; preload"));

            assertThat(findings).singleElement().extracting(Finding::seen).asString()
                    .startsWith("max-age=15552000 (180 days), includeSubDomains, preload");
        }

        @Test
        void missingPreloadOnlyMattersWhenThePolicyWantsIt() {
            Exchange response = ocmtWith("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
            Policy.HeaderPolicy d = headerPolicy();
            Policy.HeaderPolicy noPreload = new Policy.HeaderPolicy(d.responses(),
                    new Policy.HstsPolicy(31536000, true, false), d.csp(), d.frameOptions(), d.contentTypeOptions(),
                    d.referrerPolicies(), d.forbiddenHeaders(), d.requiredValues());

            assertThat(judge(response)).singleElement().extracting(Finding::seen).asString().contains("no preload");
            assertThat(SecurityHeaders.judge(response, noPreload)).isEmpty();
        }

        @Test
        void sentTwiceIsAFindingEvenWhenBothAreGood() {
            List<Finding> findings = judge(ocmtWith("Strict-Transport-Security",
                    HeaderFixtures.OCMT_HSTS, HeaderFixtures.OCMT_HSTS));

            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.expected()).isEqualTo("Strict-Transport-Security sent once");
                assertThat(f.seen()).startsWith("sent twice: ").endsWith("browsers use only the first");
            });
        }

        @Test
        void secondHeaderCannotRescueABadFirstOne() {
            List<Finding> findings = judge(ocmtWith("Strict-Transport-Security",
                    "max-age=0", HeaderFixtures.OCMT_HSTS));

            assertThat(findings).extracting(Finding::seen).anySatisfy(s -> assertThat(s).startsWith("max-age=0 (0 seconds)"));
            assertThat(findings).hasSize(2);
        }

        @Test
        void garbageMaxAgeMeansBrowsersIgnoreTheHeader() {
            assertThat(judge(ocmtWith("Strict-Transport-Security", "max-age=abc; includeSubDomains; preload")))
                    .singleElement().extracting(Finding::seen).isEqualTo("\"max-age=abc; includeSubDomains; preload\": "
                            + "max-age=abc is not a number of seconds, so browsers ignore the header");
        }

        @Test
        void duplicatedDirectiveMeansBrowsersIgnoreTheHeader() {
            assertThat(judge(ocmtWith("Strict-Transport-Security",
                    "max-age=31536000; includeSubDomains; preload; max-age=31536000")))
                    .singleElement().extracting(Finding::seen).asString()
                    .contains("max-age appears twice", "browsers ignore the header");
        }
    }

    @Nested
    class Csp {

        @Test
        void reportOnlyEnforcesNothing() {
            Map<String, List<String>> h = HeaderFixtures.ocmtHeaders();
            h.put("Content-Security-Policy-Report-Only", h.remove("Content-Security-Policy"));

            assertThat(judge(HeaderFixtures.response(h))).containsExactly(new Finding("Content-Security-Policy",
                    SUBJECT, "an enforced Content-Security-Policy header",
                    "only Content-Security-Policy-Report-Only: \"" + OCMT_CSP
                            + "\", which is report-only and enforces nothing"));
        }

        @Test
        void absent() {
            assertThat(judgeCsp()).singleElement().extracting(Finding::seen)
                    .isEqualTo("no Content-Security-Policy header");
        }

        @Test
        void unsafeInlineScript() {
            assertThat(judgeCsp(OCMT_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")))
                    .singleElement().satisfies(f -> {
                        assertThat(f.control()).isEqualTo("Content-Security-Policy");
                        assertThat(f.expected()).isEqualTo("script-src (or its fallback default-src) without "
                                + "'unsafe-inline', 'unsafe-eval', data:, *, http:, https:");
                        assertThat(f.seen()).isEqualTo("\"script-src 'self' 'unsafe-inline'\" allows 'unsafe-inline'");
                    });
        }

        @Test
        void forbiddenSourceInDefaultSrcCountsWhenScriptSrcIsAbsent() {
            String csp = "default-src 'self' https: 'unsafe-eval'; object-src 'none'; base-uri 'self'; "
                    + "frame-ancestors 'none'; connect-src 'self' wss:; style-src https://fonts.googleapis.com; "
                    + "font-src https://fonts.gstatic.com";

            assertThat(judgeCsp(csp)).singleElement().extracting(Finding::seen).isEqualTo(
                    "\"default-src 'self' https: 'unsafe-eval'\" (script-src falls back to it) allows 'unsafe-eval', https:");
        }

        @Test
        void hostSourcesAreNotMistakenForSchemeOrWildcardSources() {
            String csp = OCMT_CSP.replace("script-src 'self'",
                    "script-src 'self' https://cdn.example *.example.com 'nonce-abc' 'sha256-xyz'");

            assertThat(judgeCsp(csp)).isEmpty();
        }

        @Test
        void forbiddenTokensMatchWhateverTheirCase() {
            assertThat(judgeCsp(OCMT_CSP.replace("script-src 'self'", "script-src 'self' 'UNSAFE-EVAL' HTTPS:")))
                    .singleElement().extracting(Finding::seen).asString().endsWith("allows 'unsafe-eval', https:");
        }

        @Test
        void scriptSrcElemIsJudgedToo() {
            assertThat(judgeCsp(OCMT_CSP + "; script-src-elem 'self' data:"))
                    .singleElement().extracting(Finding::seen).isEqualTo("\"script-src-elem 'self' data:\" allows data:");
        }

        @Test
        void noScriptRestrictionAtAll() {
            String csp = "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

            assertThat(judgeCsp(csp)).singleElement().extracting(Finding::seen).isEqualTo(
                    "neither script-src nor default-src, so scripts load from anywhere, in \"" + csp + "\"");
        }

        @Test
        void missingObjectSrcSaysWhatItFallsBackTo() {
            assertThat(judgeCsp(OCMT_CSP.replace("object-src 'none'; ", ""))).singleElement().satisfies(f -> {
                assertThat(f.expected()).isEqualTo("object-src limited to 'none'");
                assertThat(f.seen()).isEqualTo("no object-src directive (it falls back to \"default-src 'self'\")");
            });
        }

        @Test
        void missingBaseUriDoesNotFallBack() {
            assertThat(judgeCsp(OCMT_CSP.replace("base-uri 'self'; ", ""))).singleElement().satisfies(f -> {
                assertThat(f.expected()).isEqualTo("base-uri limited to 'self' or 'none'");
                assertThat(f.seen()).isEqualTo("no base-uri directive (base-uri does not fall back to default-src)");
            });
        }

        @Test
        void requiredDirectiveWithAnUnlistedSource() {
            assertThat(judgeCsp(OCMT_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self' https://partner.example")))
                    .singleElement().extracting(Finding::seen).isEqualTo(
                            "\"frame-ancestors 'self' https://partner.example\" also allows https://partner.example");
        }

        @Test
        void connectSrcThatBlocksWebSockets() {
            assertThat(judgeCsp(OCMT_CSP.replace("connect-src 'self' wss: ", "connect-src 'self' ")))
                    .singleElement().satisfies(f -> {
                        assertThat(f.expected()).isEqualTo("connect-src allowing wss: (the application needs them)");
                        assertThat(f.seen()).isEqualTo("\"connect-src 'self' https://app.ocmt.example\" blocks wss:");
                    });
        }

        @Test
        void fontsBlockedThroughFallbackToDefaultSrc() {
            String csp = OCMT_CSP.replace("style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; ", "");

            assertThat(judgeCsp(csp)).singleElement().extracting(Finding::seen).isEqualTo(
                    "\"default-src 'self'\" (style-src falls back to it) blocks https://fonts.googleapis.com");
        }

        @Test
        void broaderSourcesStillAllowWhatTheAppNeeds() {
            String csp = OCMT_CSP.replace("https://fonts.googleapis.com", "https:")
                    .replace("https://fonts.gstatic.com", "*.gstatic.com")
                    .replace("connect-src 'self' wss:", "connect-src 'self' *");

            assertThat(judgeCsp(csp)).isEmpty();
        }

        @Test
        void unsafeInlineInStyleSrcIsNotAFinding() {
            assertThat(OCMT_CSP).contains("style-src 'self' 'unsafe-inline'");
            assertThat(judgeCsp(OCMT_CSP)).isEmpty();
        }

        @Test
        void duplicateDirectiveIsReportedAndTheFirstIsJudged() {
            List<Finding> findings = judgeCsp(OCMT_CSP + "; script-src 'unsafe-inline'");

            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.expected()).isEqualTo("each directive once");
                assertThat(f.seen()).isEqualTo("script-src given more than once: browsers use \"script-src 'self'\""
                        + " and ignore \"script-src 'unsafe-inline'\"");
            });
        }

        @Test
        void severalPoliciesAreReportedAndEachIsJudged() {
            List<Finding> findings = judgeCsp(OCMT_CSP, "script-src *");

            assertThat(findings).extracting(Finding::seen).first().asString()
                    .startsWith("2 policies: \"" + OCMT_CSP + "\" | \"script-src *\"");
            assertThat(findings).extracting(Finding::seen).contains("\"script-src *\" allows * (policy 2 of 2)",
                    "no object-src directive (policy 2 of 2)");
            assertThat(findings).extracting(Finding::seen).noneMatch(s -> s.contains("policy 1 of 2"));
        }

        @Test
        void commaJoinedPoliciesCountAsSeveral() {
            List<Finding> findings = judgeCsp(OCMT_CSP + ", default-src 'self'");

            assertThat(findings).extracting(Finding::seen).first().asString().startsWith("2 policies: ");
            assertThat(findings).extracting(Finding::seen).contains(
                    "no base-uri directive (base-uri does not fall back to default-src) (policy 2 of 2)");
        }
    }

    @Nested
    class FrameOptions {

        @Test
        void absentButCoveredByCspIsStillAFindingThatSaysSo() {
            assertThat(judge(ocmtWith("X-Frame-Options"))).containsExactly(new Finding("X-Frame-Options", SUBJECT,
                    "X-Frame-Options: DENY, sent once", "no X-Frame-Options header (the CSP's \"frame-ancestors 'none'\""
                    + " covers browsers with CSP Level 2; older ones get no framing protection)"));
        }

        @Test
        void absentWithoutCsp() {
            Map<String, List<String>> h = HeaderFixtures.ocmtHeaders();
            h.remove("X-Frame-Options");
            h.remove("Content-Security-Policy");

            assertThat(judge(HeaderFixtures.response(h))).filteredOn(f -> f.control().equals("X-Frame-Options"))
                    .singleElement().extracting(Finding::seen).isEqualTo("no X-Frame-Options header");
        }

        @Test
        void caseDoesNotMatter() {
            assertThat(judge(ocmtWith("X-Frame-Options", "deny"))).isEmpty();
        }

        @Test
        void wrongValue() {
            assertThat(judge(ocmtWith("X-Frame-Options", "SAMEORIGIN"))).singleElement()
                    .extracting(Finding::seen).isEqualTo("X-Frame-Options: \"SAMEORIGIN\"");
        }

        @Test
        void sentTwice() {
            assertThat(judge(ocmtWith("X-Frame-Options", "DENY", "DENY"))).singleElement()
                    .extracting(Finding::seen).isEqualTo("sent twice: \"DENY\" | \"DENY\"");
        }

        @Test
        void conflictingCommaListIsBothDuplicateAndWrong() {
            assertThat(judge(ocmtWith("X-Frame-Options", "DENY, SAMEORIGIN"))).extracting(Finding::seen)
                    .containsExactly("sent twice: \"DENY, SAMEORIGIN\"", "X-Frame-Options: \"DENY, SAMEORIGIN\"");
        }
    }

    @Nested
    class ContentTypeOptions {

        @Test
        void wrongValue() {
            assertThat(judge(ocmtWith("X-Content-Type-Options", "sniff"))).containsExactly(new Finding(
                    "X-Content-Type-Options", SUBJECT, "X-Content-Type-Options: nosniff",
                    "X-Content-Type-Options: \"sniff\""));
        }

        @Test
        void repeatedNosniffIsHarmless() {
            assertThat(judge(ocmtWith("X-Content-Type-Options", "nosniff", "NoSniff"))).isEmpty();
        }
    }

    @Nested
    class ReferrerPolicy {

        @Test
        void leakyPolicy() {
            assertThat(judge(ocmtWith("Referrer-Policy", "unsafe-url"))).containsExactly(new Finding(
                    "Referrer-Policy", SUBJECT,
                    "Referrer-Policy one of no-referrer, same-origin, strict-origin or strict-origin-when-cross-origin",
                    "Referrer-Policy: \"unsafe-url\""));
        }

        @Test
        void lastRecognisedTokenWins() {
            assertThat(judge(ocmtWith("Referrer-Policy", "unsafe-url, strict-origin-when-cross-origin"))).isEmpty();
            assertThat(judge(ocmtWith("Referrer-Policy", "no-referrer, unsafe-url"))).singleElement()
                    .extracting(Finding::seen).isEqualTo("Referrer-Policy: \"no-referrer, unsafe-url\", "
                            + "which browsers read as unsafe-url");
        }

        @Test
        void unknownTrailingTokenIsSkipped() {
            assertThat(judge(ocmtWith("Referrer-Policy", "same-origin, made-up-policy"))).isEmpty();
        }

        @Test
        void severalHeaderLinesFormOneList() {
            assertThat(judge(ocmtWith("Referrer-Policy", "no-referrer", "unsafe-url"))).singleElement()
                    .extracting(Finding::seen).asString().endsWith("which browsers read as unsafe-url");
        }

        @Test
        void noRecognisedToken() {
            assertThat(judge(ocmtWith("Referrer-Policy", "nope"))).singleElement().extracting(Finding::seen)
                    .isEqualTo("Referrer-Policy: \"nope\", which has no recognised policy, so browsers use their default");
        }
    }

    @Nested
    class Banners {

        @Test
        void poweredByIsForbidden() {
            assertThat(judge(ocmtWith("X-Powered-By", "Express"))).containsExactly(new Finding(
                    "X-Powered-By", SUBJECT, "no X-Powered-By header", "X-Powered-By: \"Express\""));
        }

        @ParameterizedTest
        @ValueSource(strings = {"nginx/1.22.1", "Apache/2.4", "Apache/2.4.57 (Ubuntu)", "Jetty(11.0.20)",
                "openresty/1.2", "Microsoft-IIS/10.0", "nginx v1", "1.0"})
        void serverWithAVersion(String server) {
            assertThat(judge(ocmtWith("Server", server))).containsExactly(new Finding(
                    "Server", SUBJECT, "no version in Server", "Server: \"" + server + "\""));
        }

        @ParameterizedTest
        @ValueSource(strings = {"Kestrel", "nginx", "Caddy", "cloudflare", "AmazonS3", "h2o"})
        void serverWithoutAVersion(String server) {
            assertThat(judge(ocmtWith("Server", server))).isEmpty();
        }

        /** nginx's own 301 on port 80: no security headers at all, which is fine there, and its banners. */
        private Exchange plainHop(Map<String, List<String>> headers) {
            return new Exchange("GET", "http://ocmt.example/", 301, headers, "");
        }

        @Test
        void thePlainHttpHopIsJudgedForBannersOnlyAndEachFindingNamesIt() {
            Exchange hop = plainHop(Map.of("Server", List.of("nginx/1.22.1"), "X-Powered-By", List.of("Express"),
                    "Location", List.of("https://ocmt.example/")));

            assertThat(SecurityHeaders.judgeBanners(hop, headerPolicy())).containsExactly(
                    new Finding("X-Powered-By", "GET http://ocmt.example/ → 301", "no X-Powered-By header",
                            "X-Powered-By: \"Express\""),
                    new Finding("Server", "GET http://ocmt.example/ → 301", "no version in Server",
                            "Server: \"nginx/1.22.1\""));
        }

        @Test
        void aBareRedirectHasNoBanners() {
            assertThat(SecurityHeaders.judgeBanners(plainHop(Map.of("Server", List.of("nginx"))), headerPolicy())).isEmpty();
        }

        @Test
        void bannersAreWhatJudgeFindsAboutThem() {
            Exchange noisy = ocmtWith("Server", "Apache/2.4");
            List<Finding> all = judge(noisy);

            assertThat(SecurityHeaders.judgeBanners(noisy, headerPolicy())).containsExactlyElementsOf(all);
        }
    }

    @Nested
    class RequiredValues {

        @Test
        void wrongValue() {
            assertThat(judge(ocmtWith("Cross-Origin-Opener-Policy", "unsafe-none"))).containsExactly(new Finding(
                    "Cross-Origin-Opener-Policy", SUBJECT, "Cross-Origin-Opener-Policy: same-origin, sent once",
                    "Cross-Origin-Opener-Policy: \"unsafe-none\""));
        }

        @Test
        void comparedCaseInsensitively() {
            assertThat(judge(ocmtWith("X-Permitted-Cross-Domain-Policies", "None"))).isEmpty();
        }

        @Test
        void sentTwice() {
            assertThat(judge(ocmtWith("Cross-Origin-Opener-Policy", "same-origin", "same-origin"))).singleElement()
                    .extracting(Finding::seen).isEqualTo("sent twice: \"same-origin\" | \"same-origin\"");
        }
    }
}
