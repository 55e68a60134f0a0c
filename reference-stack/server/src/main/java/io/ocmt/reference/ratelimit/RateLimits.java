package io.ocmt.reference.ratelimit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.ocmt.reference.ServerSettings;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.net.ClientAddress;
import io.ocmt.reference.net.ProxyTrust;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * OCMT's rate limits as one Javalin before-handler, matched on the canonical path so it guards a
 * route whether or not (and however) the route itself is registered, plus an after-handler that
 * gives back what skipFailedRequests limiters counted for a request that failed.
 */
public final class RateLimits {

    public static final String LIMIT = "RateLimit-Limit";
    public static final String REMAINING = "RateLimit-Remaining";
    public static final String RESET = "RateLimit-Reset";
    public static final String RETRY_AFTER = "Retry-After";
    public static final String CODE = "RATE_LIMIT_EXCEEDED";

    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PENDING = RateLimits.class.getName() + ".pending";

    /** Limiters that counted a request only on condition that it succeeds. */
    private record Pending(String ip, List<String> limiters) {
    }

    private final RateLimiter limiter;
    private final ProxyTrust trust;
    private final boolean retryAfter;
    private final PrintStream events;
    private final LongSupplier clock;

    private RateLimits(RateLimiter limiter, ProxyTrust trust, boolean retryAfter, PrintStream events,
                       LongSupplier clock) {
        this.limiter = limiter;
        this.trust = trust;
        this.retryAfter = retryAfter;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Installs the limits read from the environment, with the server's switches.
     *
     * @throws io.ocmt.reference.ConfigurationException when a rate-limit or proxy variable is malformed
     */
    public static void install(Javalin app, ServerSettings settings) {
        ProxyTrust trust = ClientAddress.trust();
        // The server's switches may be set in code (tests) rather than in the environment.
        if (settings.switches().is(Switch.TRUST_ANY_PROXY, "1")) {
            trust = trust.withTrustAnyone();
        }
        install(app, settings.switches(), RateLimitSettings.fromEnvironment(System.getenv()),
                trust, System::currentTimeMillis, io.ocmt.reference.SecurityLog.stream(settings.switches(), System.getenv()));
    }

    /** Everything explicit, for tests: a fake clock, the settings, where security events go. */
    public static RateLimiter install(Javalin app, Switches switches, RateLimitSettings settings,
                                      ProxyTrust trust, LongSupplier clock, PrintStream events) {
        boolean perReplica = switches.is(Switch.RATE_LIMIT_PER_REPLICA, "1");
        CounterStore store = perReplica || settings.redisUrl().isEmpty()
                ? new MemoryCounterStore(clock)
                : new RedisCounterStore(settings.redisUrl().get(), !switches.is(Switch.RATE_LIMIT_EXPIRY, "1"));
        Set<String> disabled = switches.value(Switch.RATE_LIMIT).map(Set::of).orElse(Set.of());
        RateLimiter limiter = new RateLimiter(settings, disabled, store, clock);
        RateLimits limits = new RateLimits(limiter, trust, !switches.is(Switch.RETRY_AFTER, "1"), events, clock);
        app.before(limits::handle);
        app.after(limits::settle);
        app.events(e -> e.serverStopped(store::close));
        LOG.info("Rate limits: {}; counted in {}; disabled: {}; client address: {}",
                settings.describe(), store.describe(), disabled.isEmpty() ? "none" : disabled, trust.describe());
        return limiter;
    }

    /**
     * OCMT's order: the general API limiter (mounted on /api) first, then the route's own. Each
     * limiter evaluated overwrites the RateLimit-* headers, as Express's setHeader does, so the
     * route's limiter is the one a client sees; a refusal ends the request there, so a limiter
     * after the refusing one counts nothing.
     */
    private void handle(Context ctx) {
        // Preflights are answered by CORS ahead of OCMT's limiters and never reach them.
        if (ctx.method() == HandlerType.OPTIONS) {
            return;
        }
        List<String> names = RequestPaths.limitersFor(ctx.req().getRequestURI());
        if (names.isEmpty()) {
            return;
        }
        String ip = ClientAddress.resolve(ctx, trust);
        List<String> conditional = new ArrayList<>(1);
        for (String name : names) {
            Optional<RateLimiter.Decision> decision = limiter.check(name, ip);
            if (decision.isEmpty()) {
                continue;
            }
            RateLimiter.Decision d = decision.get();
            ctx.header(LIMIT, Long.toString(d.limiter().max()));
            ctx.header(REMAINING, Long.toString(d.remaining()));
            ctx.header(RESET, Long.toString(d.resetEpochSeconds()));
            if (!d.allowed()) {
                // The 429 is a failed request too; settle() will not run after skipRemainingHandlers.
                conditional.forEach(n -> limiter.giveBack(n, ip));
                refuse(ctx, d, ip);
                return;
            }
            if (d.limiter().skipFailedRequests()) {
                conditional.add(name);
            }
        }
        if (!conditional.isEmpty()) {
            ctx.attribute(PENDING, new Pending(ip, conditional));
        }
    }

    /**
     * OCMT's skipFailedRequests: a request that ends with a status of 400 or more is given back,
     * whichever later handler failed it. After-handlers run after exception mapping, so the status
     * is the one the client gets.
     */
    private void settle(Context ctx) {
        Pending pending = ctx.attribute(PENDING);
        if (pending == null || ctx.statusCode() < 400) {
            return;
        }
        pending.limiters().forEach(n -> limiter.giveBack(n, pending.ip()));
    }

    private void refuse(Context ctx, RateLimiter.Decision d, String ip) {
        securityEvent(d, ip, ctx);
        if (retryAfter) {
            ctx.header(RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
        }
        ctx.status(429).contentType("application/json; charset=utf-8").result(body(d.limiter(), d.retryAfterSeconds()));
        ctx.skipRemainingHandlers();
    }

    static String body(Limiter limiter, long retryAfterSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", limiter.message());
        body.put("code", CODE);
        body.put("retryAfter", retryAfterSeconds);
        return json(body);
    }

    /** One JSON line on stdout, the checklist's "rate limit violations" security event. */
    private void securityEvent(RateLimiter.Decision d, String ip, Context ctx) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "security_event");
        event.put("event", "rate_limit_exceeded");
        event.put("limiter", d.limiter().name());
        event.put("ip", ip);
        event.put("method", ctx.method().name());
        // The path only: a query string may carry a magic-link token.
        event.put("path", ctx.req().getRequestURI());
        // What the window holds; the refused request itself is not counted.
        event.put("count", d.countBefore());
        event.put("limit", d.limiter().max());
        event.put("timestamp", Instant.ofEpochMilli(clock.getAsLong()).toString());
        events.println(json(event));
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
