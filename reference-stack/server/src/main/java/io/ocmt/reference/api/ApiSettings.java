package io.ocmt.reference.api;

import io.ocmt.reference.ConfigurationException;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.crypto.SecretBox;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The environment of the stateful API (accounts, sessions, vault, secrets, admin), checked once at
 * startup. Every window is configurable so tests can shorten it; defaults are OCMT's.
 */
public final class ApiSettings {

    public static final long DEFAULT_SESSION_TIMEOUT_MS = 604_800_000L;
    public static final int DEFAULT_MAX_SESSIONS = 5;
    public static final long DEFAULT_MAGIC_LINK_TTL_MS = 900_000L;
    public static final int DEFAULT_VAULT_SESSION_TTL_S = 3600;
    public static final long DEFAULT_VAULT_BACKOFF_BASE_MS = 1000L;
    public static final long DEFAULT_VAULT_BACKOFF_MAX_MS = 300_000L;
    public static final long DEFAULT_DB_STARTUP_TIMEOUT_MS = 60_000L;
    public static final String DEFAULT_URL = "https://localhost";
    public static final String DEFAULT_MAIL_FROM = "OCMT <no-reply@ocmt.test>";

    /** Bearer token of the admin API (OCMT's middleware). */
    public static final String INTERNAL_ADMIN_TOKEN = "INTERNAL_ADMIN_TOKEN";
    /** Comma list of e-mail addresses whose sessions are admin sessions. */
    public static final String ADMIN_EMAILS = "ADMIN_EMAILS";
    /** Bearer token of the internal API, the agent server's credential. */
    public static final String AGENT_SERVER_TOKEN = "AGENT_SERVER_TOKEN";
    /** OCMT reads it only in its admin UI; this server has none, so it reads it nowhere. */
    public static final String ADMIN_TOKEN = "ADMIN_TOKEN";
    /** The checklist's variable; OCMT keeps its admin allowlist in the admin_ip_allowlist table instead. */
    public static final String ADMIN_ALLOWED_IPS = "ADMIN_ALLOWED_IPS";

    final DatabaseUrl database;
    final String redisUrl;
    final String smtpHost;
    final int smtpPort;
    final String mailFrom;
    final String userUiUrl;
    final Set<String> allowedOrigins;
    final long sessionTimeoutMs;
    final int maxSessionsPerUser;
    final long magicLinkTtlMs;
    final int vaultSessionTtlS;
    final long vaultBackoffBaseMs;
    final long vaultBackoffMaxMs;
    final long dbStartupTimeoutMs;
    final String internalAdminToken;
    final Set<String> adminEmails;
    final String agentServerToken;
    final SecretBox secrets;
    final Switches switches;

