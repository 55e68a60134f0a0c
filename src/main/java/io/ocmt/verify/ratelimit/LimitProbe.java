package io.ocmt.verify.ratelimit;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Redactor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spends one endpoint's rate-limit budget with as few requests as the check needs, and judges what
 * the limiter said on the way. The budget is read from the first answer's RateLimit-Remaining, so a
 * window that earlier requests already used is neither overrun nor mistaken for a miscount; where
 * the window is short enough to wait for, a window already running is waited out first, so the
 * whole limit is seen in one fresh window that cannot end halfway through.
 */
public final class LimitProbe {

    private static final Logger LOG = LoggerFactory.getLogger(LimitProbe.class);
    /** Waiting this much past a window's end absorbs whole-second headers and the two machines' clocks. */
    private static final Duration MARGIN = Duration.ofSeconds(1);

    /** Sends the endpoint's request once. */
    @FunctionalInterface
    public interface Sender {
        Exchange send();
    }

    /** One request of a probe: its number in the judged sequence (from 1), the answer, and when it arrived here. */
    public record Sent(int number, Exchange exchange, LimitHeaders headers, Instant receivedAt) {

        public boolean refused() {
            return headers.refusedByLimiter();
        }

        String subject() {
            return exchange.describe() + " (request " + number + ")";
        }
    }

    /**
     * What an exact-limit probe saw.
     *
     * @param sequence every request from the first of the judged window to the refusal (or the one that was not refused)
     * @param budget   how many requests should have passed: the limit, or what was left of it
     * @param refusal  the first request the limiter refused
     * @param findings what disagrees with the policy
     */
    public record Result(String endpoint, Policy.RateLimit limit, List<Sent> sequence, int budget, Optional<Sent> refusal,
                         List<Finding> findings) {

        /** One line per request: number, status, and the limiter's headers, for the report. */
        public String table() {
            StringBuilder out = new StringBuilder(endpoint + ": limit " + limit.limit() + " per " + limit.windowSeconds()
                    + " s; " + budget + " should pass, request " + (budget + 1) + " should get 429\n");
            out.append(String.format("%-8s %-8s %-7s %-6s %-10s %-12s %-11s %s%n", "request", "after ms", "status", "limit", "remaining", "reset",
                    "retry-after", "code"));
            Instant start = sequence.get(0).receivedAt();
            for (Sent s : sequence) {
                LimitHeaders h = s.headers();
                out.append(String.format("%-8d %-8d %-7d %-6s %-10s %-12s %-11s %s%n", s.number(), Duration.between(start, s.receivedAt()).toMillis(),
                        s.exchange().status(), text(h.limit()), text(h.remaining()), text(h.reset()), h.retryAfter().orElse("-"), h.code().orElse("-")));
            }
            return out.toString();
        }
    }

    private final Policy.RateLimit limit;
    private final String endpoint;
    private final long maxWaitSeconds;
    private final Sender sender;

    public LimitProbe(Policy.RateLimit limit, long maxWaitSeconds, Sender sender) {
        this.limit = limit;
        this.endpoint = LimitedEndpoint.describe(limit);
        this.maxWaitSeconds = maxWaitSeconds;
        this.sender = sender;
    }

    /** Whether the policy's window is short enough to wait for (policy.session.maxWaitSeconds). */
    public boolean waitable() {
        return limit.windowSeconds() <= maxWaitSeconds;
    }

    /**
     * Sends what is left of the budget, then one request more, which must be the first refused; and
     * judges Retry-After, OCMT's 429 body and the RateLimit headers on every answer. At most the
     * budget plus one requests, and one more before them when a window had to be waited out; where
     * the window is short enough to wait for and ends while the requests are sent, the next window
     * is judged instead, once (at most the limit plus one more).
     *
     * @throws AssertionError when the budget is already used up for longer than the suite may wait
     */
    public Result exactLimit() {
        return exactLimit(null);
    }

