package io.ocmt.reference.api;

import io.ocmt.reference.ConfigurationException;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API's switches are ordinary BREAK_* switches: "1" turns one on, anything else stops startup. */
class ApiSwitchesTest {

    static final List<String> VARIABLES = List.of("BREAK_SESSION_LIFETIME", "BREAK_LOGOUT", "BREAK_MAGIC_LINK_REUSE",
            "BREAK_SESSION_LIMIT", "BREAK_SESSION_FIXATION", "BREAK_ADMIN_GUARD", "BREAK_ADMIN_IP_ALLOWLIST", "BREAK_SECRETS_PLAINTEXT", "BREAK_SESSION_TOKENS_RAW",
            "BREAK_QUERY_TOKEN", "BREAK_ENUMERATION", "BREAK_CSRF", "BREAK_MAGIC_LINK_EXPIRY", "BREAK_BEARER_SESSION",
            "BREAK_INTERNAL_GUARD", "BREAK_VAULT_BACKOFF");

    @Test
    void eachSwitchIsKnownAndTakesOne() {
        for (String variable : VARIABLES) {
            Switches s = Switches.fromEnvironment(Map.of(variable, "1"));
            Switch sw = java.util.Arrays.stream(Switch.values()).filter(x -> x.variable().equals(variable)).findFirst().orElseThrow();
            assertTrue(s.is(sw, "1"), variable);
            assertEquals(variable + "=1", s.describe());
            assertFalse(Switches.fromEnvironment(Map.of(variable, "")).is(sw, "1"), "empty means hardened");
        }
    }

    @Test
    void otherValuesAndMisspellingsStopStartup() {
        for (String variable : VARIABLES) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> Switches.fromEnvironment(Map.of(variable, "yes")));
            assertTrue(e.getMessage().contains(variable + "=yes is not a known value"), e.getMessage());
        }
        assertThrows(ConfigurationException.class, () -> Switches.fromEnvironment(Map.of("BREAK_LOGOUTS", "1")));
    }

    @Test
    void longSessionLifetimeStretchesTheConfiguredOne() {
        assertEquals(20_000L * SessionAuth.LONG_LIFETIME_FACTOR,
                SessionAuth.lifetimeMs(20_000L, Switches.fromEnvironment(Map.of("BREAK_SESSION_LIFETIME", "long"))));
        assertEquals(20_000L, SessionAuth.lifetimeMs(20_000L, Switches.fromEnvironment(Map.of())));
        assertEquals(20_000L, SessionAuth.lifetimeMs(20_000L, Switches.fromEnvironment(Map.of("BREAK_SESSION_LIFETIME", "1"))),
                "not enforced is not longer: the cookie and expiresAt still say the configured lifetime");
    }
}
