package io.ocmt.reference.ratelimit;

import io.ocmt.reference.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitSettingsTest {

    private static List<Limiter> all(RateLimitSettings s) {
        return Limiter.NAMES.stream().map(s::limiter).toList();
    }

    @Test
    void defaultsAreOcmtsCode() {
        RateLimitSettings s = RateLimitSettings.defaults();
        assertEquals(RateLimitSettings.Profile.OCMT, s.profile());
        assertEquals(List.of(
                new Limiter("strict-auth", 5, 900_000, false),
                new Limiter("login", 10, 900_000, false),
                new Limiter("vault-unlock", 5, 900_000, false),
                new Limiter("recovery", 3, 1_800_000, false),
                new Limiter("sessions", 20, 900_000, false),
                new Limiter("general-api", 1000, 3_600_000, true)), all(s));
        assertEquals("management", s.service());
        assertTrue(s.redisUrl().isEmpty());
        assertEquals(s.profile(), RateLimitSettings.fromEnvironment(Map.of("RATE_LIMIT_PROFILE", "ocmt")).profile());
    }

    @Test
    void theChecklistProfileIsStricterWhereTheChecklistIs() {
        RateLimitSettings s = RateLimitSettings.fromEnvironment(Map.of("RATE_LIMIT_PROFILE", "checklist"));
        assertEquals(List.of(
                new Limiter("strict-auth", 5, 900_000, false),
                new Limiter("login", 5, 900_000, false),
                new Limiter("vault-unlock", 5, 900_000, false),
                new Limiter("recovery", 3, 3_600_000, false),
                new Limiter("sessions", 20, 900_000, false),
                new Limiter("general-api", 100, 900_000, false)), all(s));
    }

    @Test
    void eachLimiterIsConfigurableInEitherProfile() {
        RateLimitSettings s = RateLimitSettings.fromEnvironment(Map.of(
                "RATE_LIMIT_GENERAL_API_MAX", "50",
                "RATE_LIMIT_GENERAL_API_WINDOW_MS", "60000",
                "RATE_LIMIT_VAULT_UNLOCK_WINDOW_MS", "20000",
                "REDIS_URL", "redis://:pw@redis:6379"));
        assertEquals(new Limiter("general-api", 50, 60_000, true), s.limiter("general-api"),
                "an override changes the numbers, not whether failures count");
        assertEquals(new Limiter("vault-unlock", 5, 20_000, false), s.limiter("vault-unlock"));
        assertEquals("redis", s.redisUrl().orElseThrow().getHost());
        RateLimitSettings c = RateLimitSettings.fromEnvironment(Map.of(
                "RATE_LIMIT_PROFILE", "checklist", "RATE_LIMIT_LOGIN_MAX", "7", "RATE_LIMIT_SESSIONS_WINDOW_MS", "1000"));
        assertEquals(new Limiter("login", 7, 900_000, false), c.limiter("login"));
        assertEquals(new Limiter("sessions", 20, 1_000, false), c.limiter("sessions"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"RATE_LIMIT_STRICT_AUTH_MAX=0", "RATE_LIMIT_LOGIN_MAX=five",
            "RATE_LIMIT_RECOVERY_WINDOW_MS=-1", "SERVICE_NAME=a:b", "REDIS_URL=http://redis:6379",
            "RATE_LIMIT_PROFILE=OCMT", "RATE_LIMIT_PROFILE=strict",
            // the names of the checklist-era limiters, and typos, must not be ignored silently
            "RATE_LIMIT_STRICTAUTH_MAX=5", "RATE_LIMIT_GENERALAPI_MAX=1000", "RATE_LIMIT_LOGIN_WINDOW=1"})
    void malformedValuesStopTheServer(String assignment) {
        String[] kv = assignment.split("=", 2);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> RateLimitSettings.fromEnvironment(Map.of(kv[0], kv[1])));
        assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
    }

    @Test
    void anUnknownProfileNamesTheAllowedOnes() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> RateLimitSettings.fromEnvironment(Map.of("RATE_LIMIT_PROFILE", "strict")));
        assertTrue(e.getMessage().contains("RATE_LIMIT_PROFILE=strict is not a known profile; use one of ocmt, checklist"),
                e.getMessage());
    }

    @Test
    void anUnknownVariableNamesTheKnownOnes() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> RateLimitSettings.fromEnvironment(Map.of("RATE_LIMIT_STRICTAUTH_WINDOW_MS", "20000")));
        assertTrue(e.getMessage().contains("RATE_LIMIT_STRICTAUTH_WINDOW_MS is not a known rate-limit variable"), e.getMessage());
        assertTrue(e.getMessage().contains("RATE_LIMIT_STRICT_AUTH_WINDOW_MS"), e.getMessage());
    }

    @Test
    void aBadRedisUrlIsReportedWithoutItsPassword() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> RateLimitSettings.fromEnvironment(Map.of("REDIS_URL", "redis://:hunter2@")));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        ConfigurationException spaces = assertThrows(ConfigurationException.class,
                () -> RateLimitSettings.fromEnvironment(Map.of("REDIS_URL", "redis://:hun ter2@redis:6379")));
        assertFalse(spaces.getMessage().contains("hun ter2"), spaces.getMessage());
    }

    @Test
    void theStartupLineNamesTheProfileAndEveryLimit() {
        assertEquals("profile ocmt: strict-auth=5/900000ms, login=10/900000ms, vault-unlock=5/900000ms, "
                        + "recovery=3/1800000ms, sessions=20/900000ms, general-api=1000/3600000ms (failed requests not counted), "
                        + "service=management",
                RateLimitSettings.defaults().describe());
        assertTrue(RateLimitSettings.fromEnvironment(Map.of("RATE_LIMIT_PROFILE", "checklist")).describe()
                .contains("profile checklist: strict-auth=5/900000ms, login=5/900000ms"));
    }

    @Test
    void messagesAreOcmtsAndNameTheWindowInForce() {
        RateLimitSettings ocmt = RateLimitSettings.defaults();
        assertEquals("Too many authentication attempts. Please try again in 15 minutes.", ocmt.limiter("strict-auth").message());
        assertEquals("Too many login attempts. Please try again in 15 minutes.", ocmt.limiter("login").message());
        assertEquals("Too many vault unlock attempts. Please try again in 15 minutes.", ocmt.limiter("vault-unlock").message());
        assertEquals("Too many recovery attempts. Please try again in 30 minutes.", ocmt.limiter("recovery").message());
        assertEquals("Too many session management requests. Please try again later.", ocmt.limiter("sessions").message());
        assertEquals("API rate limit exceeded. Please slow down.", ocmt.limiter("general-api").message());
        assertEquals("Too many recovery attempts. Please try again in 1 hour.",
                RateLimitSettings.fromEnvironment(Map.of("RATE_LIMIT_PROFILE", "checklist")).limiter("recovery").message());
        assertEquals("Too many authentication attempts. Please try again in 20 seconds.",
                RateLimitSettings.fromEnvironment(Map.of("RATE_LIMIT_STRICT_AUTH_WINDOW_MS", "20000")).limiter("strict-auth").message());
        assertEquals("1 second", Limiter.duration(1));
        assertEquals("2 hours", Limiter.duration(7_200_000));
        assertEquals("90 seconds", Limiter.duration(90_000));
    }
}