    /**
     * The same, with {@code lastAllowed} sent as the last request that should pass instead of the
     * endpoint's own: for a limit that guards every route, the request that ends the probe's session
     * (a logout) can be the one that spends the budget, so the session is gone before the refusal
     * that would keep this runner from ending it.
     */
    public Result exactLimit(Sender lastAllowed) {
        Sent first = firstOfWindow();
        boolean restarted = false;
        while (true) {
            int budget = budget(first);
            List<Sent> sequence = new ArrayList<>(List.of(first));
            Sent refusal = null;
            Sent newWindow = null;
            for (int n = 2; n <= budget + 1 && refusal == null && newWindow == null; n++) {
                Sent s = n == budget && lastAllowed != null ? send(n, lastAllowed) : send(n);
                sequence.add(s);
                if (s.refused()) {
                    refusal = s;
                } else if (startsNewWindow(first, sequence.get(sequence.size() - 2), s)) {
                    newWindow = s;
                }
            }
            if (newWindow == null) {
                return new Result(endpoint, limit, List.copyOf(sequence), budget, Optional.ofNullable(refusal),
                        judge(sequence, budget, refusal));
            }
            long ms = Duration.between(first.receivedAt(), newWindow.receivedAt()).toMillis();
            if (restarted || !waitable()) {
                throw new TestAbortedException("Not verified: " + endpoint + ": the window ended during the check, so the count cannot be judged: request "
                        + newWindow.number() + ", " + ms + " ms after request 1, opened a new one (RateLimit-Remaining "
                        + newWindow.headers().remaining().getAsLong() + ", RateLimit-Reset " + newWindow.headers().reset().getAsLong()
                        + " instead of " + first.headers().reset().getAsLong() + ")"
                        + (restarted ? ", for the second time: " + (budget + 1) + " requests do not fit in the " + limit.windowSeconds()
                        + " s window from this runner" : "; run the ratelimit tag again"));
            }
            // A short window can end while the requests are still being sent (a slow moment of the
            // runner); the answer that opened the next one is the first of a whole fresh window.
            LOG.info("{}: the window ended {} ms after request 1; judging the next one from its first request", Redactor.text(endpoint), ms);
            restarted = true;
            first = new Sent(1, newWindow.exchange(), newWindow.headers(), newWindow.receivedAt());
        }
    }

    /**
     * Whether {@code s} is the first request of a later window of this limit: its whole budget left
     * again, where the request before had less, and a later end than the first request's window.
     * Counting per replica makes neither jump: each replica's count only falls.
     */
    private boolean startsNewWindow(Sent first, Sent previous, Sent s) {
        LimitHeaders h = s.headers();
        // Only once request 1's window is over can a new one open; before that, a whole budget and a
        // later end are another replica's own count, which is the miscount the check is about.
        boolean firstWindowOver = first.headers().windowEnd(first.receivedAt())
                .map(end -> !s.receivedAt().isBefore(end.minusSeconds(1))).orElse(false);
        return firstWindowOver && h.limit().orElse(-1) == limit.limit() && h.remaining().orElse(-1) == limit.limit()
                && previous.headers().remaining().orElse(Long.MAX_VALUE) < limit.limit()
                && h.reset().isPresent() && first.headers().reset().isPresent()
                && h.reset().getAsLong() > first.headers().reset().getAsLong();
    }

    /**
     * Makes sure this runner's budget is used up now, with at least {@code minLeft} of the window
     * still ahead where the window can be waited for; returns the refused request. Sends one request
     * when the budget is already gone, otherwise at most one more than what is left.
     *
     * @throws AssertionError when the endpoint does not refuse within its budget plus one
     */
    public Sent useUp(Duration minLeft) {
        Sent s = send(1);
        if (s.refused()) {
            Optional<Instant> end = s.headers().windowEnd(s.receivedAt());
            boolean enoughLeft = end.map(e -> !Duration.between(Instant.now(), e).minus(minLeft).isNegative()).orElse(true);
            if (enoughLeft || !waitable()) {
                return s;
            }
            waitUntil(end.get().plus(MARGIN), "the window of " + endpoint + " to end, so a fresh one can be used up");
            s = send(1);
            if (s.refused()) {
                return s;
            }
        }
        int budget = budget(s);
        for (int n = 2; n <= budget + 1; n++) {
            Sent next = send(n);
            if (next.refused()) {
                return next;
            }
            s = next;
        }
        throw new AssertionError(endpoint + " did not refuse request " + s.number() + " (" + s.exchange().describe()
                + "), one past its budget of " + budget + " (limit " + limit.limit() + " per " + limit.windowSeconds()
                + " s): the limit itself does not hold, so whether other spellings get a fresh budget cannot be shown");
    }

