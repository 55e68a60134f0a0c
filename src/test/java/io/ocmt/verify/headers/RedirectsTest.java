package io.ocmt.verify.headers;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedirectsTest {

    private static final URI HEALTH = URI.create("http://ocmt.example/health");
    private static final String SUBJECT_301 = "GET http://ocmt.example/health → 301";

    private static Exchange hop(int status, String... locations) {
        return new Exchange("GET", HEALTH.toString(), status,
                locations.length == 0 ? Map.of() : Map.of("Location", List.of(locations)), "");
    }

    private static List<Finding> judge(URI requested, Exchange hop) {
        return Redirects.judgeFirstHop(requested, hop, HeaderFixtures.defaults().redirect());
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 308})
    void permanentRedirectToTheSameUrlOnHttpsPasses(int status) {
        assertThat(judge(HEALTH, hop(status, "https://ocmt.example/health"))).isEmpty();
    }

    @Test
    void rootWithAndWithoutSlashAreTheSame() {
        assertThat(judge(URI.create("http://ocmt.example"), hop(301, "https://ocmt.example/"))).isEmpty();
        assertThat(judge(URI.create("http://ocmt.example/"), hop(301, "https://ocmt.example"))).isEmpty();
    }

    @Test
    void hostComparesCaseInsensitivelyAndPortMayChange() {
        assertThat(judge(URI.create("http://OCMT.example:8080/health?x=1"),
                hop(308, "https://ocmt.EXAMPLE:8443/health?x=1"))).isEmpty();
    }

    @Test
    void hostsThatJavaNetUriCannotParseAreStillCompared() {
        // Docker service names often contain underscores, for which URI.getHost() is null.
        URI requested = URI.create("http://ocmt_stage:8080/health");

        assertThat(judge(requested, hop(301, "https://ocmt_stage/health"))).isEmpty();
        assertThat(judge(requested, hop(301, "https://other_stage/health"))).singleElement()
                .extracting(Finding::seen).asString().endsWith("host other_stage instead of ocmt_stage");
    }

    @Test
    void plainHttpServingContentSaysSo() {
        Exchange served = new Exchange("GET", HEALTH.toString(), 200, Map.of(), "{\"status\":\"ok\"}");

        assertThat(judge(HEALTH, served)).containsExactly(new Finding("HTTP→HTTPS redirect",
                "GET http://ocmt.example/health → 200", "301 or 308 to https://ocmt.example/health",
                "200: plain HTTP serves the content instead of redirecting to https"));
    }

    @ParameterizedTest
    @ValueSource(ints = {302, 307})
    void temporaryRedirectIsAFindingEvenWhenTheLocationIsRight(int status) {
        assertThat(judge(HEALTH, hop(status, "https://ocmt.example/health"))).singleElement()
                .extracting(Finding::seen).asString().startsWith(status + ": a temporary redirect");
    }

    @Test
    void missingLocation() {
        assertThat(judge(HEALTH, hop(301))).containsExactly(new Finding("HTTP→HTTPS redirect", SUBJECT_301,
                "Location https://ocmt.example/health (absolute, https, same host, same path and query)",
                "no Location header"));
    }

    @Test
    void relativeLocationStaysOnHttp() {
        assertThat(judge(HEALTH, hop(301, "/health"))).singleElement().extracting(Finding::seen)
                .isEqualTo("Location \"/health\" is relative, so the browser stays on http");
    }

    @Test
    void redirectToHttpIsNotAnUpgrade() {
        assertThat(judge(HEALTH, hop(301, "http://ocmt.example/health"))).singleElement().extracting(Finding::seen)
                .isEqualTo("Location \"http://ocmt.example/health\": scheme http instead of https");
    }

    @Test
    void redirectToAnotherHost() {
        assertThat(judge(HEALTH, hop(301, "https://www.ocmt.example/health"))).singleElement()
                .extracting(Finding::seen)
                .isEqualTo("Location \"https://www.ocmt.example/health\": host www.ocmt.example instead of ocmt.example");
    }

    @Test
    void redirectThatDropsThePath() {
        assertThat(judge(HEALTH, hop(301, "https://ocmt.example/"))).singleElement().extracting(Finding::seen)
                .isEqualTo("Location \"https://ocmt.example/\": path / instead of /health");
    }

    @Test
    void redirectThatDropsTheQuery() {
        URI requested = URI.create("http://ocmt.example/verify?token=abc");

        assertThat(judge(requested, hop(301, "https://ocmt.example/verify"))).singleElement()
                .extracting(Finding::seen)
                .isEqualTo("Location \"https://ocmt.example/verify\": query ?token=abc dropped");
    }

    @Test
    void everythingWrongWithTheLocationIsOneFinding() {
        assertThat(judge(HEALTH, hop(302, "http://evil.example/?a=b"))).extracting(Finding::seen).containsExactly(
                "302: a temporary redirect, so browsers and caches do not learn that the site lives on https"
                        + " and keep asking over plain HTTP",
                "Location \"http://evil.example/?a=b\": scheme http instead of https, host evil.example instead of "
                        + "ocmt.example, path / instead of /health, query ?a=b added");
    }

    @Test
    void unparseableLocation() {
        assertThat(judge(HEALTH, hop(301, "https://ocmt.example/a b"))).singleElement().extracting(Finding::seen)
                .isEqualTo("Location \"https://ocmt.example/a b\" is not a valid URI");
    }

    @Test
    void twoLocationHeaders() {
        assertThat(judge(HEALTH, hop(301, "https://ocmt.example/health", "https://other.example/")))
                .singleElement().extracting(Finding::expected).isEqualTo("one Location header");
    }

    @Test
    void statusesComeFromThePolicy() {
        Policy.RedirectPolicy only308 = new Policy.RedirectPolicy(List.of("/"), List.of(308));

        assertThat(Redirects.judgeFirstHop(HEALTH, hop(301, "https://ocmt.example/health"), only308))
                .singleElement().satisfies(f -> {
                    assertThat(f.expected()).isEqualTo("308 to https://ocmt.example/health");
                    assertThat(f.seen()).isEqualTo("301, a permanent redirect, but the policy does not accept it");
                });
    }

    @Nested
    class ForeignHost {

        private static final String FOREIGN = "ocmt-verify-foreign.invalid";
        private static final URI OWN = URI.create("https://ocmt.example/");

        private List<Finding> judgeForeign(String header, Exchange hop) {
            return Redirects.judgeForeignHost(HEALTH, OWN, header, FOREIGN, hop);
        }

        @Test
        void aRedirectToTheTargetsOwnHostPasses() {
            assertThat(judgeForeign("Host", hop(301, "https://ocmt.example/health"))).isEmpty();
            assertThat(judgeForeign("X-Forwarded-Host", hop(308, "https://OCMT.example:8443/health"))).isEmpty();
        }

        @Test
        void theRequestedHostCountsAsOwnWhereItDiffersFromTheHttpsUrls() {
            URI requested = URI.create("http://127.0.0.1:8080/health");

            assertThat(Redirects.judgeForeignHost(requested, OWN, "Host", FOREIGN, hop(301, "https://127.0.0.1:8443/health")))
                    .isEmpty();
        }

        @Test
        void aRedirectBuiltFromTheHostHeaderNamesTheHeaderAndTheLocation() {
            assertThat(judgeForeign("Host", hop(301, "https://" + FOREIGN + ":8443/health"))).containsExactly(new Finding(
                    "HTTP→HTTPS redirect", "GET http://ocmt.example/health with Host: " + FOREIGN + " → 301",
                    "a Location on the target's own host ocmt.example whatever Host says, never " + FOREIGN,
                    "Location \"https://" + FOREIGN + ":8443/health\": the redirect is built from Host, so whoever sets "
                            + "that header chooses where the browser goes"));
        }

        @Test
        void aRedirectBuiltFromXForwardedHostIsAFindingToo() {
            assertThat(judgeForeign("X-Forwarded-Host", hop(301, "https://" + FOREIGN + "/health"))).singleElement()
                    .satisfies(f -> {
                        assertThat(f.subject()).contains("with X-Forwarded-Host: " + FOREIGN);
                        assertThat(f.seen()).contains("built from X-Forwarded-Host");
                    });
        }

        @Test
        void aProtocolRelativeLocationOnTheForeignHostIsCaught() {
            // "//host/path" has no scheme, but a browser follows it to that host all the same.
            assertThat(judgeForeign("Host", hop(301, "//" + FOREIGN + "/health"))).singleElement()
                    .extracting(Finding::seen).asString().startsWith("Location \"//" + FOREIGN + "/health\"");
        }

        @Test
        void anUnparseableLocationNamingTheForeignHostIsCaught() {
            assertThat(judgeForeign("Host", hop(301, "https://" + FOREIGN + "/a b"))).hasSize(1);
        }

        @Test
        void aThirdHostIsNamedAsNotTheTargets() {
            assertThat(judgeForeign("Host", hop(301, "https://_/health"))).singleElement().extracting(Finding::seen)
                    .isEqualTo("Location \"https://_/health\": host _ is not the target's");
        }

        @Test
        void refusingTheForeignNameOrARelativeLocationIsNoFindingHere() {
            assertThat(judgeForeign("Host", new Exchange("GET", HEALTH.toString(), 421, Map.of(), ""))).isEmpty();
            assertThat(judgeForeign("Host", hop(400))).isEmpty();
            assertThat(judgeForeign("Host", hop(301, "/health"))).isEmpty();
        }
    }
}
