package io.ocmt.verify.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe against limiters simulated in memory: how many requests it sends, and what it finds. */
class LimitProbeTest {

    private static final Policy.RateLimit AUTH = new Policy.RateLimit("authentication", "POST", "/api/auth/login", 5, 900);
    /** Nothing may be waited for in these tests: the windows are long, the bound is zero. */
    private static final long NO_WAIT = 0;

    /**
     * OCMT's fixed window as the reference server counts it: Remaining is the budget before the
     * request, the refusal carries Retry-After and the JSON body; knobs break one thing each.
     */
    static final class FakeLimiter {
        final int max;
        final long windowSeconds;
        long windowEnd;
        /** After this many requests the window ends and the next request opens a new one. */
        int rollAfter = Integer.MAX_VALUE;
        int replicas = 1;
        boolean retryAfter = true;
        Integer shownLimit;
        final int[] counts = new int[2];
        int sent;

        FakeLimiter(int max, long windowSeconds) {
            this.max = max;
            this.windowSeconds = windowSeconds;
            this.windowEnd = Instant.now().getEpochSecond() + windowSeconds;
        }

        /** The first window is at its end now, so a roll to the next one is what a real clock would allow. */
        FakeLimiter endingNow() {
            windowEnd = Instant.now().getEpochSecond();
            return this;
        }

        FakeLimiter used(int n) {
            counts[0] = n;
            counts[1] = n;
            return this;
        }