    /** The first request of the window the probe judges; waits where the budget is used up or a window is already running. */
    private Sent firstOfWindow() {
        Sent first = send(1);
        if (first.refused()) {
            return afterWindow(first, "its budget was already used up by earlier requests");
        }
        if (waitable() && partlyUsed(first)) {
            Optional<Instant> end = first.headers().windowEnd(first.receivedAt());
            if (end.isPresent()) {
                // A window that is already running may end halfway through the sequence, which would
                // look like a miscount; a fresh one shows the whole limit.
                waitUntil(end.get().plus(MARGIN), "the running window of " + endpoint + " to end, so the whole limit is seen");
                Sent again = send(1);
                if (again.refused()) {
                    throw new AssertionError(endpoint + " refused " + again.exchange().describe()
                            + ", the first request after the window its RateLimit-Reset announced had ended");
                }
                return again;
            }
        }
        return first;
    }

    private Sent afterWindow(Sent refused, String why) {
        Optional<Instant> end = refused.headers().windowEnd(refused.receivedAt());
        if (end.isEmpty()) {
            throw new AssertionError(endpoint + " refused the first request (" + refused.exchange().describe() + "): " + why
                    + ", and the 429 carries neither Retry-After nor RateLimit-Reset, so the suite cannot tell when to try again");
        }
        long seconds = Math.max(0, Duration.between(Instant.now(), end.get()).toSeconds());
        if (seconds > maxWaitSeconds) {
            // The budget is spent, which says nothing about whether the limit is right: not verified, not failed.
            throw new TestAbortedException("Not verified: " + endpoint + " refused the first request (" + refused.exchange().describe()
                    + "): " + why + ", for " + seconds + " s more (until " + end.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + "), longer than policy.session.maxWaitSeconds=" + maxWaitSeconds + ", so the count cannot be seen. Run the ratelimit tag"
                    + " again after " + end.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", or raise the wait bound.");
        }
        waitUntil(end.get().plus(MARGIN), "the used-up window of " + endpoint + " to end");
        Sent again = send(1);
        if (again.refused()) {
            throw new AssertionError(endpoint + " still refuses " + again.exchange().describe() + " after the window its 429 named ended ("
                    + end.get() + ")");
        }
        return again;
    }

    private boolean partlyUsed(Sent s) {
        LimitHeaders h = s.headers();
        return h.limit().orElse(-1) == limit.limit() && h.remaining().isPresent() && h.remaining().getAsLong() < limit.limit();
    }

    /**
     * How many requests, the first included, should pass: what RateLimit-Remaining says is left when
     * the answer is about this policy's limit, else the whole limit (a missing or foreign header is a
     * finding of its own, and the limit is the most the suite may spend).
     */
    private int budget(Sent first) {
        LimitHeaders h = first.headers();
        if (h.limit().orElse(-1) == limit.limit() && h.remaining().isPresent()) {
            return (int) Math.max(1, Math.min(limit.limit(), h.remaining().getAsLong()));
        }
        return limit.limit();
    }

    private Sent send(int number) {
        return send(number, sender);
    }

    private static Sent send(int number, Sender via) {
        Exchange e = via.send();
        return new Sent(number, e, LimitHeaders.of(e), Instant.now());
    }

