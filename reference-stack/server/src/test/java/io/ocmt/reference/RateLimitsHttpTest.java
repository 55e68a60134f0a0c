package io.ocmt.reference;

import io.javalin.Javalin;
import io.ocmt.reference.net.ProxyTrust;
import io.ocmt.reference.ratelimit.Limiter;
import io.ocmt.reference.ratelimit.MemoryCounterStore;
import io.ocmt.reference.ratelimit.RateLimitSettings;
import io.ocmt.reference.ratelimit.RateLimiter;
import io.ocmt.reference.ratelimit.RateLimits;
import io.ocmt.reference.ratelimit.RedisCounterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits on the wire, with OCMT's semantics: count before increment, refusals not counted,
 * general-api counting successes only, the route limiter's headers winning.
 */
class RateLimitsHttpTest {

    private static final String HTTPS = "X-Forwarded-Proto: https";
    private static final String JSON = "Content-Type: application/json";
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
    /** Where each limiter's route is reached in these tests. */
    private static final Map<String, String[]> ROUTE = Map.of(
            Limiter.STRICT_AUTH, new String[] {"GET", "/api/auth/verify?token=abc"},
            Limiter.LOGIN, new String[] {"POST", "/api/auth/login"},
            Limiter.VAULT_UNLOCK, new String[] {"POST", "/api/vault/unlock"},
            Limiter.RECOVERY, new String[] {"POST", "/api/vault/recover"},
            Limiter.SESSIONS, new String[] {"GET", "/api/auth/sessions"},
            Limiter.GENERAL_API, new String[] {"GET", "/api/ok"});

    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
    }

    /**
     * Without a database the server has no login or sessions route; these stand in for successful
     * ones, next to routes that fail on purpose.
     */
    private static void testRoutes(Javalin app) {
        app.get("/api/ok", ctx -> ctx.result("{}"));
        app.post("/api/ok", ctx -> ctx.result("{}"));
        app.post("/api/auth/login", ctx -> ctx.result("{\"success\":true}"));
        app.get("/api/auth/sessions", ctx -> ctx.result("{\"sessions\":[],\"count\":0}"));
        app.get("/api/boom", ctx -> {
            throw new IllegalStateException("a later handler fails");
        });
    }

    /** The server as deployed: limits from the environment (OCMT's profile), the given switches. */
    private int start(Map<Switch, String> switches) {
        ReferenceServer server = new ReferenceServer(ServerSettings.forTest(Switches.of(switches)),
                RateLimitsHttpTest::testRoutes);
        int port = server.start();
        cleanup.add(server::stop);
        return port;
    }

    /** Limits installed explicitly: settings from {@code env}, a fake clock, behind a trusted loopback proxy. */
    private RateLimiter explicit(Map<String, String> env, Map<Switch, String> switches, AtomicLong now,
                                 ByteArrayOutputStream events, int[] port) {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.router.caseInsensitiveRoutes = true;
            config.router.ignoreTrailingSlashes = true;
        });
        RateLimiter limiter = RateLimits.install(app, Switches.of(switches), RateLimitSettings.fromEnvironment(env),
                ProxyTrust.of(true, "127.0.0.1/32,::1/128", false), now::get,
                new PrintStream(events, true, StandardCharsets.UTF_8));
        testRoutes(app);
        app.exception(Exception.class, (e, ctx) -> ctx.status(500).result("{}"));
        port[0] = app.start(0).port();
        cleanup.add(app::stop);
        return limiter;
    }

    private int explicit(Map<String, String> env, Map<Switch, String> switches) {
        int[] port = new int[1];
        explicit(env, switches, new AtomicLong(System.currentTimeMillis()), new ByteArrayOutputStream(), port);
        return port[0];
    }

    private static RawHttp.Response login(int port, String path, String... extra) throws IOException {
        String[] headers = new String[extra.length + 2];
        headers[0] = HTTPS;
        headers[1] = JSON;
        System.arraycopy(extra, 0, headers, 2, extra.length);
        return RawHttp.request(port, "POST", path, EMPTY_OBJECT, headers);
    }

    private static RawHttp.Response send(int port, String limiter) throws IOException {
        String[] route = ROUTE.get(limiter);
        return route[0].equals("GET") ? RawHttp.get(port, route[1], HTTPS) : login(port, route[1]);
    }

    private static String remaining(RawHttp.Response r) {
        return r.first(RateLimits.REMAINING);
    }

    @Test
    void exactlyTenLoginsPassAndTheEleventhIsRefusedWithOcmtsAnswer() throws IOException {
        int port = start(Map.of());
        long before = System.currentTimeMillis() / 1000;
        for (int i = 1; i <= 10; i++) {
            RawHttp.Response r = login(port, "/api/auth/login");
            assertEquals(200, r.status, "attempt " + i + ": " + r);
            // The route's limiter is evaluated after general-api, so its headers are the ones sent.
            assertEquals(List.of("10"), r.all(RateLimits.LIMIT), r.toString());
            assertEquals(List.of(Integer.toString(11 - i)), r.all(RateLimits.REMAINING), r.toString());
            long reset = Long.parseLong(r.first(RateLimits.RESET));
            assertTrue(reset >= before + 900 && reset <= before + 902, "absolute epoch seconds: " + reset);
        }
        RawHttp.Response refused = login(port, "/api/auth/login");
        assertEquals(429, refused.status, refused.toString());
        int retryAfter = Integer.parseInt(refused.first(RateLimits.RETRY_AFTER));
        assertTrue(retryAfter > 890 && retryAfter <= 900, refused.toString());
        assertEquals("{\"error\":\"Too many login attempts. Please try again in 15 minutes.\","
                + "\"code\":\"RATE_LIMIT_EXCEEDED\",\"retryAfter\":" + retryAfter + "}", refused.body);
        assertTrue(refused.first("Content-Type").startsWith("application/json"), refused.toString());
        assertEquals(List.of("10"), refused.all(RateLimits.LIMIT));
        assertEquals(List.of("0"), refused.all(RateLimits.REMAINING));
        // The refusal still carries the app's security headers.
        assertEquals(List.of("DENY"), refused.all("X-Frame-Options"));
    }

    @Test
    void verifyHasItsOwnBudgetOfFive() throws IOException {
        int port = start(Map.of());
        for (int i = 1; i <= 5; i++) {
            RawHttp.Response r = send(port, Limiter.STRICT_AUTH);
            assertNotEquals(429, r.status, r.toString());
            assertEquals("5", r.first(RateLimits.LIMIT));
            assertEquals(Integer.toString(6 - i), remaining(r));
        }
        RawHttp.Response refused = send(port, Limiter.STRICT_AUTH);
        assertEquals(429, refused.status);
        assertTrue(refused.body.startsWith("{\"error\":\"Too many authentication attempts. Please try again in 15 minutes.\""),
                refused.body);
        assertEquals("10", remaining(login(port, "/api/auth/login")), "login is a budget of its own");
    }

    @Test
    void everySpellingOfTheRouteSharesOneBudget() throws IOException {
        int port = start(Map.of());
        String[] variants = {"/API/AUTH/LOGIN", "/api/auth/login/", "//api//auth/login",
                "/api/auth/login?next=/x", "/api/auth/%6Cogin", "/api/./auth/login"};
        for (int i = 0; i < 10; i++) {
            assertNotEquals(429, login(port, variants[i % variants.length]).status, variants[i % variants.length]);
        }
        for (String variant : variants) {
            RawHttp.Response r = login(port, variant);
            // Jetty may refuse an ambiguous spelling itself (400) before any route; never 2xx/4xx from the app.
            assertTrue(r.status == 429 || (r.status == 400 && r.all(RateLimits.LIMIT).isEmpty()), variant + ": " + r);
        }
        assertEquals(429, login(port, "/api/auth/login").status);
    }

    @Test
    void requestsRefusedForTheirBodyStillCountAgainstTheRouteLimiter() throws IOException {
        int port = start(Map.of());
        byte[] malformed = "{nope".getBytes(StandardCharsets.UTF_8);
        byte[] tooLarge = new byte[ReferenceServer.BODY_LIMIT_BYTES + 1];
        for (int i = 0; i < 6; i++) {
            RawHttp.Response r = RawHttp.request(port, "POST", "/api/auth/login", malformed, HTTPS, JSON);
            assertEquals(400, r.status, r.toString());
            assertEquals(List.of("10"), r.all(RateLimits.LIMIT), "headers survive the error path: " + r);
        }
        for (int i = 0; i < 4; i++) {
            RawHttp.Response r = RawHttp.request(port, "POST", "/api/auth/login", tooLarge, HTTPS, JSON);
            assertEquals(413, r.status, r.toString());
        }
        assertEquals(429, login(port, "/api/auth/login").status);
    }

    @Test
    void forwardingHeadersFromAnUntrustedClientGiveNoFreshBudget() throws IOException {
        int port = start(Map.of());
        for (int i = 0; i < 10; i++) {
            login(port, "/api/auth/login", "X-Forwarded-For: 203.0.113." + i, "X-Real-IP: 203.0.113." + i);
        }
        assertEquals(429, login(port, "/api/auth/login", "X-Forwarded-For: 203.0.113.99").status);
    }

    @Test
    void generalApiCoversEveryApiRouteAndNothingElse() throws IOException {
        int port = start(Map.of());
        RawHttp.Response unknown = RawHttp.get(port, "/api/no/such/route", HTTPS);
        assertEquals(404, unknown.status);
        assertEquals(List.of("1000"), unknown.all(RateLimits.LIMIT));
        assertEquals(List.of("1000"), unknown.all(RateLimits.REMAINING));
        RawHttp.Response health = RawHttp.get(port, "/health", HTTPS);
        assertTrue(health.all(RateLimits.LIMIT).isEmpty(), health.toString());
        // Plain HTTP is redirected before anything is counted.
        RawHttp.Response redirected = RawHttp.get(port, "/api/auth/me");
        assertEquals(301, redirected.status);
        assertTrue(redirected.all(RateLimits.LIMIT).isEmpty(), redirected.toString());
    }

    @Test
    void generalApiCountsOnlySuccessfulRequests() throws IOException {
        int port = start(Map.of());
        assertEquals("1000", remaining(RawHttp.get(port, "/api/ok", HTTPS)));
        assertEquals("999", remaining(RawHttp.get(port, "/api/ok", HTTPS)));
        List<RawHttp.Response> failures = List.of(
                RawHttp.get(port, "/api/no/such/route", HTTPS),
                RawHttp.get(port, "/api/auth/me", HTTPS),
                RawHttp.get(port, "/api/boom", HTTPS),
                RawHttp.request(port, "POST", "/api/ok", "{nope".getBytes(StandardCharsets.UTF_8), HTTPS, JSON),
                RawHttp.request(port, "POST", "/api/ok", new byte[ReferenceServer.BODY_LIMIT_BYTES + 1], HTTPS, JSON));
        List<Integer> statuses = failures.stream().map(r -> r.status).toList();
        assertEquals(List.of(404, 401, 500, 400, 413), statuses);
        for (RawHttp.Response r : failures) {
            assertEquals("998", remaining(r), "counted on arrival, given back when it failed: " + r);
        }
        assertEquals("998", remaining(RawHttp.get(port, "/api/ok", HTTPS)));
        assertEquals("997", remaining(RawHttp.get(port, "/api/ok", HTTPS)));
    }

    @Test
    void aRouteLimitersRefusalIsGivenBackToGeneralApi() throws IOException {
        int port = start(Map.of());
        for (int i = 0; i < 10; i++) {
            assertEquals(200, login(port, "/api/auth/login").status);
        }
        assertEquals("990", remaining(RawHttp.get(port, "/api/ok", HTTPS)), "ten successful logins used general-api");
        assertEquals(429, login(port, "/api/auth/login").status);
        assertEquals("989", remaining(RawHttp.get(port, "/api/ok", HTTPS)), "the 429 was not kept");
    }

    @Test
    void headersAreTheLastLimiterEvaluated() throws IOException {
        int hardened = start(Map.of());
        assertEquals("5", send(hardened, Limiter.STRICT_AUTH).first(RateLimits.LIMIT));
        assertEquals("20", send(hardened, Limiter.SESSIONS).first(RateLimits.LIMIT));
        assertEquals("5", send(hardened, Limiter.VAULT_UNLOCK).first(RateLimits.LIMIT));
        assertEquals("3", send(hardened, Limiter.RECOVERY).first(RateLimits.LIMIT));
        assertEquals(List.of("1000"), send(hardened, Limiter.GENERAL_API).all(RateLimits.LIMIT));
        // With the route's limiter off, general-api's headers are the last ones set.
        int noStrict = start(Map.of(Switch.RATE_LIMIT, Limiter.STRICT_AUTH));
        assertEquals(List.of("1000"), send(noStrict, Limiter.STRICT_AUTH).all(RateLimits.LIMIT));
        int noGeneral = start(Map.of(Switch.RATE_LIMIT, Limiter.GENERAL_API));
        assertEquals(List.of("5"), send(noGeneral, Limiter.STRICT_AUTH).all(RateLimits.LIMIT));
        assertTrue(send(noGeneral, Limiter.GENERAL_API).all(RateLimits.LIMIT).isEmpty());
    }

    @Test
    void whenGeneralApiRefusesTheRouteLimiterCountsNothing() throws IOException {
        AtomicLong now = new AtomicLong(1_767_225_600_000L);
        int[] port = new int[1];
        explicit(Map.of("RATE_LIMIT_GENERAL_API_MAX", "2", "RATE_LIMIT_GENERAL_API_WINDOW_MS", "1000"), Map.of(), now,
                new ByteArrayOutputStream(), port);
        assertEquals(200, login(port[0], "/api/auth/login").status);
        assertEquals(200, login(port[0], "/api/auth/login").status);
        RawHttp.Response refused = login(port[0], "/api/auth/login");
        assertEquals(429, refused.status);
        assertTrue(refused.body.startsWith("{\"error\":\"API rate limit exceeded. Please slow down.\""), refused.body);
        assertEquals("2", refused.first(RateLimits.LIMIT), "general-api refused, so its headers are the last set");
        assertEquals("0", remaining(refused));
        now.addAndGet(1000);
        RawHttp.Response next = login(port[0], "/api/auth/login");
        assertEquals("10", next.first(RateLimits.LIMIT));
        assertEquals("8", remaining(next), "login counted the two that passed, not the one general-api refused");
    }

    @Test
    void theChecklistProfileIsStricterAndCountsFailures() throws IOException {
        int port = explicit(Map.of("RATE_LIMIT_PROFILE", "checklist"), Map.of());
        for (int i = 1; i <= 5; i++) {
            RawHttp.Response r = login(port, "/api/auth/login");
            assertEquals(200, r.status);
            assertEquals("5", r.first(RateLimits.LIMIT));
        }
        assertEquals(429, login(port, "/api/auth/login").status);
        // general-api 100 / 15 min, every request counted: six logins (the 429 too), then two 404s.
        RawHttp.Response first404 = RawHttp.get(port, "/api/no/such/route", HTTPS);
        assertEquals(404, first404.status);
        assertEquals("100", first404.first(RateLimits.LIMIT));
        assertEquals("94", remaining(first404));
        assertEquals("93", remaining(RawHttp.get(port, "/api/no/such/route", HTTPS)));
    }

    static List<String> limiterNames() {
        return Limiter.NAMES;
    }

    @ParameterizedTest(name = "BREAK_RATE_LIMIT={0}")
    @MethodSource("limiterNames")
    void breakRateLimitTurnsExactlyThatLimiterOff(String name) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String n : Limiter.NAMES) {
            env.put("RATE_LIMIT_" + n.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_MAX",
                    n.equals(Limiter.GENERAL_API) ? "7" : "2");
        }
        int max = name.equals(Limiter.GENERAL_API) ? 7 : 2;

        int hardened = explicit(env, Map.of());
        for (int i = 0; i < max; i++) {
            assertNotEquals(429, send(hardened, name).status, name + " request " + (i + 1));
        }
        assertEquals(429, send(hardened, name).status, "control: " + name + " refuses request " + (max + 1));

        int broken = explicit(env, Map.of(Switch.RATE_LIMIT, name));
        for (int i = 0; i < max + 3; i++) {
            RawHttp.Response r = send(broken, name);
            assertNotEquals(429, r.status, r.toString());
            if (name.equals(Limiter.GENERAL_API)) {
                assertTrue(r.all(RateLimits.LIMIT).isEmpty(), "no other limiter on this route: " + r);
            } else {
                assertEquals(List.of("7"), r.all(RateLimits.LIMIT), "only general-api is left: " + r);
            }
        }
        // Every other limiter still works.
        String other = name.equals(Limiter.LOGIN) ? Limiter.STRICT_AUTH : Limiter.LOGIN;
        send(broken, other);
        send(broken, other);
        assertEquals(429, send(broken, other).status, other + " under BREAK_RATE_LIMIT=" + name);
    }

    @Test
    void breakRetryAfterDropsOnlyTheHeader() throws IOException {
        int port = start(Map.of(Switch.RETRY_AFTER, "1"));
        for (int i = 0; i < 10; i++) {
            login(port, "/api/auth/login");
        }
        RawHttp.Response refused = login(port, "/api/auth/login");
        assertEquals(429, refused.status);
        assertNull(refused.first(RateLimits.RETRY_AFTER), refused.toString());
        assertTrue(refused.body.contains("\"retryAfter\":"), refused.body);
    }

    @Test
    void breakTrustAnyProxyLetsTheClientPickItsAddress() throws IOException {
        int port = start(Map.of(Switch.TRUST_ANY_PROXY, "1"));
        for (int i = 0; i < 15; i++) {
            RawHttp.Response r = login(port, "/api/auth/login", "X-Forwarded-For: 203.0.113." + i);
            assertNotEquals(429, r.status, r.toString());
            assertEquals(List.of("10"), r.all(RateLimits.REMAINING), "a fresh budget every time: " + r);
        }
    }

    @Test
    void anUnreachableRedisFailsOpenAndPerReplicaCountsInMemoryInstead() throws IOException {
        // Port 1 on loopback refuses at once, as a Redis that is down does.
        Map<String, String> env = Map.of("REDIS_URL", "redis://:pw@127.0.0.1:1");
        int[] port = new int[1];
        RateLimiter redis = explicit(env, Map.of(), new AtomicLong(System.currentTimeMillis()),
                new ByteArrayOutputStream(), port);
        assertInstanceOf(RedisCounterStore.class, redis.store());
        for (int i = 0; i < 12; i++) {
            RawHttp.Response r = login(port[0], "/api/auth/login");
            assertEquals(200, r.status, "fails open: " + r);
            assertTrue(r.all(RateLimits.LIMIT).isEmpty(), r.toString());
        }
        RateLimiter memory = explicit(env, Map.of(Switch.RATE_LIMIT_PER_REPLICA, "1"),
                new AtomicLong(System.currentTimeMillis()), new ByteArrayOutputStream(), port);
        assertInstanceOf(MemoryCounterStore.class, memory.store());
        for (int i = 0; i < 10; i++) {
            assertEquals(200, login(port[0], "/api/auth/login").status);
        }
        assertEquals(429, login(port[0], "/api/auth/login").status);
    }

    /** Behind a trusted proxy, with a fake clock: exact header values and the security event. */
    @Test
    void behindATrustedProxyTheRealClientIsCountedAndTheWindowEnds() throws IOException {
        AtomicLong now = new AtomicLong(1_767_225_600_250L);
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        int[] ports = new int[1];
        explicit(Map.of("RATE_LIMIT_LOGIN_MAX", "2", "RATE_LIMIT_LOGIN_WINDOW_MS", "20000"), Map.of(), now, events, ports);
        int port = ports[0];

        // The client spoofs a new left-most value each time; nginx appended the real one.
        RawHttp.Response first = login(port, "/api/auth/login", "X-Forwarded-For: 1.1.1.1, 198.51.100.7");
        assertEquals(200, first.status);
        assertEquals("2", first.first(RateLimits.LIMIT));
        assertEquals("2", first.first(RateLimits.REMAINING));
        // The window ends at ...620.250, an absolute epoch second rounded up.
        assertEquals("1767225621", first.first(RateLimits.RESET));
        now.addAndGet(5_000);
        assertEquals("1", login(port, "/api/auth/login", "X-Forwarded-For: 2.2.2.2, 198.51.100.7")
                .first(RateLimits.REMAINING));
        RawHttp.Response refused = login(port, "/api/auth/login", "X-Forwarded-For: 3.3.3.3, 198.51.100.7");
        assertEquals(429, refused.status);
        assertEquals("15", refused.first(RateLimits.RETRY_AFTER));
        assertEquals("1767225621", refused.first(RateLimits.RESET));
        assertEquals("{\"error\":\"Too many login attempts. Please try again in 20 seconds.\","
                + "\"code\":\"RATE_LIMIT_EXCEEDED\",\"retryAfter\":15}", refused.body);
        assertEquals("{\"type\":\"security_event\",\"event\":\"rate_limit_exceeded\",\"limiter\":\"login\","
                        + "\"ip\":\"198.51.100.7\",\"method\":\"POST\",\"path\":\"/api/auth/login\",\"count\":2,"
                        + "\"limit\":2,\"timestamp\":\"2026-01-01T00:00:05.250Z\"}\n",
                events.toString(StandardCharsets.UTF_8));

        // Another real client behind the same proxy has its own budget.
        assertEquals(200, login(port, "/api/auth/login", "X-Forwarded-For: 198.51.100.8").status);

        now.addAndGet(15_000);
        RawHttp.Response fresh = login(port, "/api/auth/login", "X-Forwarded-For: 198.51.100.7");
        assertEquals(200, fresh.status, "the window ended: " + fresh);
        assertEquals("2", fresh.first(RateLimits.REMAINING));
    }
}
