package io.ocmt.verify.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that knows what must never reach a report, a log or the console: credentials in
 * headers, cookie values, tokens in URLs and JSON, long hex tokens, magic links, passwords in
 * connection strings, private keys and JWTs, the values of settings whose names say they are secret
 * (Redis's requirepass and masterauth, anything named a password, secret, token or key), and every
 * secret value the run has read. Everything the suite writes about a request or a datastore passes
 * through here; {@link Evidence} is how it reaches the report.
 */
public final class Redactor {

    public static final String MASK = "<redacted>";

    /** Headers whose whole value is a credential. */
    private static final Set<String> SECRET_HEADERS = Set.of(
            "authorization", "proxy-authorization", "x-session-token", "x-vault-session", "x-auth-token",
            "x-csrf-token", "x-xsrf-token", "x-api-key", "x-admin-token");

    /** JSON keys and query parameters whose values are credentials. */
    private static final String SECRET_NAMES =
            "(?:token|sessionToken|vaultSessionToken|magicToken|accessToken|refreshToken|password|passphrase|"
                    + "secret|apiKey|api_key|encryptionKey|recoveryKey|recoveryCode|code|key|link|magicLink|csrfToken)";

    private static final Pattern JSON_SECRET = Pattern.compile(
            "(\"(" + SECRET_NAMES + ")\"\\s*:\\s*)\"((?:[^\"\\\\]|\\\\.)*)\"", Pattern.CASE_INSENSITIVE);
    /** OCMT's error codes (SESSION_EXPIRED, ADMIN_IP_NOT_ALLOWED): a "code" like this is an answer, not an OAuth code. */
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*");
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "([?&;]" + SECRET_NAMES + "=)[^&\\s\"'<>#]+", Pattern.CASE_INSENSITIVE);
    /** Session and magic-link tokens are long hex strings; no report needs one verbatim. */
    private static final Pattern LONG_HEX = Pattern.compile("\\b[0-9a-fA-F]{32,}\\b");
    /** A cookie pair: name=value, in Cookie and Set-Cookie headers. */
    private static final Pattern COOKIE_PAIR = Pattern.compile("(^|;\\s*)([^=;\\s]+)=([^;]*)");
    private static final Set<String> COOKIE_ATTRIBUTES = Set.of(
            "path", "domain", "expires", "max-age", "samesite", "secure", "httponly", "priority", "partitioned");

    /**
     * Words in a setting's, column's or variable's name that make its value a credential: Redis's
     * requirepass and tls-key-file-pass, PGPASSWORD, client_secret, INTERNAL_ADMIN_TOKEN.
     */
    private static final List<String> SECRET_WORD_PARTS = List.of("pass", "pwd", "secret", "token", "credential", "private");
    /**
     * Words that name where a key is or something about it, not the key: tls-key-file is a path,
     * ENCRYPTION_KEY_VERSION a number (tls-key-file-pass is still a password).
     */
    private static final Set<String> ABOUT_WORDS = Set.of("file", "path", "dir", "url", "uri", "host", "port", "version", "id", "name",
            "length", "size", "bits", "type", "algorithm", "format", "count");
    /** Splits a name into words: "tls-key-file-pass", "api_key_encrypted", "apiKey", "ENCRYPTION_KEY". */
    private static final Pattern NAME_WORDS = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");
    /** The password of a URL's user-info: postgresql://user:PASSWORD@host, redis://:PASSWORD@host. */
    private static final Pattern URL_PASSWORD = Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://[^\\s:/@?#]*):([^\\s/@?#]+)@");
    /** A password in a libpq key/value connection string: host=db user=ocmt password=SECRET. */
    private static final Pattern KEYWORD_PASSWORD = Pattern.compile(
            "(?i)\\b(password|passwd|pwd)(\\s*=\\s*)('(?:[^'\\\\]|\\\\.|'')*'|[^\\s&;'\",}]+)");
    /** An environment variable's assignment: REDIS_PASSWORD=…, INTERNAL_ADMIN_TOKEN=…, PGPASSWORD=…; masked where {@link #isSecretName}. */
    private static final Pattern ENV_ASSIGNMENT = Pattern.compile(
            "\\b([A-Z][A-Z0-9_]*)(=)(\"[^\"]*\"|'[^']*'|[^\\s\"',;&]+)");
    /** A line of redis.conf, the name and one value alone on it: requirepass SECRET, masterauth "SECRET". */
    private static final Pattern REDIS_CONF_PASSWORD = Pattern.compile(
            "(?im)^(\\s*(?:requirepass|masterauth)\\s+)(\"[^\"]*\"|'[^']*'|\\S+)[ \\t]*$");
    /** PEM private keys of any kind, whole. */
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\\s\\S]*?(?:-----END \\1PRIVATE KEY-----|$)");
    /** A JSON Web Token: three base64url parts, the first a JSON header. */
    private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");
    /** A Bearer or Basic credential in free text (headers are masked whole by {@link #header}); a real one has a digit. */
    private static final Pattern SCHEME_CREDENTIAL = Pattern.compile(
            "\\b(Bearer|Basic)(\\s+)(?=[A-Za-z0-9._~+/-]*[0-9=])[A-Za-z0-9._~+/-]{12,}=*");

    private static final Set<String> SECRETS = new ConcurrentSkipListSet<>(
            Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));

    private Redactor() {
    }

    /**
     * Whether a value read under {@code name} is a credential by its name alone: a Redis CONFIG or
     * INFO setting (requirepass, masterauth, tls-key-file-pass), a database column, a variable. A word
     * of the name holds pass, pwd, secret, token, credential or private, or is (or ends in) "key" (an
     * api_key, ENCRYPTION_KEY, not tracking-table-max-keys or notify-keyspace-events), or the name ends
     * in "auth" (masterauth, not tls-auth-clients); a key's file, path, URL, version or length is
     * something about it, not the key (tls-key-file, ENCRYPTION_KEY_VERSION), unless another word says
     * password (tls-key-file-pass).
     */
    public static boolean isSecretName(String name) {
        if (name == null || name.isBlank()) {
            return false;
        }
        List<String> words = NAME_WORDS.splitAsStream(name.strip()).filter(w -> !w.isEmpty())
                .map(w -> w.toLowerCase(Locale.ROOT)).toList();
        if (words.isEmpty()) {
            return false;
        }
        boolean saysPassword = words.stream().anyMatch(w -> SECRET_WORD_PARTS.stream().anyMatch(w::contains));
        if (saysPassword) {
            return true;
        }
        boolean about = words.stream().anyMatch(ABOUT_WORDS::contains);
        boolean saysKey = words.stream().anyMatch(w -> w.endsWith("key"));
        return !about && (saysKey || words.get(words.size() - 1).endsWith("auth"));
    }

    /**
     * A value read from a datastore under {@code name}, as a report may show it: masked whole where the
     * name is a secret's (an empty value stays empty, since "no password set" is itself the finding),
     * otherwise as {@link #text} shows it (connection strings lose their passwords, registered
     * secrets and long hex tokens are masked).
     */
    public static String setting(String name, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return isSecretName(name) ? MASK : text(value);
    }

    /** Settings read from a datastore (Redis CONFIG GET or INFO), one {@code name value} line each, through {@link #setting}. */
    public static String settings(Map<String, String> settings) {
        StringBuilder out = new StringBuilder();
        settings.forEach((name, value) -> out.append(text(name)).append(' ').append(value == null ? "(nil)" : setting(name, value))
                .append('\n'));
        return out.toString();
    }

    /** Every value read from a secret variable is masked wherever it later appears. */
    public static void registerSecret(String value) {
        // Very short values would mask ordinary words; no real secret is that short.
        if (value != null && value.length() >= 6) {
            SECRETS.add(value);
        }
    }

    public static String header(String name, String value) {
        String n = name.toLowerCase(Locale.ROOT);
        if (SECRET_HEADERS.contains(n)) {
            int space = value.indexOf(' ');
            // Keep the scheme ("Bearer") so a reader still sees what kind of credential was sent.
            return space > 0 && n.contains("authorization") ? value.substring(0, space) + " " + MASK : MASK;
        }
        if (n.equals("cookie") || n.equals("set-cookie")) {
            return cookies(value);
        }
        return text(value);
    }

    private static String cookies(String value) {
        Matcher m = COOKIE_PAIR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            String replacement = COOKIE_ATTRIBUTES.contains(name.toLowerCase(Locale.ROOT))
                    ? m.group(0)
                    : m.group(1) + name + "=" + (m.group(3).isEmpty() ? "" : MASK);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static String url(String url) {
        return text(url);
    }

    /** Free text: bodies, messages, URLs. */
    public static String text(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String out = s;
        for (String secret : List.copyOf(SECRETS)) {
            out = out.replace(secret, MASK);
        }
        out = JSON_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(
                m.group(2).equalsIgnoreCase("code") && ERROR_CODE.matcher(m.group(3)).matches() ? m.group(0) : m.group(1) + "\"" + MASK + "\""));
        out = QUERY_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        out = URL_PASSWORD.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        out = ENV_ASSIGNMENT.matcher(out).replaceAll(m -> Matcher.quoteReplacement(
                isSecretName(m.group(1)) ? m.group(1) + m.group(2) + MASK : m.group(0)));
        out = KEYWORD_PASSWORD.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        out = REDIS_CONF_PASSWORD.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        out = PRIVATE_KEY.matcher(out).replaceAll(m -> Matcher.quoteReplacement("-----BEGIN " + m.group(1) + "PRIVATE KEY----- " + MASK));
        out = JWT.matcher(out).replaceAll(MASK);
        out = SCHEME_CREDENTIAL.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        out = LONG_HEX.matcher(out).replaceAll(MASK);
        return out;
    }

    /**
     * The values registered so far, for the self-test that searches every report, log and console
     * line of a run for them (test code reaches it through a helper in this package). Never print one.
     */
    static Set<String> registered() {
        return Set.copyOf(SECRETS);
    }
}
