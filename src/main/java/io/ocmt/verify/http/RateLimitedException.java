package io.ocmt.verify.http;

import io.ocmt.verify.ratelimit.LimitHeaders;
import io.ocmt.verify.report.Redactor;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.opentest4j.TestAbortedException;

/** A 429: the target spent this runner's budget on it, which says nothing about the control under test. */
public final class RateLimitedException extends TestAbortedException {

    private RateLimitedException(String message) {
        super(message);
    }

    static RateLimitedException of(String what, Exchange answer, Instant receivedAt) {
        LimitHeaders h = LimitHeaders.of(answer);
        Optional<Instant> end = h.windowEnd(receivedAt).map(e -> e.truncatedTo(ChronoUnit.SECONDS));
        StringBuilder seen = new StringBuilder();
        h.limit().ifPresent(l -> seen.append("RateLimit-Limit ").append(l).append(", "));
        h.remaining().ifPresent(r -> seen.append("RateLimit-Remaining ").append(r).append(", "));
        h.retryAfter().ifPresent(r -> seen.append("Retry-After ").append(Redactor.text(r)).append(", "));
        h.code().ifPresent(c -> seen.append("code ").append(Redactor.text(c)).append(", "));
        String headers = seen.length() == 0 ? "no rate-limit headers" : seen.substring(0, seen.length() - 2);
        String until = end.map(e -> "until " + e + " (in " + Math.max(0, Duration.between(receivedAt, e).toSeconds()) + " s)")
                .orElse("for a time it does not name");
        return new RateLimitedException("Not verified: the target rate-limits this runner: " + what + " → 429 (" + headers + ") "
                + until + ". The check needs that request answered, so it could not judge the control; run again "
                + end.map(e -> "after " + e).orElse("later") + ", or from another client address (grants.egressProxies).");
    }
}
