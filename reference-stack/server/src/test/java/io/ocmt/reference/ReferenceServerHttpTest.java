package io.ocmt.reference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hardened server over real sockets: status codes, bodies and headers as a client sees them. */
class ReferenceServerHttpTest {

    static final String HTTPS = "X-Forwarded-Proto: https";
    static final String JSON = "Content-Type: application/json";

    static ReferenceServer server;
    static int port;

    @BeforeAll
    static void start() {
        server = new ReferenceServer(ServerSettings.forTest(Switches.none()), app -> {
            app.get("/test/boom", ctx -> {
                throw new IllegalStateException("secret internal detail");
            });
            app.get("/test/error", ctx -> {
                throw new StackOverflowError("secret internal detail");
            });
        });
        port = server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    interface Call {
        RawHttp.Response send() throws IOException;
    }

    /** One request for every kind of response the server produces. */
    static Stream<Call> everyKindOfResponse() {
        byte[] big = new byte[ReferenceServer.BODY_LIMIT_BYTES + 1];
        Arrays.fill(big, (byte) 'a');
        return Stream.of(
                () -> RawHttp.get(port, "/health", HTTPS),
                () -> RawHttp.request(port, "HEAD", "/health", null, HTTPS),
                () -> RawHttp.get(port, "/health"),
                () -> RawHttp.get(port, "/no/such/route", HTTPS),
                () -> RawHttp.request(port, "DELETE", "/health", null, HTTPS),
                () -> RawHttp.get(port, "/api/auth/me", HTTPS),
                () -> RawHttp.request(port, "POST", "/api/auth/login", "{\"email\":".getBytes(), HTTPS, JSON),
                () -> RawHttp.request(port, "POST", "/api/auth/login", big, HTTPS),
                () -> RawHttp.get(port, "/health", HTTPS, "X-Big: " + "b".repeat(20_000)),
                () -> RawHttp.get(port, "/%zz", HTTPS),
                () -> RawHttp.get(port, "/test/boom", HTTPS),
                () -> RawHttp.get(port, "/test/error", HTTPS));
    }

    @ParameterizedTest
    @MethodSource("everyKindOfResponse")
    void everyResponseCarriesEachSecurityHeaderExactlyOnce(Call call) throws IOException {
        RawHttp.Response r = call.send();
        for (Map.Entry<String, String> header : SecurityPolicyTest.hardened().entrySet()) {
            assertEquals(List.of(header.getValue()), r.all(header.getKey()), header.getKey() + " in " + r);
        }
        assertFalse(r.names().contains("server"), "Server header in " + r);
        assertFalse(r.names().contains("x-powered-by"), "X-Powered-By in " + r);
    }

    @ParameterizedTest
    @MethodSource("everyKindOfResponse")
    void noErrorBodyLeaksInternals(Call call) throws IOException {
        RawHttp.Response r = call.send();
        for (String leak : List.of("secret internal detail", "Exception", "Error:", "at io.", "jetty", "Javalin",
                "<html")) {
            assertFalse(r.body.contains(leak), leak + " in " + r);
        }
    }

    /** The UI shell the header grade judges: HTML with every security header, its one script under a matching SRI hash. */
    @Test
    void uiShellIsHtmlWithItsScriptUnderSri() throws Exception {
        RawHttp.Response page = RawHttp.get(port, "/", HTTPS);
        assertEquals(200, page.status);
        assertTrue(page.first("Content-Type").startsWith("text/html"), page.toString());
        for (Map.Entry<String, String> header : SecurityPolicyTest.hardened().entrySet()) {
            assertEquals(List.of(header.getValue()), page.all(header.getKey()), header.getKey() + " in " + page);
        }
        RawHttp.Response script = RawHttp.get(port, UiShell.SCRIPT_PATH, HTTPS);
        assertEquals(200, script.status);
        String hash = "sha384-" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                .getInstance("SHA-384").digest(script.body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(page.body.contains("src=\"" + UiShell.SCRIPT_PATH + "\" integrity=\"" + hash + "\""), page.body);
    }

    @Test
    void healthAnswersStatusRelayAndRelease() throws IOException {
        RawHttp.Response r = RawHttp.get(port, "/health", HTTPS);
        assertEquals(200, r.status);
        assertTrue(r.first("Content-Type").startsWith("application/json"), r.toString());
        assertEquals("{\"status\":\"ok\",\"relay\":{\"connected\":true},\"release\":\"reference-dev\"}", r.body);
    }

    @Test
    void headOfHealthHasNoBody() throws IOException {
        RawHttp.Response r = RawHttp.request(port, "HEAD", "/health", null, HTTPS);
        assertEquals(200, r.status);
        assertEquals("", r.body);
    }

    @Test
    void plainHttpIsRedirectedToHttpsWithPathAndQuery() throws IOException {
        RawHttp.Response r = RawHttp.get(port, "/api/auth/me?next=%2Fx&a=b");
        assertEquals(301, r.status);
        assertEquals("https://localhost:" + port + "/api/auth/me?next=%2Fx&a=b", r.first("Location"));
    }

    @Test
    void redirectAppliesToUnknownRoutesAndOtherSchemesToo() throws IOException {
        assertEquals(301, RawHttp.get(port, "/nope").status);
        assertEquals(301, RawHttp.get(port, "/health", "X-Forwarded-Proto: http").status);
    }

    @Test
    void redirectRefusesAHostThatIsNotAHost() throws IOException {
        byte[] request = "GET /health HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Response r = RawHttp.raw(port, request);
        assertNull(r.first("Location"), r.toString());
        assertEquals(400, r.status, r.toString());
    }

    @Test
    void unknownRouteIsJson404() throws IOException {
        RawHttp.Response r = RawHttp.get(port, "/api/nothing-here", HTTPS);
        assertEquals(404, r.status);
        assertTrue(r.first("Content-Type").startsWith("application/json"));
        assertTrue(r.body.startsWith("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":"), r.body);
    }

    @Test
    void wrongMethodOnKnownRouteIs404LikeExpress() throws IOException {
        RawHttp.Response r = RawHttp.request(port, "POST", "/health", new byte[0], HTTPS);
        assertEquals(404, r.status);
        assertTrue(r.body.contains("\"code\":\"NOT_FOUND\""), r.body);
    }

    @Test
    void meWithoutTokenNeedsAuthentication() throws IOException {
        RawHttp.Response r = RawHttp.get(port, "/api/auth/me", HTTPS);
        assertEquals(401, r.status);
        assertEquals("{\"error\":\"Authentication required\"}", r.body);
    }

    @Test
    void meWithAnyTokenIsAnInvalidSession() throws IOException {
        RawHttp.Response cookie = RawHttp.get(port, "/api/auth/me", HTTPS, "Cookie: ocmt_session=abc");
        RawHttp.Response header = RawHttp.get(port, "/api/auth/me", HTTPS, "X-Session-Token: abc");
        for (RawHttp.Response r : List.of(cookie, header)) {
            assertEquals(401, r.status);
            assertEquals("{\"error\":\"Invalid or expired session\"}", r.body);
        }
    }

    @Test
    void malformedJsonIs400InvalidJson() throws IOException {
        // Not /api/auth/login: this class shares one server, and its login budget is 5 per window.
        for (String body : List.of("{\"email\":", "\"just a string\"", "{} trailing", "nul")) {
            RawHttp.Response r = RawHttp.request(port, "POST", "/api/x", body.getBytes(), HTTPS, JSON);
            assertEquals(400, r.status, body);
            assertTrue(r.body.contains("\"code\":\"INVALID_JSON\""), r.body);
        }
    }

    @Test
    void bodyAtTheLimitIsAcceptedAndOneByteMoreIs413() throws IOException {
        byte[] atLimit = new byte[ReferenceServer.BODY_LIMIT_BYTES];
        Arrays.fill(atLimit, (byte) 'a');
        assertEquals(404, RawHttp.request(port, "POST", "/api/x", atLimit, HTTPS).status);

        byte[] over = new byte[ReferenceServer.BODY_LIMIT_BYTES + 1];
        Arrays.fill(over, (byte) 'a');
        RawHttp.Response r = RawHttp.request(port, "POST", "/api/x", over, HTTPS);
        assertEquals(413, r.status);
        assertTrue(r.body.contains("\"code\":\"PAYLOAD_TOO_LARGE\""), r.body);
    }

    @Test
    void declaredOversizedBodyIsRefusedWithoutReadingIt() throws IOException {
        RawHttp.Response r = RawHttp.get(port, "/api/x", HTTPS, "Content-Length: 50000000");
        assertEquals(413, r.status);
        assertTrue(r.body.contains("PAYLOAD_TOO_LARGE"), r.body);
    }

    @Test
    void chunkedOversizedBodyIs413() throws IOException {
        int size = ReferenceServer.BODY_LIMIT_BYTES + 10;
        String request = "POST /api/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + HTTPS + "\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(size) + "\r\n" + "a".repeat(size)
                + "\r\n0\r\n\r\n";
        RawHttp.Response r = RawHttp.raw(port, request.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(413, r.status);
        assertTrue(r.body.contains("PAYLOAD_TOO_LARGE"), r.body);
    }

    @Test
    void hugeHeadersGetJsonNotAStackTrace() throws IOException {
        RawHttp.Response r = RawHttp.get(port, "/health", HTTPS, "X-Big: " + "b".repeat(20_000));
        assertEquals(431, r.status);
        assertTrue(r.first("Content-Type").startsWith("application/json"), r.toString());
        assertTrue(r.body.startsWith("{\"error\":{\"code\":"), r.body);
    }

    @Test
    void unexpectedExceptionIsGeneric500() throws IOException {
        RawHttp.Response r = RawHttp.get(port, "/test/boom", HTTPS);
        assertEquals(500, r.status);
        assertEquals("{\"error\":{\"code\":\"INTERNAL_ERROR\",\"message\":\"Internal server error\"}}", r.body);
    }

    @Test
    void routesMatchLikeExpress() throws IOException {
        assertEquals(200, RawHttp.get(port, "/health/", HTTPS).status);
        assertEquals(200, RawHttp.get(port, "/Health", HTTPS).status);
    }
}
