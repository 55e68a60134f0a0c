package io.ocmt.verify.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that knows what must never reach a report, a log or the console: credentials in
 * headers, cookie values, tokens in URLs and JSON, long hex tokens, magic links, and every secret
 * value the run has read. Everything the suite writes about a request passes through here.
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

    private static final Set<String> SECRETS = new ConcurrentSkipListSet<>(
            Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));

    private Redactor() {
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
        out = LONG_HEX.matcher(out).replaceAll(MASK);
        return out;
    }
}
