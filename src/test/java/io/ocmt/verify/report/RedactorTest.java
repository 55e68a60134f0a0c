package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final String TOKEN = "3f1c9a0b7d2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a";

    @Test
    void credentialHeadersKeepOnlyTheirScheme() {
        assertThat(Redactor.header("Authorization", "Bearer abc.def")).isEqualTo("Bearer <redacted>");
        assertThat(Redactor.header("X-Session-Token", TOKEN)).isEqualTo("<redacted>");
        assertThat(Redactor.header("x-auth-token", "anything")).isEqualTo("<redacted>");
    }

    @Test
    void cookiesKeepNamesAndAttributesButNotValues() {
        assertThat(Redactor.header("Set-Cookie", "ocmt_session=" + TOKEN + "; Path=/; Expires=Sat, 05 Dec 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax"))
                .isEqualTo("ocmt_session=<redacted>; Path=/; Expires=Sat, 05 Dec 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax");
        assertThat(Redactor.header("Cookie", "ocmt_session=abc; XSRF-TOKEN=def")).isEqualTo("ocmt_session=<redacted>; XSRF-TOKEN=<redacted>");
        assertThat(Redactor.header("Set-Cookie", "ocmt_session=; Path=/; Max-Age=0")).isEqualTo("ocmt_session=; Path=/; Max-Age=0");
    }

    @Test
    void tokensInUrlsAndJsonAreMasked() {
        assertThat(Redactor.url("https://ocmt.test/verify?token=" + TOKEN + "&next=/home"))
                .isEqualTo("https://ocmt.test/verify?token=<redacted>&next=/home");
        assertThat(Redactor.text("{\"success\":true,\"sessionToken\":\"" + TOKEN + "\",\"user\":{\"email\":\"a@b.test\"}}"))
                .isEqualTo("{\"success\":true,\"sessionToken\":\"<redacted>\",\"user\":{\"email\":\"a@b.test\"}}");
        assertThat(Redactor.text("{\"password\": \"correct horse\"}")).isEqualTo("{\"password\": \"<redacted>\"}");
    }

    @Test
    void errorCodesStayReadableButAuthorizationCodesDoNot() {
        assertThat(Redactor.text("{\"error\":\"Session expired\",\"code\":\"SESSION_EXPIRED\"}"))
                .isEqualTo("{\"error\":\"Session expired\",\"code\":\"SESSION_EXPIRED\"}");
        assertThat(Redactor.text("{\"code\": \"ADMIN_IP_NOT_ALLOWED\"}")).isEqualTo("{\"code\": \"ADMIN_IP_NOT_ALLOWED\"}");
        assertThat(Redactor.text("{\"code\":\"4/0AX4XfWh-oauth-code\"}")).isEqualTo("{\"code\":\"<redacted>\"}");
        assertThat(Redactor.text("{\"code\":\"splxlobeu\"}")).as("lower case is an OAuth code").isEqualTo("{\"code\":\"<redacted>\"}");
        assertThat(Redactor.text("{\"token\":\"SESSION_EXPIRED\"}")).as("only under code").isEqualTo("{\"token\":\"<redacted>\"}");
        assertThat(Redactor.url("https://ocmt.test/callback?code=SPLXLOBEU&state=x")).as("in a URL a code is always a credential")
                .isEqualTo("https://ocmt.test/callback?code=<redacted>&state=x");
    }

    @Test
    void magicLinksInMailBodiesAreMasked() {
        assertThat(Redactor.text("Sign in: https://ocmt.test/verify?token=abcdef0123 (valid 15 minutes)"))
                .isEqualTo("Sign in: https://ocmt.test/verify?token=<redacted> (valid 15 minutes)");
    }

    @Test
    void longHexAnywhereIsMasked() {
        assertThat(Redactor.text("revoked session " + TOKEN + " ok")).isEqualTo("revoked session <redacted> ok");
    }

    @Test
    void registeredSecretsAreMaskedWhereverTheyAppear() {
        Redactor.registerSecret("Pa55-w0rd-Z");
        assertThat(Redactor.text("redis://:Pa55-w0rd-Z@redis:6379")).isEqualTo("redis://:<redacted>@redis:6379");
        assertThat(Redactor.header("X-Custom", "Pa55-w0rd-Z")).isEqualTo("<redacted>");
    }

    @Test
    void ordinaryTextIsUntouched() {
        String text = "GET https://localhost:8443/health → 200; max-age=31536000; includeSubDomains";
        assertThat(Redactor.text(text)).isEqualTo(text);
        for (String ordinary : new String[] {
                "Redis authentication (requirepass) on PING to localhost:6379 without a password",
                "jdbc:postgresql://localhost:5432/ocmt?sslmode=require",
                "https://ocmt-verify@ocmt.test/verify and mailto:ops@ocmt.test",
                "a wrong Bearer token → 401; Basic authentication is not offered",
                "requirepass is set; the password is masked",
                "appendonly yes\nmaxmemory 268435456\nmaxmemory-policy volatile-lru"}) {
            assertThat(Redactor.text(ordinary)).as(ordinary).isEqualTo(ordinary);
        }
    }

    @Test
    void secretSettingsAreKnownByTheirNames() {
        for (String name : new String[] {"requirepass", "masterauth", "tls-key-file-pass", "tls-client-key-file-pass", "masteruser-password",
                "client_secret", "INTERNAL_ADMIN_TOKEN", "api_key_encrypted", "apiKey", "secretKey", "private_key", "ENCRYPTION_KEY",
                "ENCRYPTION_KEY_V2", "PGPASSWORD", "db_pwd", "aws_credentials", "REDIS_AUTH", "passphrase", "sessionToken"}) {
            assertThat(Redactor.isSecretName(name)).as(name).isTrue();
        }
        // Redis 7's CONFIG GET * names with "key" or "auth" in them that hold no secret, and ordinary columns.
        for (String name : new String[] {"appendonly", "maxmemory", "maxmemory-policy", "port", "bind", "dir", "email", "created_at",
                "tracking-table-max-keys", "notify-keyspace-events", "tls-auth-clients", "tls-key-file", "tls-client-key-file",
                "keyspace_hits", "expired_keys", "author", "ENCRYPTION_KEY_VERSION", "key_id", "", " "}) {
            assertThat(Redactor.isSecretName(name)).as(name).isFalse();
        }
        assertThat(Redactor.isSecretName(null)).isFalse();
    }

    @Test
    void redisSettingsShowEverythingButTheirSecrets() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("appendonly", "yes");
        config.put("requirepass", "s3cr3t-Redis-Pw");
        config.put("masterauth", "primary-Pw-42");
        config.put("tls-key-file-pass", "pem-pass-99");
        config.put("maxmemory", "268435456");
        config.put("maxmemory-policy", "volatile-lru");
        config.put("replica-announce-ip", null);
        config.put("tracking-table-max-keys", "1000000");
        config.put("tls-auth-clients", "optional");
        String shown = Redactor.settings(config);
        assertThat(shown).doesNotContain("s3cr3t-Redis-Pw", "primary-Pw-42", "pem-pass-99")
                .contains("appendonly yes\n", "requirepass <redacted>\n", "masterauth <redacted>\n", "tls-key-file-pass <redacted>\n",
                        "maxmemory 268435456\n", "maxmemory-policy volatile-lru\n", "replica-announce-ip (nil)\n",
                        "tracking-table-max-keys 1000000\n", "tls-auth-clients optional\n");
    }

    @Test
    void anEmptySecretSettingStaysVisibleSinceItIsTheFinding() {
        assertThat(Redactor.setting("requirepass", "")).isEmpty();
        assertThat(Redactor.settings(Map.of("requirepass", ""))).isEqualTo("requirepass \n");
    }

    @Test
    void settingsWhoseNamesAreHarmlessStillLoseCredentialsInTheirValues() {
        assertThat(Redactor.setting("replicaof", "redis://:hunter2-replica@primary:6379"))
                .isEqualTo("redis://:<redacted>@primary:6379");
        assertThat(Redactor.setting("description", "token " + TOKEN)).isEqualTo("token <redacted>");
    }

    @Test
    void connectionStringsLoseTheirPasswords() {
        assertThat(Redactor.text("DATABASE_URL=postgresql://ocmt:Zx9-pg-pass@postgres:5432/ocmt?sslmode=require"))
                .isEqualTo("DATABASE_URL=postgresql://ocmt:<redacted>@postgres:5432/ocmt?sslmode=require");
        assertThat(Redactor.text("postgres://u:p%40ss@db/x and rediss://default:r3dis@cache:6380/0"))
                .isEqualTo("postgres://u:<redacted>@db/x and rediss://default:<redacted>@cache:6380/0");
        assertThat(Redactor.text("jdbc:postgresql://db:5432/ocmt?user=ocmt&password=Zx9-pg-pass&sslmode=require"))
                .isEqualTo("jdbc:postgresql://db:5432/ocmt?user=ocmt&password=<redacted>&sslmode=require");
        assertThat(Redactor.text("host=db port=5432 user=ocmt password=Zx9-pg-pass dbname=ocmt sslmode=require"))
                .isEqualTo("host=db port=5432 user=ocmt password=<redacted> dbname=ocmt sslmode=require");
        assertThat(Redactor.text("host=db password='it\\'s a secret' dbname=ocmt")).isEqualTo("host=db password=<redacted> dbname=ocmt");
        assertThat(Redactor.text("host=db password='it''s a secret' dbname=ocmt")).isEqualTo("host=db password=<redacted> dbname=ocmt");
        assertThat(Redactor.text("PGPASSWORD=Zx9-pg-pass psql")).isEqualTo("PGPASSWORD=<redacted> psql");
        assertThat(Redactor.text("REDIS_PASSWORD=r3dis-pass INTERNAL_ADMIN_TOKEN='t0ken value' NODE_ENV=production"))
                .isEqualTo("REDIS_PASSWORD=<redacted> INTERNAL_ADMIN_TOKEN=<redacted> NODE_ENV=production");
        assertThat(Redactor.text("MAX_KEYS=5 ENCRYPTION_KEY_VERSION=2")).as("names that hold no secret")
                .isEqualTo("MAX_KEYS=5 ENCRYPTION_KEY_VERSION=2");
    }

    @Test
    void redisConfigurationLinesLoseTheirPasswords() {
        assertThat(Redactor.text("port 6379\nrequirepass Zx9-redis-pass\n  masterauth \"other pass\"\nappendonly yes"))
                .isEqualTo("port 6379\nrequirepass <redacted>\n  masterauth <redacted>\nappendonly yes");
    }

    @Test
    void otherThingsThatLookLikeCredentialsAreMasked() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assertThat(Redactor.text("cookie value " + jwt + " seen")).isEqualTo("cookie value <redacted> seen");
        assertThat(Redactor.text("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\nafter"))
                .isEqualTo("-----BEGIN PRIVATE KEY----- <redacted>\nafter");
        assertThat(Redactor.text("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n")).doesNotContain("MHcCAQEEIB");
        assertThat(Redactor.text("sent Authorization: Bearer abc123def456ghi789 to /api")).isEqualTo("sent Authorization: Bearer <redacted> to /api");
        assertThat(Redactor.text("Basic dXNlcjpwYXNzd29yZA==")).isEqualTo("Basic <redacted>");
    }

    @Test
    void registeredSecretsCanBeListedForTheSelfTestOnly() {
        Redactor.registerSecret("listed-secret-value-1");
        assertThat(Redactor.registered()).contains("listed-secret-value-1");
        assertThat(Redactor.registered()).as("a copy, not the live set").isUnmodifiable();
    }
}
