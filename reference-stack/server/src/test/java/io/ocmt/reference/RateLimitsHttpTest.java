package io.ocmt.reference;

import io.javalin.Javalin;
import io.ocmt.reference.net.ProxyTrust;
import io.ocmt.reference.ratelimit.RateLimitSettings;
import io.ocmt.reference.ratelimit.RateLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits on the wire. Statuses other than 429 are not asserted for API routes: other
 * milestones add those routes (and their 400/401s), and a limiter must count whatever they answer.
 */
class RateLimitsHttpTest {

    private static final String HTTPS = "X-Forwarded-Proto: https";
    private static final String JSON = "Content-Type: application/json";
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
    }

    private int start(Map<Switch, String> switches) {
        ReferenceServer server = new ReferenceServer(ServerSettings.forTest(Switches.of(switches)));
        int port = server.start();
        cleanup.add(server::stop);
        return port;
    }

    private static RawHttp.Response login(int port, String path, String... extra) throws IOException {
        String[] headers = new String[extra.length + 2];
        headers[0] = HTTPS;
        headers[1] = JSON;
        System.arraycopy(extra, 0, headers, 2, extra.length);
        return RawHttp.request(port, "POST", path, EMPTY_OBJECT, headers);
    }

    @Test
    void exactlyFiveLoginsPassAndTheSixthIsRefusedWithOcmtsAnswer() throws IOException {
        int port = start(Map.of());
        long before = System.currentTimeMillis() / 1000;
        for (int i = 1; i <= 5; i++) {
            RawHttp.Response r = login(port, "/api/auth/login");
            assertNotEquals(429, r.status, "attempt " + i + ": " + r);
            assertEquals(List.of("5"), r.all(RateLimits.LIMIT), r.toString());
            assertEquals(List.of(Integer.toString(6 - i)), r.all(RateLimits.REMAINING), r.toString());
            long reset = Long.parseLong(r.first(RateLimits.RESET));
            assertTrue(reset >= before + 900 && reset <= before + 902, "absolute epoch seconds: " + reset);
        }
        RawHttp.Response refused = login(port, "/api/auth/login");
        assertEquals(429, refused.status, refused.toString());
        int retryAfter = Integer.parseInt(refused.first(RateLimits.RETRY_AFTER));
        assertTrue(retryAfter > 890 && retryAfter <= 900, refused.toString());
        assertEquals("{\"error\":\"Too many requests, please try again later.\",\"code\":\"RATE_LIMIT_EXCEEDED\","
                + "\"retryAfter\":" + retryAfter + "}", refused.body);
        assertTrue(refused.first("Content-Type").startsWith("application/json"), refused.toString());
        assertEquals(List.of("0"), refused.all(RateLimits.REMAINING));
        // The refusal still carries the app's security headers.
        assertEquals(List.of("DENY"), refused.all("X-Frame-Options"));
    }

    @Test
    void everySpellingOfTheRouteSharesOneBudget() throws IOException {
        int port = start(Map.of());
        String[] variants = {"/API/AUTH/LOGIN", "/api/auth/login/", "//api//auth/login",
                "/api/auth/login?next=/x", "/api/auth/%6Cogin", "/api/./auth/login"};
        for (int i = 0; i < 5; i++) {
            assertNotEquals(429, login(port, variants[i]).status, variants[i]);
        }
        for (String variant : variants) {
            RawHttp.Response r = login(port, variant);
            // Jetty may refuse an ambiguous spelling itself (400) before any route; never 2xx/4xx from the app.
            assertTrue(r.status == 429 || (r.status == 400 && r.all(RateLimits.LIMIT).isEmpty()), variant + ": " + r);
        }
        assertEquals(429, login(port, "/api/auth/login").status);
    }

    @Test
    void requestsRefusedForTheirBodyStillCount() throws IOException {
        int port = start(Map.of());
        byte[] malformed = "{nope".getBytes(StandardCharsets.UTF_8);
        byte[] tooLarge = new byte[ReferenceServer.BODY_LIMIT_BYTES + 1];
        for (int i = 0; i < 3; i++) {
            RawHttp.Response r = RawHttp.request(port, "POST", "/api/auth/login", malformed, HTTPS, JSON);
            assertEquals(400, r.status, r.toString());
            assertEquals(List.of("5"), r.all(RateLimits.LIMIT), "headers survive the error path: " + r);
        }
        for (int i = 0; i < 2; i++) {
            RawHttp.Response r = RawHttp.request(port, "POST", "/api/auth/login", tooLarge, HTTPS, JSON);
            assertEquals(413, r.status, r.toString());
        }
        assertEquals(429, login(port, "/api/auth/login").status);
    }

    @Test
    void forwardingHeadersFromAnUntrustedClientGiveNoFreshBudget() throws IOException {
        int port = start(Map.of());
        for (int i = 0; i < 5; i++) {
            login(port, "/api/auth/login", "X-Forwarded-For: 203.0.113." + i, "X-Real-IP: 203.0.113." + i);
        }
        assertEquals(429, login(port, "/api/auth/login", "X-Forwarded-For: 203.0.113.99").status);
    }

    @Test
    void generalApiCoversEveryApiRouteAndNothingElse() throws IOException {
        int port = start(Map.of());
        RawHttp.Response unknown = RawHttp.get(port, "/api/no/such/route", HTTPS);
        assertEquals(404, unknown.status);
        assertEquals(List.of("100"), unknown.all(RateLimits.LIMIT));
        assertEquals(List.of("100"), unknown.all(RateLimits.REMAINING));
        RawHttp.Response health = RawHttp.get(port, "/health", HTTPS);
        assertTrue(health.all(RateLimits.LIMIT).isEmpty(), health.toString());
        // Plain HTTP is redirected before anything is counted.
        RawHttp.Response redirected = RawHttp.get(port, "/api/auth/me");
        assertEquals(301, redirected.status);
        assertTrue(redirected.all(RateLimits.LIMIT).isEmpty(), redirected.toString());
    }

    @Test
    void breakRetryAfterDropsOnlyTheHeader() throws IOException {
        int port = start(Map.of(Switch.RETRY_AFTER, "1"));
        for (int i = 0; i < 5; i++) {
            login(port, "/api/auth/login");
        }
        RawHttp.Response refused = login(port, "/api/auth/login");
        assertEquals(429, refused.status);
        assertNull(refused.first(RateLimits.RETRY_AFTER), refused.toString());
    }

    @Test
    void breakRateLimitTurnsOneLimiterOff() throws IOException {
        int port = start(Map.of(Switch.RATE_LIMIT, "strictAuth"));
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = login(port, "/api/auth/login");
            assertNotEquals(429, r.status, r.toString());
            assertEquals(List.of("100"), r.all(RateLimits.LIMIT), "only generalApi is left: " + r);
        }
    }

    @Test
    void breakTrustAnyProxyLetsTheClientPickItsAddress() throws IOException {
        int port = start(Map.of(Switch.TRUST_ANY_PROXY, "1"));
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = login(port, "/api/auth/login", "X-Forwarded-For: 203.0.113." + i);
            assertNotEquals(429, r.status, r.toString());
            assertEquals(List.of("5"), r.all(RateLimits.REMAINING), "a fresh budget every time: " + r);
        }
    }

    /** Behind a trusted proxy, with a fake clock: exact header values and the security event. */
    @Test
    void behindATrustedProxyTheRealClientIsCountedAndTheWindowEnds() throws IOException {
        AtomicLong now = new AtomicLong(1_767_225_600_250L);
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.router.caseInsensitiveRoutes = true;
            config.router.ignoreTrailingSlashes = true;
        });
        app.post("/api/auth/login", ctx -> ctx.status(400).result("{\"error\":\"Valid email required\"}"));
        RateLimitSettings settings = RateLimitSettings.fromEnvironment(Map.of(
                "RATE_LIMIT_STRICTAUTH_MAX", "2", "RATE_LIMIT_STRICTAUTH_WINDOW_MS", "20000"));
        RateLimits.install(app, Switches.none(), settings, ProxyTrust.of(true, "127.0.0.1/32,::1/128", false),
                now::get, new PrintStream(events, true, StandardCharsets.UTF_8));
        int port = app.start(0).port();
        cleanup.add(app::stop);

        // The client spoofs a new left-most value each time; nginx appended the real one.
        RawHttp.Response first = login(port, "/api/auth/login", "X-Forwarded-For: 1.1.1.1, 198.51.100.7");
        assertEquals(400, first.status);
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
        assertEquals("{\"type\":\"security_event\",\"event\":\"rate_limit_exceeded\",\"limiter\":\"strictAuth\","
                        + "\"ip\":\"198.51.100.7\",\"method\":\"POST\",\"path\":\"/api/auth/login\",\"count\":3,"
                        + "\"limit\":2,\"timestamp\":\"2026-01-01T00:00:05.250Z\"}\n",
                events.toString(StandardCharsets.UTF_8));

        // Another real client behind the same proxy has its own budget.
        assertEquals(400, login(port, "/api/auth/login", "X-Forwarded-For: 198.51.100.8").status);

        now.addAndGet(15_000);
        RawHttp.Response fresh = login(port, "/api/auth/login", "X-Forwarded-For: 198.51.100.7");
        assertEquals(400, fresh.status, "the window ended: " + fresh);
        assertEquals("2", fresh.first(RateLimits.REMAINING));
    }
}
