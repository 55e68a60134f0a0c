package io.ocmt.reference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The expected values are written out here by hand from OCMT's helmet configuration rather than
 * taken from SecurityPolicy, so that a change to the policy has to be made twice to go unnoticed.
 */
class SecurityPolicyTest {

    static final String UI = "https://localhost";
    static final String CSP = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; "
            + "font-src 'self' https://fonts.gstatic.com data:; img-src 'self' data: blob:; "
            + "connect-src 'self' wss: https://localhost; frame-ancestors 'none'; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-src 'none'; upgrade-insecure-requests";

    static Map<String, String> hardened() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", CSP);
        h.put("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload");
        h.put("X-Frame-Options", "DENY");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "strict-origin-when-cross-origin");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        h.put("X-Permitted-Cross-Domain-Policies", "none");
        return h;
    }

    @Test
    void hardenedPolicyIsOcmtsHelmetSet() {
        assertEquals(hardened(), SecurityPolicy.hardened(UI).headers());
    }

    @Test
    void userUiUrlIsTheOnlyExtraConnectSource() {
        String csp = SecurityPolicy.hardened("https://app.example.test").headers().get("Content-Security-Policy");
        assertTrue(csp.contains("; connect-src 'self' wss: https://app.example.test; "), csp);
    }

    @Test
    void userUiUrlCannotInjectDirectives() {
        assertThrows(ConfigurationException.class,
                () -> SecurityPolicy.hardened("https://x; script-src *"));
        assertThrows(ConfigurationException.class, () -> SecurityPolicy.hardened("https://x,evil"));
        assertThrows(ConfigurationException.class, () -> SecurityPolicy.hardened("https://x\r\nX-Evil: 1"));
    }

    static Stream<Arguments> everySwitch() {
        return Stream.of(
                Arguments.of(Switch.HSTS, "missing", remove("Strict-Transport-Security")),
                Arguments.of(Switch.HSTS, "short", replace("Strict-Transport-Security", "max-age=86400")),
                Arguments.of(Switch.CSP, "missing", remove("Content-Security-Policy")),
                Arguments.of(Switch.CSP, "unsafe-inline", replace("Content-Security-Policy",
                        CSP.replace("script-src 'self';", "script-src 'self' 'unsafe-inline';"))),
                Arguments.of(Switch.CSP, "report-only", move("Content-Security-Policy",
                        "Content-Security-Policy-Report-Only")),
                Arguments.of(Switch.FRAME_OPTIONS, "missing", remove("X-Frame-Options")),
                Arguments.of(Switch.NOSNIFF, "missing", remove("X-Content-Type-Options")),
                Arguments.of(Switch.REFERRER_POLICY, "unsafe-url", replace("Referrer-Policy", "unsafe-url")),
                Arguments.of(Switch.POWERED_BY, "on", replace("X-Powered-By", "Express")),
                // The health switch changes the /health body only, never a header.
                Arguments.of(Switch.HEALTH, "leaky", unchanged()),
                Arguments.of(Switch.HEALTH, "text", unchanged()),
                Arguments.of(Switch.HEALTH, "degraded", unchanged()),
                Arguments.of(Switch.COOP, "allow-popups", replace("Cross-Origin-Opener-Policy", "same-origin-allow-popups")),
                Arguments.of(Switch.CROSS_DOMAIN_POLICIES, "missing", remove("X-Permitted-Cross-Domain-Policies")),
                // Network switches change who a client is, never a header.
                Arguments.of(Switch.TRUST_ANY_PROXY, "1", unchanged()),
                // Rate-limit switches change RateLimit-* and Retry-After only, never the policy's headers.
                Arguments.of(Switch.RATE_LIMIT, "strict-auth", unchanged()),
                Arguments.of(Switch.RATE_LIMIT, "login", unchanged()),
                Arguments.of(Switch.RATE_LIMIT, "vault-unlock", unchanged()),
                Arguments.of(Switch.RATE_LIMIT, "recovery", unchanged()),
                Arguments.of(Switch.RATE_LIMIT, "sessions", unchanged()),
                Arguments.of(Switch.RATE_LIMIT, "general-api", unchanged()),
                Arguments.of(Switch.RATE_LIMIT_PER_REPLICA, "1", unchanged()),
                Arguments.of(Switch.RETRY_AFTER, "1", unchanged()),
                Arguments.of(Switch.RATE_LIMIT_EXPIRY, "1", unchanged()),
                // API switches break sessions, secrets or access controls, never the policy's headers.
                Arguments.of(Switch.SESSION_LIFETIME, "1", unchanged()),
                Arguments.of(Switch.SESSION_LIFETIME, "long", unchanged()),
                Arguments.of(Switch.SESSION_FIXATION, "1", unchanged()),
                Arguments.of(Switch.LOGOUT, "1", unchanged()),
                Arguments.of(Switch.MAGIC_LINK_REUSE, "1", unchanged()),
                Arguments.of(Switch.SESSION_LIMIT, "1", unchanged()),
                Arguments.of(Switch.ADMIN_GUARD, "1", unchanged()),
                Arguments.of(Switch.ADMIN_IP_ALLOWLIST, "1", unchanged()),
                Arguments.of(Switch.SECRETS_PLAINTEXT, "1", unchanged()),
                Arguments.of(Switch.SESSION_TOKENS_RAW, "1", unchanged()),
                Arguments.of(Switch.QUERY_TOKEN, "1", unchanged()),
                Arguments.of(Switch.ENUMERATION, "1", unchanged()),
                Arguments.of(Switch.CSRF, "1", unchanged()),
                Arguments.of(Switch.SESSION_COOKIE, "loose", unchanged()),
                Arguments.of(Switch.MAGIC_LINK_EXPIRY, "1", unchanged()),
                Arguments.of(Switch.MAGIC_LINK_ERRORS, "development", unchanged()),
                Arguments.of(Switch.ME_AUTH, "optional", unchanged()),
                Arguments.of(Switch.BEARER_SESSION, "1", unchanged()),
                Arguments.of(Switch.SESSION_TOKEN_CHECK, "first-half", unchanged()),
                Arguments.of(Switch.SESSION_REVOKE, "by-id", unchanged()),
                Arguments.of(Switch.SESSION_REVOKE, "others", unchanged()),
                Arguments.of(Switch.INTERNAL_GUARD, "1", unchanged()),
                Arguments.of(Switch.VAULT_BACKOFF, "1", unchanged()),
                Arguments.of(Switch.SECURITY_LOG, "1", unchanged()));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("everySwitch")
    void eachSwitchChangesExactlyItsOwnHeader(Switch sw, String value, Map<String, String> expected) {
        SecurityPolicy policy = SecurityPolicy.of(Switches.of(Map.of(sw, value)), UI);
        assertEquals(expected, new HashMap<>(policy.headers()));
    }

    @Test
    void everyDeclaredSwitchValueIsCovered() {
        long declared = Stream.of(Switch.values()).mapToLong(s -> s.allowedValues().size()).sum();
        assertEquals(declared, everySwitch().count());
    }

    @Test
    void applyingTwiceStillSetsEachHeaderOnce() {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> sink = new HashMap<>();
        SecurityPolicy policy = SecurityPolicy.hardened(UI);
        policy.applyTo((name, value) -> {
            counts.merge(name, 1, Integer::sum);
            sink.put(name, value);
        });
        policy.applyTo(sink::put);
        assertEquals(hardened(), sink);
        counts.values().forEach(n -> assertEquals(1, n));
    }

    private static Map<String, String> unchanged() {
        return hardened();
    }

    private static Map<String, String> remove(String header) {
        Map<String, String> h = hardened();
        h.remove(header);
        return h;
    }

    private static Map<String, String> replace(String header, String value) {
        Map<String, String> h = hardened();
        h.put(header, value);
        return h;
    }

    private static Map<String, String> move(String from, String to) {
        Map<String, String> h = hardened();
        h.put(to, h.remove(from));
        return h;
    }
}
