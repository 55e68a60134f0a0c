package io.ocmt.reference;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerSettingsTest {

    @Test
    void defaultsAreHardened() {
        ServerSettings s = ServerSettings.fromEnvironment(Map.of());
        assertEquals(3000, s.port());
        assertEquals("reference-dev", s.release());
        assertTrue(s.switches().isHardened());
        assertEquals(SecurityPolicy.hardened("https://localhost").headers(), s.policy().headers());
    }

    @Test
    void readsPortReleaseAndUserUiUrl() {
        ServerSettings s = ServerSettings.fromEnvironment(Map.of(
                "PORT", "8080", "RELEASE", "r42", "USER_UI_URL", "https://ui.test"));
        assertEquals(8080, s.port());
        assertEquals("r42", s.release());
        assertTrue(s.policy().headers().get(SecurityPolicy.CSP).contains("wss: https://ui.test;"));
    }

    @Test
    void emptySwitchMeansHardened() {
        assertTrue(ServerSettings.fromEnvironment(Map.of("BREAK_HSTS", " ")).switches().isHardened());
    }

    @Test
    void unknownSwitchValueIsRefusedWithTheAllowedValues() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ServerSettings.fromEnvironment(Map.of("BREAK_HSTS", "weak")));
        assertTrue(e.getMessage().contains("BREAK_HSTS=weak"), e.getMessage());
        assertTrue(e.getMessage().contains("missing, short"), e.getMessage());
    }

    @Test
    void misspeltSwitchNameIsRefused() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ServerSettings.fromEnvironment(Map.of("BREAK_HTST", "missing")));
        assertTrue(e.getMessage().contains("BREAK_HTST is not a known switch"), e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ServerSettings.fromEnvironment(Map.of("BREAK_CSP", "off", "BREAK_HEALTH", "json")));
        assertTrue(e.getMessage().contains("BREAK_CSP=off") && e.getMessage().contains("BREAK_HEALTH=json"),
                e.getMessage());
    }

    @Test
    void badPortIsRefused() {
        assertThrows(ConfigurationException.class, () -> ServerSettings.fromEnvironment(Map.of("PORT", "http")));
        assertThrows(ConfigurationException.class, () -> ServerSettings.fromEnvironment(Map.of("PORT", "70000")));
    }

    @Test
    void switchesAreDescribedForTheStartupLog() {
        Switches s = Switches.fromEnvironment(Map.of("BREAK_NOSNIFF", "missing", "BREAK_POWERED_BY", "on"));
        assertEquals("BREAK_NOSNIFF=missing, BREAK_POWERED_BY=on", s.describe());
    }
}
