package io.ocmt.reference.api;

import io.ocmt.reference.crypto.Tokens;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * OCMT's CSRF decision for one request, free of HTTP plumbing so every rule can be tested alone.
 *
 * <p>State-changing requests (POST, PUT, PATCH, DELETE) under /api are checked. First the origin:
 * an Origin header, else the origin of the Referer, must be APP_URL or in ALLOWED_ORIGINS; a request
 * with neither passes, as in OCMT (browsers send one on cross-site requests). Then the double submit:
 * a request that carries the XSRF-TOKEN cookie must repeat its value in X-CSRF-Token. A request
 * without the cookie is an API client (X-Session-Token) that no other site can make a browser send,
 * so it passes. Login and verify are exempt from the double submit: no session exists yet.
 */
public final class CsrfRules {

    public static final String COOKIE = "XSRF-TOKEN";
    public static final String HEADER = "X-CSRF-Token";

    public enum Verdict { PASS, ORIGIN_INVALID, TOKEN_INVALID }

    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> TOKEN_EXEMPT = Set.of("/api/auth/login", "/api/auth/verify");

    private final Set<String> allowedOrigins;
    private final boolean checkOrigin;

    public CsrfRules(Set<String> allowedOrigins, boolean checkOrigin) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.checkOrigin = checkOrigin;
    }

    public Verdict judge(String method, String path, String originHeader, String refererHeader,
                         String cookieToken, String headerToken) {
        if (method == null || !STATE_CHANGING.contains(method.toUpperCase(Locale.ROOT))) {
            return Verdict.PASS;
        }
        // Routing is case-insensitive and ignores a trailing slash, so the checks must be too.
        String p = canonicalPath(path);
        if (!p.equals("/api") && !p.startsWith("/api/")) {
            return Verdict.PASS;
        }
        if (checkOrigin && !originAllowed(originHeader, refererHeader)) {
            return Verdict.ORIGIN_INVALID;
        }
        if (TOKEN_EXEMPT.contains(p) || cookieToken == null || cookieToken.isEmpty()) {
            return Verdict.PASS;
        }
        return Tokens.constantTimeEquals(cookieToken, headerToken) ? Verdict.PASS : Verdict.TOKEN_INVALID;
    }

    boolean originAllowed(String originHeader, String refererHeader) {
        boolean hasOrigin = originHeader != null && !originHeader.isEmpty();
        boolean hasReferer = refererHeader != null && !refererHeader.isEmpty();
        if (!hasOrigin && !hasReferer) {
            return true;
        }
        String origin = origin(hasOrigin ? originHeader : refererHeader);
        return origin != null && allowedOrigins.contains(origin);
    }

    /**
     * The origin (scheme://host[:port], lower case, default port left out) of an http(s) URL, or
     * null when it has none: "null", other schemes, user info and unparseable values are never an
     * allowed origin.
     */
    public static String origin(String url) {
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    static String canonicalPath(String path) {
        String p = path == null ? "" : path.toLowerCase(Locale.ROOT);
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
