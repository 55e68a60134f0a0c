package io.ocmt.reference.ratelimit;

import io.ocmt.reference.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitSettingsTest {

    @Test
    void defaultsAreTheChecklistPolicy() {
        RateLimitSettings s = RateLimitSettings.defaults();
        assertEquals(new Limiter("strictAuth", 5, 900_000), s.limiter("strictAuth"));
        assertEquals(new Limiter("vaultUnlock", 5, 900_000), s.limiter("vaultUnlock"));
        assertEquals(new Limiter("recovery", 3, 3_600_000), s.limiter("recovery"));
        assertEquals(new Limiter("generalApi", 100, 900_000), s.limiter("generalApi"));
        assertEquals("management", s.service());
        assertTrue(s.redisUrl().isEmpty());
    }

    @Test
    void eachLimiterIsConfigurable() {
        RateLimitSettings s = RateLimitSettings.fromEnvironment(Map.of(
                "RATE_LIMIT_GENERALAPI_MAX", "1000",
                "RATE_LIMIT_GENERALAPI_WINDOW_MS", "3600000",
                "RATE_LIMIT_VAULTUNLOCK_WINDOW_MS", "20000",
                "REDIS_URL", "redis://:pw@redis:6379"));
        assertEquals(new Limiter("generalApi", 1000, 3_600_000), s.limiter("generalApi"));
        assertEquals(new Limiter("vaultUnlock", 5, 20_000), s.limiter("vaultUnlock"));
        assertEquals("redis", s.redisUrl().orElseThrow().getHost());
    }

    @ParameterizedTest
    @ValueSource(strings = {"RATE_LIMIT_STRICTAUTH_MAX=0", "RATE_LIMIT_STRICTAUTH_MAX=five",
            "RATE_LIMIT_RECOVERY_WINDOW_MS=-1", "SERVICE_NAME=a:b", "REDIS_URL=http://redis:6379"})
    void malformedValuesStopTheServer(String assignment) {
        String[] kv = assignment.split("=", 2);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> RateLimitSettings.fromEnvironment(Map.of(kv[0], kv[1])));
        assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
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
}
