package io.ocmt.verify.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitedEndpointTest {

    @Test
    void otherCaseKeepsTheRouteAndChangesEverySegment() {
        assertThat(LimitedEndpoint.otherCase("/api/auth/login")).isEqualTo("/API/Auth/Login");
        assertThat(LimitedEndpoint.canonical("/API/Auth/Login/?x=1")).isEqualTo("/api/auth/login");
    }

    @Test
    void bypassVariantsAreOneOfEachAndNameWhatTheyClaim() {
        List<LimitedEndpoint.Variant> variants = LimitedEndpoint.bypassVariants();
        assertThat(variants).extracting(LimitedEndpoint.Variant::name).satisfiesExactly(
                n -> assertThat(n).matches("X-Forwarded-For: 203\\.0\\.113\\.\\d+"),
                n -> assertThat(n).matches("X-Real-IP: 198\\.51\\.100\\.\\d+"),
                n -> assertThat(n).matches("Forwarded: for=192\\.0\\.2\\.\\d+"),
                n -> assertThat(n).isEqualTo("the path in other case"),
                n -> assertThat(n).isEqualTo("a trailing slash"),
                n -> assertThat(n).isEqualTo("a query string"));
        assertThat(variants).filteredOn(LimitedEndpoint.Variant::forwarding).hasSize(3);
        assertThat(variants.get(4).path().apply("/api/auth/login")).isEqualTo("/api/auth/login/");
    }

    @Test
    void wrongRecoveryCodeHasOcmtsShape() {
        assertThat(LimitedEndpoint.wrongRecoveryCode()).matches("([0-9a-f]{4}-){7}[0-9a-f]{4}");
    }

    @Test
    void everyRouteButTheLoginStepsIsSentWithASession() {
        assertThat(new LimitedEndpoint(new Policy.RateLimit("v", "POST", "/api/vault/unlock", 5, 10), () -> "a@b.test").needsSession()).isTrue();
        // OCMT's general limit counts only successful requests: without a session it would count nothing.
        assertThat(new LimitedEndpoint(new Policy.RateLimit("g", "GET", "/api/auth/me", 100, 10), () -> "a@b.test").needsSession()).isTrue();
        assertThat(new LimitedEndpoint(new Policy.RateLimit("a", "POST", "/api/auth/login", 5, 10), () -> "a@b.test").needsSession()).isFalse();
        assertThat(new LimitedEndpoint(new Policy.RateLimit("m", "GET", "/API/Auth/Verify/", 5, 10), () -> "a@b.test").needsSession()).isFalse();
        assertThat(new LimitedEndpoint(new Policy.RateLimit("v", "POST", "/api/vault/recover", 3, 10), () -> "a@b.test").isVault()).isTrue();
        assertThat(new LimitedEndpoint(new Policy.RateLimit("g", "GET", "/api/auth/me", 100, 10), () -> "a@b.test").isVault()).isFalse();
    }

    @Test
    void ledgerSaysWhereTheRunnerIsLimitedAndUntilWhen() {
        Policy.RateLimit login = new Policy.RateLimit("authentication", "POST", "/api/auth/login", 5, 900);
        Policy.RateLimit me = new Policy.RateLimit("api general", "GET", "/api/auth/me", 100, 900);
        Policy.RateLimit recover = new Policy.RateLimit("password reset", "POST", "/api/vault/recover", 3, 3600);
        RateLimitLedger ledger = new RateLimitLedger(List.of(login, me, recover));
        Instant now = Instant.now();
        long reset = now.getEpochSecond() + 600;
        ledger.observe("POST", URI.create("https://h/API/Auth/Login/"), new Exchange("POST", "https://h/api/auth/login", 429,
                Map.of("RateLimit-Limit", List.of("5"), "RateLimit-Remaining", List.of("0"), "RateLimit-Reset", List.of(Long.toString(reset)),
                        "Retry-After", List.of("600")), "{\"code\":\"RATE_LIMIT_EXCEEDED\",\"retryAfter\":600}"), now);
        ledger.observe("GET", URI.create("https://h/api/auth/me"), new Exchange("GET", "https://h/api/auth/me", 401,
                Map.of("RateLimit-Limit", List.of("100"), "RateLimit-Remaining", List.of("40"), "RateLimit-Reset", List.of(Long.toString(reset))),
                "{}"), now);
        assertThat(ledger.limitedNow(now)).contains("authentication (POST /api/auth/login): LIMITED: the last request got 429 until")
                .contains("api general (GET /api/auth/me): 39 of 100 requests left until")
                .contains("password reset (POST /api/vault/recover): not sent to by this tag");
    }
}