    List<Finding> judge(List<Sent> sequence, int budget, Sent refusal) {
        String control = "Rate limit " + endpoint;
        long max = limit.limit();
        long window = limit.windowSeconds();
        String allowance = budget == max ? "the limit of " + max + " per " + window + " s"
                : "the " + budget + " requests left of the limit of " + max + " per " + window + " s (RateLimit-Remaining of request 1)";
        List<Finding> findings = new ArrayList<>();

        Sent last = sequence.get(sequence.size() - 1);
        if (refusal == null) {
            findings.add(new Finding(control, last.subject(), "429 on request " + (budget + 1) + ", one past " + allowance,
                    "request " + last.number() + " was not refused: it got " + last.exchange().status()
                            + last.headers().remaining().stream().mapToObj(r -> " with RateLimit-Remaining " + r).findFirst().orElse("")));
        } else if (refusal.number() <= budget) {
            findings.add(new Finding(control, refusal.subject(), "requests 1 to " + budget + " to pass (" + allowance + ")",
                    "request " + refusal.number() + " was already refused with 429"));
        }

        for (Sent s : sequence) {
            OptionalLong l = s.headers().limit();
            if (l.isEmpty() || l.getAsLong() != max) {
                findings.add(new Finding(control, s.subject(), "RateLimit-Limit: " + max + " on every answer",
                        l.isEmpty() ? "request " + s.number() + " has none" : "request " + s.number() + " says " + l.getAsLong()));
                break;
            }
        }

        remainingCountsDown(sequence, control).ifPresent(findings::add);

        for (Sent s : sequence) {
            OptionalLong in = s.headers().resetInSeconds(s.receivedAt());
            if (in.isEmpty()) {
                findings.add(new Finding(control, s.subject(), "RateLimit-Reset: the window's end in epoch seconds",
                        "request " + s.number() + " has " + (s.headers().reset().isEmpty() && s.exchange().has("RateLimit-Reset")
                                ? "'" + Redactor.text(s.exchange().all("RateLimit-Reset").get(0)) + "', not a number" : "none")));
                break;
            }
            // Whole seconds on both sides: the server rounds the end up, Date is truncated.
            if (in.getAsLong() < -1 || in.getAsLong() > window + 1) {
                findings.add(new Finding(control, s.subject(), "RateLimit-Reset within the " + window + " s window (0 to " + window
                        + " s after the server's Date)", "request " + s.number() + " says " + s.headers().reset().getAsLong()
                        + ", " + in.getAsLong() + " s from the server's Date"));
                break;
            }
        }

        windowTooShort(sequence.get(0), control, window).ifPresent(findings::add);

        if (refusal != null) {
            judgeRefusal(refusal, control, window, findings);
        }
        return findings;
    }

    /**
     * A window shorter than the policy's lets the same budget through more often (3 per 30 minutes
     * is 6 per hour). Only the first request of a fresh window shows its whole length: it has its
     * whole budget left, and RateLimit-Reset is then a window away.
     */
    static Optional<Finding> windowTooShort(Sent first, String control, long window) {
        LimitHeaders h = first.headers();
        OptionalLong in = h.resetInSeconds(first.receivedAt());
        boolean fresh = h.limit().isPresent() && h.remaining().isPresent() && h.remaining().getAsLong() == h.limit().getAsLong();
        // Two seconds for rounding the end up and truncating Date, as above.
        if (!fresh || in.isEmpty() || in.getAsLong() >= window - 2) {
            return Optional.empty();
        }
        return Optional.of(new Finding(control, first.subject(), "a window of " + window + " s: RateLimit-Reset " + window
                + " s after the first request of a fresh window",
                "request " + first.number() + ", the first of a fresh window (RateLimit-Remaining " + h.remaining().getAsLong()
                        + " of " + h.limit().getAsLong() + "), says the window ends " + in.getAsLong() + " s later: the same budget comes back "
                        + "every " + in.getAsLong() + " s"));
    }

