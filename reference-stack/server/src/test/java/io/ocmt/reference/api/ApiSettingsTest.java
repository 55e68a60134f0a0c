package io.ocmt.reference.api;

import io.ocmt.reference.ConfigurationException;
import io.ocmt.reference.Switches;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiSettingsTest {

    static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("DATABASE_URL", "postgresql://ocmt:pw@postgres:5432/ocmt");
        m.put("ENCRYPTION_KEY", KEY);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void withoutDatabaseTheApiIsOff() {
        assertNull(ApiSettings.fromEnvironment(Map.of(), Switches.none()));
    }

    @Test
    void malformedEncryptionKeyStopsStartupEvenWithoutDatabase() {
        assertThrows(ConfigurationException.class,
                () -> ApiSettings.fromEnvironment(Map.of("ENCRYPTION_KEY", "short"), Switches.none()));
    }

    @Test
    void encryptionKeyIsRequiredWithADatabase() {
        Map<String, String> e = env();
        e.remove("ENCRYPTION_KEY");
        ConfigurationException ex = assertThrows(ConfigurationException.class, () -> ApiSettings.fromEnvironment(e, Switches.none()));
        assertTrue(ex.getMessage().contains("ENCRYPTION_KEY"));
    }

    @Test
    void defaultsAreOcmts() {
        ApiSettings s = ApiSettings.fromEnvironment(env(), Switches.none());
        assertEquals(604_800_000L, s.sessionTimeoutMs);
        assertEquals(5, s.maxSessionsPerUser);
        assertEquals(900_000L, s.magicLinkTtlMs);
        assertEquals(3600, s.vaultSessionTtlS);
        assertEquals(1000L, s.vaultBackoffBaseMs);
        assertEquals(300_000L, s.vaultBackoffMaxMs);
        assertEquals("https://localhost", s.userUiUrl);
        assertEquals("OCMT <no-reply@ocmt.test>", s.mailFrom);
        assertNull(s.internalAdminToken);
        assertTrue(s.adminEmails.isEmpty());
        assertNull(s.agentServerToken);
        assertEquals(java.util.Set.of("https://localhost"), s.allowedOrigins);
    }

    @Test
    void windowsAreConfigurableAndChecked() {
        ApiSettings s = ApiSettings.fromEnvironment(env("USER_SESSION_TIMEOUT_MS", "1500", "MAGIC_LINK_TTL_MS", "2000",
                "VAULT_SESSION_TTL_S", "5", "VAULT_BACKOFF_BASE_MS", "100", "MAX_SESSIONS_PER_USER", "2",
                "USER_UI_URL", "https://localhost:8443/", "ALLOWED_ORIGINS", "https://a.example, https://b.example:444",
                "APP_URL", "https://localhost:8443"), Switches.none());
        assertEquals(1500L, s.sessionTimeoutMs);
        assertEquals(2000L, s.magicLinkTtlMs);
        assertEquals(5, s.vaultSessionTtlS);
        assertEquals(100L, s.vaultBackoffBaseMs);
        assertEquals(2, s.maxSessionsPerUser);
        assertEquals("https://localhost:8443", s.userUiUrl);
        assertEquals(java.util.Set.of("https://localhost:8443", "https://a.example", "https://b.example:444"), s.allowedOrigins);
        for (String[] bad : new String[][] {{"USER_SESSION_TIMEOUT_MS", "soon"}, {"MAX_SESSIONS_PER_USER", "0"},
                {"VAULT_SESSION_TTL_S", "-1"}, {"ADMIN_EMAILS", "ops example.test"}, {"ALLOWED_ORIGINS", "evil"},
                {"SMTP_PORT", "70000"}, {"REDIS_URL", "http://:pw@redis:6379"}, {"REDIS_URL", "redis://:p w@r"}}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> ApiSettings.fromEnvironment(env(bad[0], bad[1]), Switches.none()), bad[0]);
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
            assertFalse(bad[0].equals("REDIS_URL") && e.getMessage().contains(":pw@"), "never echo the password");
        }
        assertEquals("rediss://:pw@redis:6380", ApiSettings.fromEnvironment(env("REDIS_URL", "rediss://:pw@redis:6380"),
                Switches.none()).redisUrl);
    }

    @Test
    void adminAllowedIpsStopsStartupPointingAtTheTable() {
        for (Map<String, String> env : java.util.List.of(env("ADMIN_ALLOWED_IPS", "10.0.0.0/8"), Map.of("ADMIN_ALLOWED_IPS", "10.0.0.0/8"))) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> ApiSettings.fromEnvironment(env, Switches.none()));
            assertTrue(e.getMessage().startsWith("ADMIN_ALLOWED_IPS is not read: OCMT keeps the admin IP allowlist in the"
                    + " admin_ip_allowlist table"), e.getMessage());
        }
        assertNull(ApiSettings.fromEnvironment(Map.of("ADMIN_ALLOWED_IPS", " "), Switches.none()), "empty means unset");
    }

    @Test
    void adminTokenIsNotReadButWarnedAbout() {
        ApiSettings s = ApiSettings.fromEnvironment(env("ADMIN_TOKEN", "ui-secret-value"), Switches.none());
        assertNull(s.internalAdminToken, "ADMIN_TOKEN is not the admin API's token");
        java.util.List<String> warnings = ApiSettings.warnings(Map.of("ADMIN_TOKEN", "ui-secret-value"));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("ADMIN_TOKEN is set but not read"), warnings.get(0));
        assertFalse(warnings.get(0).contains("ui-secret-value"));
        assertTrue(ApiSettings.warnings(Map.of()).isEmpty());
        assertEquals("tok", ApiSettings.fromEnvironment(env("INTERNAL_ADMIN_TOKEN", " tok "), Switches.none()).internalAdminToken);
    }

    @Test
    void databaseUrlBecomesJdbcWithoutTheCredentialsInIt() {
        ApiSettings.DatabaseUrl u = ApiSettings.DatabaseUrl.parse("postgresql://ocmt:p%40ss+w%2Frd@db.internal:6543/ocmt_prod?sslmode=require");
        assertEquals("jdbc:postgresql://db.internal:6543/ocmt_prod?sslmode=require", u.jdbcUrl());
        assertEquals("ocmt", u.user());
        assertEquals("p@ss+w/rd", u.password());
        assertEquals("db.internal/ocmt_prod sslmode=require", u.describe());
        assertEquals("jdbc:postgresql://postgres:5432/ocmt", ApiSettings.DatabaseUrl.parse("postgres://u@postgres/ocmt").jdbcUrl());
        for (String bad : new String[] {"mysql://u:p@h/db", "postgresql://u:secretpw@h/", "not a url", "postgresql:///db"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> ApiSettings.DatabaseUrl.parse(bad), bad);
            assertFalse(e.getMessage().contains("secretpw"));
        }
    }
}
