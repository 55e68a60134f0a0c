package io.ocmt.verify.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.http.Exchange;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * What one response says about the rate limiter that counted it, read leniently: a header that is
 * missing or not a number is empty here, so the checks can say which one was wrong instead of
 * failing on the first parse error.
 *
 * @param status         the response's status
 * @param limit          RateLimit-Limit
 * @param remaining      RateLimit-Remaining, OCMT's meaning: the budget before this request
 * @param reset          RateLimit-Reset, OCMT's meaning: the window's end in epoch seconds
 * @param retryAfter     Retry-After as the raw text, when sent once
 * @param date           the server's Date, the clock RateLimit-Reset is meant against
 * @param code           the {@code code} of a JSON body
 * @param bodyRetryAfter the {@code retryAfter} of a JSON body
 */
public record LimitHeaders(int status, OptionalLong limit, OptionalLong remaining, OptionalLong reset, Optional<String> retryAfter,
                           Optional<Instant> date, Optional<String> code, OptionalLong bodyRetryAfter) {

    /** OCMT's code on a limiter's 429. */
    public static final String RATE_LIMIT_EXCEEDED = "RATE_LIMIT_EXCEEDED";
    /** OCMT's code on the vault unlock backoff's 429: the route answering, after the limiter let the request through. */
    public static final String VAULT_BACKOFF = "VAULT_BACKOFF";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static LimitHeaders of(Exchange e) {
        JsonNode body = json(e.body());
        return new LimitHeaders(e.status(), number(e.single("RateLimit-Limit")), number(e.single("RateLimit-Remaining")),
                number(e.single("RateLimit-Reset")), e.single("Retry-After").map(String::trim),
                e.single("Date").flatMap(LimitHeaders::httpDate),
                Optional.ofNullable(body).map(b -> b.get("code")).filter(JsonNode::isTextual).map(JsonNode::asText),
                Optional.ofNullable(body).map(b -> b.get("retryAfter")).filter(JsonNode::isIntegralNumber)
                        .map(n -> OptionalLong.of(n.asLong())).orElse(OptionalLong.empty()));
    }

    /**
     * Whether a rate limiter refused this request. Every 429 counts except OCMT's vault backoff, which
     * the unlock route sends after the limiter counted and passed the request.
     */
    public static boolean refusedByLimiter(Exchange e) {
        return of(e).refusedByLimiter();
    }

    public boolean refusedByLimiter() {
        return status == 429 && !code.filter(VAULT_BACKOFF::equals).isPresent();
    }

    /** Retry-After in seconds, when it is a plain number of seconds (OCMT never sends the HTTP-date form). */
    public OptionalLong retryAfterSeconds() {
        return retryAfter.map(v -> number(Optional.of(v))).orElse(OptionalLong.empty());
    }

    /** Seconds from the server's Date to RateLimit-Reset; the runner's clock may differ from the server's. */
    public OptionalLong resetInSeconds(Instant receivedAt) {
        if (reset.isEmpty()) {
            return OptionalLong.empty();
        }
        Instant serverNow = date.orElse(receivedAt);
        return OptionalLong.of(reset.getAsLong() - serverNow.getEpochSecond());
    }

    /**
     * When, on this machine's clock, the window this response was counted in ends: the later of
     * what Retry-After and RateLimit-Reset say, so that waiting for it satisfies both. A vault
     * backoff's Retry-After is about the backoff, not the window, and is left out.
     */
    public Optional<Instant> windowEnd(Instant receivedAt) {
        OptionalLong byReset = resetInSeconds(receivedAt);
        OptionalLong byRetryAfter = refusedByLimiter() ? retryAfterSeconds() : OptionalLong.empty();
        OptionalLong byBody = refusedByLimiter() ? bodyRetryAfter : OptionalLong.empty();
        return Stream.of(byReset, byRetryAfter, byBody).filter(OptionalLong::isPresent)
                .map(s -> receivedAt.plus(Duration.ofSeconds(Math.max(0, s.getAsLong()))))
                .max(Instant::compareTo);
    }

    private static OptionalLong number(Optional<String> value) {
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        String v = value.get().trim();
        if (!v.matches("-?[0-9]{1,18}")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(v));
    }

    private static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