    private static void judgeRefusal(Sent refusal, String control, long window, List<Finding> findings) {
        LimitHeaders h = refusal.headers();
        String subject = refusal.subject();
        String n = "request " + refusal.number();
        OptionalLong retryAfter = h.retryAfterSeconds();
        if (h.retryAfter().isEmpty()) {
            findings.add(new Finding(control, subject, "Retry-After on the 429: the seconds until the window ends (at most " + window + ")",
                    n + "'s 429 has no Retry-After header"));
        } else if (retryAfter.isEmpty() || retryAfter.getAsLong() < 0) {
            findings.add(new Finding(control, subject, "Retry-After as a number of seconds (at most " + window + ")",
                    n + "'s 429 says Retry-After: " + Redactor.text(h.retryAfter().get())));
        } else if (retryAfter.getAsLong() > window) {
            findings.add(new Finding(control, subject, "Retry-After at most the window, " + window + " s",
                    n + "'s 429 says Retry-After: " + retryAfter.getAsLong()));
        }
        if (!h.code().filter(LimitHeaders.RATE_LIMIT_EXCEEDED::equals).isPresent()) {
            findings.add(new Finding(control, subject, "OCMT's 429 body with code " + LimitHeaders.RATE_LIMIT_EXCEEDED + " and retryAfter",
                    n + "'s body has " + h.code().map(c -> "code " + Redactor.text(c)).orElse("no code") + ": "
                            + Redactor.text(abbreviate(refusal.exchange().body()))));
        }
        if (h.bodyRetryAfter().isEmpty()) {
            findings.add(new Finding(control, subject, "retryAfter (seconds) in the 429 body",
                    n + "'s body has none: " + Redactor.text(abbreviate(refusal.exchange().body()))));
        } else if (h.bodyRetryAfter().getAsLong() > window || h.bodyRetryAfter().getAsLong() < 0) {
            findings.add(new Finding(control, subject, "retryAfter in the 429 body between 0 and the window, " + window + " s",
                    n + "'s body says " + h.bodyRetryAfter().getAsLong()));
        } else if (retryAfter.isPresent() && Math.abs(retryAfter.getAsLong() - h.bodyRetryAfter().getAsLong()) > 1) {
            findings.add(new Finding(control, subject, "the body's retryAfter to agree with Retry-After",
                    n + " says Retry-After " + retryAfter.getAsLong() + " and retryAfter " + h.bodyRetryAfter().getAsLong()));
        }
    }

    /** RateLimit-Remaining must drop by exactly one per request, to 0 on the refusal: the count is the sum over every replica. */
    private static Optional<Finding> remainingCountsDown(List<Sent> sequence, String control) {
        String shown = sequence.stream().map(s -> text(s.headers().remaining())).collect(Collectors.joining(", "));
        for (int i = 0; i < sequence.size(); i++) {
            Sent s = sequence.get(i);
            OptionalLong r = s.headers().remaining();
            if (r.isEmpty()) {
                return Optional.of(new Finding(control, s.subject(), "RateLimit-Remaining on every answer, one less per request",
                        "request " + s.number() + " has none (the sequence was " + shown + ")"));
            }
            if (i == 0) {
                continue;
            }
            long expected = Math.max(0, sequence.get(i - 1).headers().remaining().getAsLong() - 1);
            if (r.getAsLong() != expected) {
                return Optional.of(new Finding(control, s.subject(), "RateLimit-Remaining " + expected + " on request " + s.number()
                        + ", one less than on request " + (s.number() - 1),
                        "it says " + r.getAsLong() + " (the sequence was " + shown + ")" + repeatHint(sequence)));
            }
        }
        return Optional.empty();
    }

    /** Values that come twice are what two replicas counting apart look like, behind a round-robin proxy. */
    private static String repeatHint(List<Sent> sequence) {
        Set<Long> seen = new HashSet<>();
        boolean repeats = sequence.stream().filter(s -> !s.refused()).map(s -> s.headers().remaining())
                .filter(OptionalLong::isPresent).anyMatch(r -> !seen.add(r.getAsLong()));
        return repeats ? "; values repeat, as when each replica counts only the requests it served" : "";
    }

    /** Waits with Awaitility (no request is sent meanwhile) and shows the wait as a step of the report. */
    public static void waitUntil(Instant end, String what) {
        Duration left = Duration.between(Instant.now(), end);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        String text = "waiting " + (left.toMillis() + 999) / 1000 + " s for " + what + " (until " + end + ")";
        LOG.info("{}", Redactor.text(text));
        Evidence.step(text);
        Awaitility.await(what)
                .atMost(left.plusSeconds(5))
                .pollDelay(Duration.ofMillis(Math.min(100, left.toMillis())))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !Instant.now().isBefore(end));
    }

    private static String text(OptionalLong v) {
        return v.isPresent() ? Long.toString(v.getAsLong()) : "-";
    }

    private static String abbreviate(String body) {
        String b = body == null ? "" : body.strip();
        return b.length() <= 200 ? b : b.substring(0, 200) + "…";
    }
}
