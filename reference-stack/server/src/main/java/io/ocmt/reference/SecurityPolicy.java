package io.ocmt.reference;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The response headers every response carries. This is the single place where header values are
 * written down: the hardened set mirrors OCMT's helmet configuration (shared/docs/ocmt-target.md),
 * and each switch replaces or removes exactly one of them.
 */
public final class SecurityPolicy {

    public static final String CSP = "Content-Security-Policy";
    public static final String CSP_REPORT_ONLY = "Content-Security-Policy-Report-Only";
    public static final String HSTS = "Strict-Transport-Security";
    public static final String FRAME_OPTIONS = "X-Frame-Options";
    public static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    public static final String REFERRER_POLICY = "Referrer-Policy";
    public static final String COOP = "Cross-Origin-Opener-Policy";
    public static final String CORP = "Cross-Origin-Resource-Policy";
    public static final String CROSS_DOMAIN_POLICIES = "X-Permitted-Cross-Domain-Policies";
    public static final String POWERED_BY = "X-Powered-By";

    static final String HSTS_HARDENED = "max-age=31536000; includeSubDomains; preload";
    static final String HSTS_SHORT = "max-age=86400";
    static final String FRAME_OPTIONS_HARDENED = "DENY";
    static final String NOSNIFF = "nosniff";
    static final String REFERRER_POLICY_HARDENED = "strict-origin-when-cross-origin";
    static final String REFERRER_POLICY_UNSAFE = "unsafe-url";
    static final String SAME_ORIGIN = "same-origin";
    static final String SAME_ORIGIN_ALLOW_POPUPS = "same-origin-allow-popups";
    static final String CROSS_DOMAIN_POLICIES_HARDENED = "none";
    static final String POWERED_BY_EXPRESS = "Express";

    /** %s is the user UI origin, the only non-self origin the UI may connect to. */
    private static final String CSP_TEMPLATE = "default-src 'self'; script-src 'self'%s; "
            + "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; "
            + "font-src 'self' https://fonts.gstatic.com data:; img-src 'self' data: blob:; "
            + "connect-src 'self' wss: %s; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-src 'none'; upgrade-insecure-requests";

    /** A CSP source may not contain separators, or the URL could smuggle in directives of its own. */
    private static final Pattern CSP_SOURCE = Pattern.compile("[!-~&&[^;,'\"]]+");

    private final Map<String, String> headers;

    private SecurityPolicy(Map<String, String> headers) {
        this.headers = Collections.unmodifiableMap(headers);
    }

    public static SecurityPolicy hardened(String userUiUrl) {
        return of(Switches.none(), userUiUrl);
    }

    public static SecurityPolicy of(Switches switches, String userUiUrl) {
        if (userUiUrl == null || !CSP_SOURCE.matcher(userUiUrl).matches()) {
            throw new ConfigurationException("USER_UI_URL must be a single URL without spaces, quotes, ';' or ','; got: "
                    + userUiUrl);
        }
        Map<String, String> h = new LinkedHashMap<>();

        String scriptExtra = switches.is(Switch.CSP, "unsafe-inline") ? " 'unsafe-inline'" : "";
        String csp = String.format(CSP_TEMPLATE, scriptExtra, userUiUrl);
        if (switches.is(Switch.CSP, "report-only")) {
            h.put(CSP_REPORT_ONLY, csp);
        } else if (!switches.is(Switch.CSP, "missing")) {
            h.put(CSP, csp);
        }

        if (switches.is(Switch.HSTS, "short")) {
            h.put(HSTS, HSTS_SHORT);
        } else if (!switches.is(Switch.HSTS, "missing")) {
            h.put(HSTS, HSTS_HARDENED);
        }

        if (!switches.is(Switch.FRAME_OPTIONS, "missing")) {
            h.put(FRAME_OPTIONS, FRAME_OPTIONS_HARDENED);
        }
        if (!switches.is(Switch.NOSNIFF, "missing")) {
            h.put(CONTENT_TYPE_OPTIONS, NOSNIFF);
        }
        h.put(REFERRER_POLICY, switches.is(Switch.REFERRER_POLICY, "unsafe-url")
                ? REFERRER_POLICY_UNSAFE : REFERRER_POLICY_HARDENED);
        // What a deployment sets so that OAuth sign-in popups can talk back to the opener.
        h.put(COOP, switches.is(Switch.COOP, "allow-popups") ? SAME_ORIGIN_ALLOW_POPUPS : SAME_ORIGIN);
        h.put(CORP, SAME_ORIGIN);
        if (!switches.is(Switch.CROSS_DOMAIN_POLICIES, "missing")) {
            h.put(CROSS_DOMAIN_POLICIES, CROSS_DOMAIN_POLICIES_HARDENED);
        }
        if (switches.is(Switch.POWERED_BY, "on")) {
            h.put(POWERED_BY, POWERED_BY_EXPRESS);
        }
        return new SecurityPolicy(h);
    }

    /** Header name to value, in a stable order. */
    public Map<String, String> headers() {
        return headers;
    }

    /** Uses a set-style (replacing) setter so that applying twice still sends each header once. */
    public void applyTo(BiConsumer<String, String> setHeader) {
        headers.forEach(setHeader);
    }
}