        Exchange next() {
            if (sent == rollAfter) {
                counts[0] = 0;
                counts[1] = 0;
                // The next window is a whole window long, and ends later than the last.
                windowEnd = Math.max(windowEnd + 1, Instant.now().getEpochSecond() + windowSeconds);
            }
            int replica = sent++ % replicas;
            int count = ++counts[replica];
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("Date", List.of(DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atZone(ZoneOffset.UTC))));
            headers.put("RateLimit-Limit", List.of(Integer.toString(shownLimit != null ? shownLimit : max)));
            headers.put("RateLimit-Remaining", List.of(Integer.toString(Math.max(0, max - (count - 1)))));
            headers.put("RateLimit-Reset", List.of(Long.toString(windowEnd)));
            if (count <= max) {
                return new Exchange("POST", "https://localhost/api/auth/login", 200, headers, "{\"success\":true}");
            }
            long wait = Math.min(windowSeconds, windowEnd - Instant.now().getEpochSecond());
            if (retryAfter) {
                headers.put("Retry-After", List.of(Long.toString(wait)));
            }
            return new Exchange("POST", "https://localhost/api/auth/login", 429, headers,
                    "{\"error\":\"Too many requests, please try again later.\",\"code\":\"RATE_LIMIT_EXCEEDED\",\"retryAfter\":" + wait + "}");
        }
    }

    private static List<String> texts(List<Finding> findings) {
        List<String> out = new ArrayList<>();
        findings.forEach(f -> out.add(f.toString()));
        return out;
    }

    @Test
    void aHardenedLimiterPassesWithLimitPlusOneRequests() {
        FakeLimiter limiter = new FakeLimiter(5, 900);
        LimitProbe.Result result = new LimitProbe(AUTH, NO_WAIT, limiter::next).exactLimit();
        assertThat(result.findings()).isEmpty();
        assertThat(limiter.sent).isEqualTo(6);
        assertThat(result.refusal()).hasValueSatisfying(r -> assertThat(r.number()).isEqualTo(6));
        assertThat(result.table()).contains("request", "RATE_LIMIT_EXCEEDED");
    }

    @Test
    void aWindowAlreadyPartlyUsedIsFinishedNotOverrun() {
        FakeLimiter limiter = new FakeLimiter(5, 900).used(3);
        LimitProbe.Result result = new LimitProbe(AUTH, NO_WAIT, limiter::next).exactLimit();
        assertThat(result.findings()).isEmpty();
        assertThat(result.budget()).isEqualTo(2);
        assertThat(limiter.sent).isEqualTo(3);
    }

    @Test
    void limitNotEnforcedIsNamedWithTheRequestNumberAndTheForeignLimit() {
        // The authentication limiter off: only the general one answers, with its own headers.
        FakeLimiter limiter = new FakeLimiter(100, 900);
        LimitProbe.Result result = new LimitProbe(AUTH, NO_WAIT, limiter::next).exactLimit();
        assertThat(limiter.sent).as("never more than limit + 1").isEqualTo(6);
        assertThat(texts(result.findings())).anySatisfy(t -> assertThat(t).contains("authentication (POST /api/auth/login)",
                "request 6 was not refused", "429 on request 6"));
        assertThat(texts(result.findings())).anySatisfy(t -> assertThat(t).contains("RateLimit-Limit: 5", "says 100"));
    }

    @Test
    void replicasCountingApartFailTheCountAndTheCountdown() {
        FakeLimiter limiter = new FakeLimiter(5, 900);
        limiter.replicas = 2;
        LimitProbe.Result result = new LimitProbe(AUTH, NO_WAIT, limiter::next).exactLimit();
        assertThat(limiter.sent).isEqualTo(6);
        assertThat(texts(result.findings())).anySatisfy(t -> assertThat(t).contains("request 6 was not refused"));
        assertThat(texts(result.findings())).anySatisfy(t -> assertThat(t).contains("RateLimit-Remaining 4 on request 2",
                "5, 5, 4, 4, 3, 3", "each replica"));
    }

    /** 3 per 30 minutes where the policy says 3 per hour: twice the attempts, seen at the first request of a fresh window. */
    @Test
    void aWindowShorterThanThePolicysIsAFinding() {
        FakeLimiter limiter = new FakeLimiter(5, 1800);
        Policy.RateLimit hourly = new Policy.RateLimit(AUTH.name(), AUTH.method(), AUTH.path(), 5, 3600);
        List<String> findings = texts(new LimitProbe(hourly, NO_WAIT, limiter::next).exactLimit().findings());
        assertThat(findings).singleElement().satisfies(t -> assertThat(t).contains("a window of 3600 s", "request 1",
                "the same budget comes back every 180"));
    }

    /** A window already running shows only what is left of it: no finding about its length. */
    @Test
    void aRunningWindowsLengthIsNotJudged() {
        FakeLimiter limiter = new FakeLimiter(5, 1800).used(2);
        Policy.RateLimit hourly = new Policy.RateLimit(AUTH.name(), AUTH.method(), AUTH.path(), 5, 3600);
        assertThat(new LimitProbe(hourly, NO_WAIT, limiter::next).exactLimit().findings()).isEmpty();
    }

    @Test
    void missingRetryAfterIsAFinding() {
        FakeLimiter limiter = new FakeLimiter(5, 900);
        limiter.retryAfter = false;
        List<String> findings = texts(new LimitProbe(AUTH, NO_WAIT, limiter::next).exactLimit().findings());
        assertThat(findings).singleElement().satisfies(t -> assertThat(t).contains("Retry-After", "request 6", "has no Retry-After"));
    }

    /** A spent budget says nothing about the limit: the check is not verified, never failed. */
    @Test
    void aUsedUpBudgetBeyondTheWaitBoundStopsWithWhenToComeBack() {
        FakeLimiter limiter = new FakeLimiter(5, 900).used(5);
        assertThatThrownBy(() -> new LimitProbe(AUTH, NO_WAIT, limiter::next).exactLimit())
                .isInstanceOf(org.opentest4j.TestAbortedException.class)
                .hasMessageStartingWith("Not verified: ")
                .hasMessageContaining("already used up")
                .hasMessageContaining("policy.session.maxWaitSeconds=0")
                .hasMessageContaining("Run the ratelimit tag again after");
        assertThat(limiter.sent).isEqualTo(1);
    }

    @Test
    void useUpSendsOneRequestWhenTheBudgetIsGoneAndTheRestOtherwise() {
        FakeLimiter gone = new FakeLimiter(5, 900).used(5);
        assertThat(new LimitProbe(AUTH, NO_WAIT, gone::next).useUp(java.time.Duration.ofSeconds(5)).refused()).isTrue();
        assertThat(gone.sent).isEqualTo(1);

        FakeLimiter fresh = new FakeLimiter(5, 900);
        assertThat(new LimitProbe(AUTH, NO_WAIT, fresh::next).useUp(java.time.Duration.ofSeconds(5)).number()).isEqualTo(6);
        assertThat(fresh.sent).isEqualTo(6);
    }

    @Test
    void useUpFailsWhenTheLimitDoesNotHold() {
        FakeLimiter off = new FakeLimiter(100, 900);
        assertThatThrownBy(() -> new LimitProbe(AUTH, NO_WAIT, off::next).useUp(java.time.Duration.ofSeconds(5)))
                .hasMessageContaining("did not refuse request 6")
                .hasMessageContaining("the limit itself does not hold");
        assertThat(off.sent).isEqualTo(6);
    }

    @Test
    void aShortWindowEndingMidwayIsJudgedFromTheNextWindowOnce() {
        Policy.RateLimit shortWindow = new Policy.RateLimit("authentication", "POST", "/api/auth/login", 5, 5);
        FakeLimiter limiter = new FakeLimiter(5, 5).endingNow();
        limiter.rollAfter = 3;
        LimitProbe.Result result = new LimitProbe(shortWindow, 10, limiter::next).exactLimit();
        assertThat(result.findings()).isEmpty();
        assertThat(limiter.sent).as("three in the ending window, six in the next").isEqualTo(9);
    }

    /** Two replicas whose windows began a little apart: a whole budget and a later end, long before request 1's window is over. */
    @Test
    void anotherReplicasWindowIsAMiscountNotANewWindow() {
        FakeLimiter limiter = new FakeLimiter(5, 900);
        limiter.replicas = 2;
        limiter.rollAfter = 1;
        LimitProbe.Result result = new LimitProbe(AUTH, NO_WAIT, limiter::next).exactLimit();
        assertThat(texts(result.findings())).anySatisfy(t -> assertThat(t).contains("request 6 was not refused"));
    }

    @Test
    void aLongWindowEndingMidwayStopsTheCheckInsteadOfSpendingMore() {
        FakeLimiter limiter = new FakeLimiter(5, 900).used(2).endingNow();
        limiter.rollAfter = 2;
        assertThatThrownBy(() -> new LimitProbe(AUTH, NO_WAIT, limiter::next).exactLimit())
                .hasMessageContaining("the window ended during the check")
                .hasMessageContaining("request 3");
        assertThat(limiter.sent).isEqualTo(3);
    }
}
