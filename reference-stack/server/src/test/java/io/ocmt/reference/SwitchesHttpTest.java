package io.ocmt.reference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each switch, wired through a running server, shows up on the wire and only there. */
class SwitchesHttpTest {

    static Stream<Arguments> everySwitchValue() {
        return Stream.of(Switch.values())
                .flatMap(sw -> sw.allowedValues().stream().map(v -> Arguments.of(sw, v)));
    }

    /** Every header name either policy could send, so a header a switch drops is noticed too. */
    static final Set<String> POLICY_HEADERS = Stream.concat(
                    SecurityPolicyTest.hardened().keySet().stream(),
                    Stream.of(SecurityPolicy.CSP_REPORT_ONLY, SecurityPolicy.POWERED_BY))
            .collect(Collectors.toSet());

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("everySwitchValue")
    void responseHeadersAreThePolicyOfTheSwitch(Switch sw, String value) throws IOException {
        ServerSettings settings = ServerSettings.forTest(Switches.of(Map.of(sw, value)));
        ReferenceServer server = new ReferenceServer(settings);
        int port = server.start();
        try {
            for (String path : new String[] {"/health", "/missing"}) {
                RawHttp.Response r = RawHttp.get(port, path, "X-Forwarded-Proto: https");
                Map<String, String> seen = new HashMap<>();
                for (String name : POLICY_HEADERS) {
                    if (!r.all(name).isEmpty()) {
                        assertEquals(1, r.all(name).size(), name + " in " + r);
                        seen.put(name, r.first(name));
                    }
                }
                assertEquals(settings.policy().headers(), seen, path);
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void leakyHealthLeaksVersionsAndRedisUrl() throws IOException {
        ReferenceServer server = new ReferenceServer(
                ServerSettings.forTest(Switches.of(Map.of(Switch.HEALTH, "leaky"))));
        int port = server.start();
        try {
            RawHttp.Response r = RawHttp.get(port, "/health", "X-Forwarded-Proto: https");
            assertEquals(200, r.status);
            assertEquals("{\"status\":\"ok\",\"relay\":{\"connected\":true},\"release\":\"reference-dev\","
                    + "\"versions\":{\"node\":\"v20.11.1\",\"express\":\"4.18.2\"},"
                    + "\"redisUrl\":\"redis://:s3cr3t-redis-pass@redis:6379\"}", r.body);
        } finally {
            server.stop();
        }
    }

    @Test
    void textHealthIsPlainOk() throws IOException {
        ReferenceServer server = new ReferenceServer(
                ServerSettings.forTest(Switches.of(Map.of(Switch.HEALTH, "text"))));
        int port = server.start();
        try {
            RawHttp.Response r = RawHttp.get(port, "/health", "X-Forwarded-Proto: https");
            assertEquals(200, r.status);
            assertTrue(r.first("Content-Type").startsWith("text/plain"), r.toString());
            assertEquals("OK", r.body);
        } finally {
            server.stop();
        }
    }

    @Test
    void degradedHealthAnswers503WithJson() throws IOException {
        ReferenceServer server = new ReferenceServer(
                ServerSettings.forTest(Switches.of(Map.of(Switch.HEALTH, "degraded"))));
        int port = server.start();
        try {
            RawHttp.Response r = RawHttp.get(port, "/health", "X-Forwarded-Proto: https");
            assertEquals(503, r.status);
            assertTrue(r.first("Content-Type").startsWith("application/json"), r.toString());
            assertEquals("{\"status\":\"degraded\",\"relay\":{\"connected\":false},\"release\":\"reference-dev\"}", r.body);
        } finally {
            server.stop();
        }
    }

    @Test
    void hardenedHealthAnswers200() throws IOException {
        ReferenceServer server = new ReferenceServer(ServerSettings.forTest(Switches.none()));
        int port = server.start();
        try {
            RawHttp.Response r = RawHttp.get(port, "/health", "X-Forwarded-Proto: https");
            assertEquals(200, r.status);
            assertEquals("{\"status\":\"ok\",\"relay\":{\"connected\":true},\"release\":\"reference-dev\"}", r.body);
        } finally {
            server.stop();
        }
    }

    @Test
    void poweredByAppearsOnErrorsToo() throws IOException {
        ReferenceServer server = new ReferenceServer(
                ServerSettings.forTest(Switches.of(Map.of(Switch.POWERED_BY, "on"))));
        int port = server.start();
        try {
            RawHttp.Response r = RawHttp.get(port, "/health", "X-Big: " + "b".repeat(20_000));
            assertEquals(431, r.status);
            assertEquals("Express", r.first("X-Powered-By"));
            assertFalse(r.names().contains("server"));
        } finally {
            server.stop();
        }
    }
}