    private ApiSettings(Map<String, String> env, Switches switches) {
        this.database = DatabaseUrl.parse(env.get("DATABASE_URL"));
        this.redisUrl = redisUrl(blankToNull(env.get("REDIS_URL")));
        this.smtpHost = blankToNull(env.get("SMTP_HOST"));
        this.smtpPort = (int) number(env, "SMTP_PORT", 25, 1, 65535);
        this.mailFrom = orDefault(env.get("MAIL_FROM"), DEFAULT_MAIL_FROM);
        this.userUiUrl = stripSlash(orDefault(env.get("USER_UI_URL"), DEFAULT_URL));
        this.allowedOrigins = allowedOrigins(orDefault(env.get("APP_URL"), DEFAULT_URL), env.get("ALLOWED_ORIGINS"));
        this.sessionTimeoutMs = number(env, "USER_SESSION_TIMEOUT_MS", DEFAULT_SESSION_TIMEOUT_MS, 1, Long.MAX_VALUE / 4);
        this.maxSessionsPerUser = (int) number(env, "MAX_SESSIONS_PER_USER", DEFAULT_MAX_SESSIONS, 1, 1000);
        this.magicLinkTtlMs = number(env, "MAGIC_LINK_TTL_MS", DEFAULT_MAGIC_LINK_TTL_MS, 1, 86_400_000L);
        this.vaultSessionTtlS = (int) number(env, "VAULT_SESSION_TTL_S", DEFAULT_VAULT_SESSION_TTL_S, 1, 86_400);
        this.vaultBackoffBaseMs = number(env, "VAULT_BACKOFF_BASE_MS", DEFAULT_VAULT_BACKOFF_BASE_MS, 1, 3_600_000L);
        this.vaultBackoffMaxMs = number(env, "VAULT_BACKOFF_MAX_MS", DEFAULT_VAULT_BACKOFF_MAX_MS, 1, 86_400_000L);
        this.dbStartupTimeoutMs = number(env, "DB_STARTUP_TIMEOUT_MS", DEFAULT_DB_STARTUP_TIMEOUT_MS, 1, 3_600_000L);
        this.internalAdminToken = blankToNull(env.get(INTERNAL_ADMIN_TOKEN));
        this.adminEmails = adminEmails(env.get(ADMIN_EMAILS));
        this.agentServerToken = blankToNull(env.get(AGENT_SERVER_TOKEN));
        this.secrets = SecretBox.fromEnvironment(env);
        this.switches = switches;
        if (vaultBackoffMaxMs < vaultBackoffBaseMs) {
            throw new ConfigurationException("VAULT_BACKOFF_MAX_MS must not be below VAULT_BACKOFF_BASE_MS");
        }
    }

    /**
     * The API runs only with a database; without DATABASE_URL the server serves the header policy
     * and /health alone, as before. ENCRYPTION_KEY is checked whenever it is set, so a malformed key
     * never goes unnoticed.
     */
    public static ApiSettings fromEnvironment(Map<String, String> env, Switches switches) {
        if (blankToNull(env.get(ADMIN_ALLOWED_IPS)) != null) {
            // Ignoring it would leave a deployer believing the admin API is fenced when it is not.
            throw new ConfigurationException(ADMIN_ALLOWED_IPS + " is not read: OCMT keeps the admin IP allowlist in the"
                    + " admin_ip_allowlist table (INSERT INTO admin_ip_allowlist (cidr, description) VALUES (...)),"
                    + " which guards /api/admin/security; unset " + ADMIN_ALLOWED_IPS + " and insert the ranges there");
        }
        if (blankToNull(env.get("DATABASE_URL")) == null) {
            if (blankToNull(env.get("ENCRYPTION_KEY")) != null) {
                SecretBox.fromEnvironment(env);
            }
            return null;
        }
        return new ApiSettings(env, switches);
    }

    /** What the startup log should warn about: variables that are set but mean nothing here. */
    public static List<String> warnings(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        if (blankToNull(env.get(ADMIN_TOKEN)) != null) {
            out.add(ADMIN_TOKEN + " is set but not read: in OCMT it guards the admin UI, not this API;"
                    + " the admin API takes Authorization: Bearer <" + INTERNAL_ADMIN_TOKEN + "> or an admin session");
        }
        return out;
    }

    /** For the startup log: what is configured, never a secret. */
    String describe() {
        return "database " + database.describe()
                + "; redis " + (redisUrl == null ? "off (vault sessions in memory, this replica only)" : "on")
                + "; mail " + (smtpHost == null ? "off (no login links are sent)" : smtpHost + ":" + smtpPort)
                + "; allowed origins " + allowedOrigins
                + "; session timeout " + sessionTimeoutMs + " ms, at most " + maxSessionsPerUser + " per user"
                + "; admin: " + INTERNAL_ADMIN_TOKEN + " " + (internalAdminToken == null ? "NOT SET (no Bearer is accepted)" : "set")
                + ", " + adminEmails.size() + " " + ADMIN_EMAILS
                + (switches.is(Switch.ADMIN_GUARD, "1") ? ", guard OPEN TO EVERYONE (BREAK_ADMIN_GUARD)" : "")
                + ", IP allowlist from table admin_ip_allowlist on /api/admin/security"
                + (switches.is(Switch.ADMIN_IP_ALLOWLIST, "1") ? " NOT ENFORCED (BREAK_ADMIN_IP_ALLOWLIST)" : "")
                + "; " + AGENT_SERVER_TOKEN + " " + (agentServerToken == null ? "NOT SET (/api/internal refuses everyone)" : "set")
                + "; encryption key version " + secrets.currentVersion();
    }

