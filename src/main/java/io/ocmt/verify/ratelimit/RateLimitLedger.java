package io.ocmt.verify.ratelimit;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sees every request a suite sends through {@link Http#with}: counts them (the footprint the issue
 * asks to be stated), and keeps the last answer of each limited endpoint to this runner's own
 * address, so the report can say where the runner is limited now and until when. Requests that
 * claim another client address are counted but not taken as the runner's state.
 */
public final class RateLimitLedger implements Filter {

    private final List<Policy.RateLimit> limits;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, Integer> byRoute = new TreeMap<>();
    private final Map<Policy.RateLimit, Seen> last = new LinkedHashMap<>();

    /** The last answer of an endpoint, and when it arrived here. */
    public record Seen(Exchange exchange, LimitHeaders headers, Instant receivedAt) {
    }

    public RateLimitLedger(List<Policy.RateLimit> limits) {
        this.limits = List.copyOf(limits);
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec, FilterContext ctx) {
        URI uri = URI.create(request.getURI());
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String route = method + " " + LimitedEndpoint.canonical(uri.getRawPath() == null ? "/" : uri.getRawPath());
        total.incrementAndGet();
        synchronized (byRoute) {
            byRoute.merge(route, 1, Integer::sum);
        }
        Response response = ctx.next(request, responseSpec);
        // Through a proxy the target counts the proxy's address, not this runner's.
        boolean forwarding = request.getProxySpecification() != null;
        for (Header h : request.getHeaders()) {
            String n = h.getName().toLowerCase(Locale.ROOT);
            forwarding |= n.equals("x-forwarded-for") || n.equals("x-real-ip") || n.equals("forwarded");
        }
        if (!forwarding) {
            observe(method, uri, Http.exchange(method, uri, response), Instant.now());
        }
        return response;
    }

    /** Records an answer to the runner's own address, when it is one of the policy's endpoints. */
    void observe(String method, URI uri, Exchange exchange, Instant receivedAt) {
        String path = LimitedEndpoint.canonical(uri.getRawPath() == null ? "/" : uri.getRawPath());
        for (Policy.RateLimit limit : limits) {
            if (limit.method().equalsIgnoreCase(method) && LimitedEndpoint.canonical(limit.path()).equals(path)) {
                synchronized (last) {
                    last.put(limit, new Seen(exchange, LimitHeaders.of(exchange), receivedAt));
                }
            }
        }
    }

    /** Every request sent so far, whatever its answer. */
    public int total() {
        return total.get();
    }

    /** Requests per method and path (lower case, without query or trailing slash). */
    public Map<String, Integer> byRoute() {
        synchronized (byRoute) {
            return Map.copyOf(byRoute);
        }
    }

    public Optional<Seen> last(Policy.RateLimit limit) {
        synchronized (last) {
            return Optional.ofNullable(last.get(limit));
        }
    }

    /**
     * One line per endpoint of the policy: whether this runner's address is refused now and until
     * when, or how much of the budget is left until the window ends, from the endpoint's last answer.
     */
    public String limitedNow(Instant now) {
        StringBuilder out = new StringBuilder("This runner's rate-limit state at " + now.truncatedTo(ChronoUnit.SECONDS)
                + ", from the last answer of each limited endpoint (times are UTC)\n\n");
        for (Policy.RateLimit limit : limits) {
            out.append(LimitedEndpoint.describe(limit)).append(": ").append(state(limit, now)).append('\n');
        }
        return out.toString();
    }

    private String state(Policy.RateLimit limit, Instant now) {
        Optional<Seen> seen = last(limit);
        if (seen.isEmpty()) {
            return "not sent to by this tag";
        }
        Seen s = seen.get();
        Optional<Instant> end = s.headers().windowEnd(s.receivedAt()).map(e -> e.truncatedTo(ChronoUnit.SECONDS));
        String until = end.map(e -> e.isAfter(now) ? " until " + e + " (" + (e.getEpochSecond() - now.getEpochSecond()) + " s from now)"
                : " until " + e + ", which has passed").orElse(", end unknown (no RateLimit-Reset or Retry-After)");
        if (s.headers().refusedByLimiter()) {
            return "LIMITED: the last request got 429" + until;
        }
        if (s.headers().remaining().isPresent()) {
            long left = Math.max(0, s.headers().remaining().getAsLong() - 1);
            long of = s.headers().limit().orElse(limit.limit());
            String foreign = of == limit.limit() ? "" : " (RateLimit-Limit " + of + ", not the policy's " + limit.limit() + ")";
            return (left == 0 ? "LIMITED: the budget is used up" : left + " of " + of + " requests left") + foreign + until;
        }
        return "last answer " + s.exchange().status() + " without RateLimit headers";
    }

    /** The count, per route, for the closing note of a run. */
    public String requestCount() {
        StringBuilder out = new StringBuilder("Requests sent by the ratelimit tag: " + total() + "\n\n");
        byRoute().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(String.format("%5d  %s%n", e.getValue(), e.getKey())));
        return out.toString();
    }
}