    /** Lower case, as OCMT compares them; an entry that is not one plain address is a typo worth stopping for. */
    static Set<String> adminEmails(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list == null) {
            return Set.of();
        }
        for (String part : list.split(",")) {
            String email = part.trim().toLowerCase(Locale.ROOT);
            if (email.isEmpty()) {
                continue;
            }
            if (!email.matches("[^\\s@,]+@[^\\s@,]+")) {
                throw new ConfigurationException(ADMIN_EMAILS + " must be a comma list of e-mail addresses; got: " + part.trim());
            }
            out.add(email);
        }
        return Collections.unmodifiableSet(out);
    }

    static Set<String> allowedOrigins(String appUrl, String list) {
        Set<String> out = new LinkedHashSet<>();
        List<String> raw = new ArrayList<>();
        raw.add(appUrl);
        if (list != null) {
            for (String part : list.split(",")) {
                if (!part.isBlank()) {
                    raw.add(part.trim());
                }
            }
        }
        for (String origin : raw) {
            String normalized = CsrfRules.origin(origin);
            if (normalized == null) {
                throw new ConfigurationException("APP_URL and ALLOWED_ORIGINS must be http(s) URLs; got: " + origin);
            }
            out.add(normalized);
        }
        return Collections.unmodifiableSet(out);
    }

    /** Checked here because the Redis client's own errors would echo the URL, password included. */
    static String redisUrl(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("redis") || scheme.equals("rediss")) && uri.getHost() != null) {
                return raw;
            }
        } catch (URISyntaxException e) {
            // reported below, without the value
        }
        throw new ConfigurationException("REDIS_URL must look like redis://:password@host:6379");
    }

    static long number(Map<String, String> env, String name, long fallback, long min, long max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the offending value
        }
        throw new ConfigurationException(name + " must be a whole number from " + min + " to " + max + "; got: " + raw);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** DATABASE_URL in libpq's URI form, turned into what the JDBC driver takes. */
    record DatabaseUrl(String jdbcUrl, String user, String password, String host, String name) {

        static DatabaseUrl parse(String raw) {
            URI uri;
            try {
                uri = new URI(raw.trim());
            } catch (URISyntaxException e) {
                throw invalid();
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("postgresql") && !scheme.equals("postgres") || uri.getHost() == null) {
                throw invalid();
            }
            String user = null;
            String password = null;
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon));
                password = colon < 0 ? null : percentDecode(userInfo.substring(colon + 1));
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            String name = percentDecode(path.startsWith("/") ? path.substring(1) : path);
            if (name.isEmpty() || name.contains("/")) {
                throw invalid();
            }
            int port = uri.getPort() < 0 ? 5432 : uri.getPort();
            String host = uri.getHost();
            String query = uri.getRawQuery();
            String jdbc = "jdbc:postgresql://" + host + ":" + port + "/" + name + (query == null ? "" : "?" + query);
            return new DatabaseUrl(jdbc, user, password, host, name);
        }

        String describe() {
            java.util.regex.Matcher ssl = java.util.regex.Pattern.compile("[?&]sslmode=([A-Za-z-]+)").matcher(jdbcUrl);
            return host + "/" + name + (ssl.find() ? " sslmode=" + ssl.group(1) : "");
        }

        // Never echo the value: it carries the database password.
        private static ConfigurationException invalid() {
            return new ConfigurationException("DATABASE_URL must look like postgresql://user:password@host:5432/database");
        }

        /** RFC 3986 percent-decoding; unlike URLDecoder it leaves '+' alone, which passwords may contain. */
        static String percentDecode(String s) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '%' && i + 2 < s.length()
                        && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                    out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                    i += 3;
                    continue;
                }
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
