package io.ocmt.verify.headers.internal;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a CSP source list lets through a source the application needs. A reduced version of
 * CSP Level 3 §6.7.2 ("does url match expression"): enough to tell that {@code https:} or
 * {@code *.googleapis.com} admits {@code https://fonts.googleapis.com}, and that {@code 'self'}
 * does not admit {@code wss:}. The page is assumed to be served over https, which is what the
 * suite checks anyway.
 */
public final class SourceMatcher {

    private static final Pattern SCHEME_SOURCE = Pattern.compile("^([a-z][a-z0-9+.-]*):$");
    private static final Pattern HOST_SOURCE = Pattern.compile(
            "^(?:([a-z][a-z0-9+.-]*)://)?(\\*|(?:\\*\\.)?[a-z0-9_-]+(?:\\.[a-z0-9_-]+)*\\.?|\\[[0-9a-f:.]+])"
                    + "(?::(\\d+|\\*))?(/[^?#]*)?$");
    /** Schemes whose URLs a bare {@code *} admits; it never admits data:, blob: or filesystem:. */
    private static final Set<String> NETWORK_SCHEMES = Set.of("http", "https", "ws", "wss");

    private SourceMatcher() {
    }

    /** True when {@code sourceList} admits {@code needed} (a scheme, host or keyword source). */
    public static boolean allows(List<String> sourceList, String needed) {
        String want = HeaderText.lower(needed.trim());
        for (String token : sourceList) {
            if (HeaderText.lower(token).equals(want)) {
                return true;
            }
        }
        Matcher schemeOnly = SCHEME_SOURCE.matcher(want);
        if (schemeOnly.matches()) {
            return allowsScheme(sourceList, schemeOnly.group(1));
        }
        Matcher host = HOST_SOURCE.matcher(want);
        if (host.matches() && host.group(1) != null && !host.group(2).contains("*")) {
            return allowsUrl(sourceList, new Url(host.group(1), host.group(2), port(host.group(3), host.group(1)),
                    host.group(4) == null || host.group(4).isEmpty() ? "/" : host.group(4)));
        }
        // Keywords ('self', 'none'...) and anything unusual: only the literal token admits them.
        return false;
    }

    private static boolean allowsScheme(List<String> sourceList, String scheme) {
        for (String token : sourceList) {
            String t = HeaderText.lower(token);
            if (t.equals("*") && NETWORK_SCHEMES.contains(scheme)) {
                return true;
            }
            Matcher m = SCHEME_SOURCE.matcher(t);
            if (m.matches() && schemeMatches(m.group(1), scheme)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allowsUrl(List<String> sourceList, Url url) {
        for (String token : sourceList) {
            String t = HeaderText.lower(token);
            if (t.equals("*")) {
                if (NETWORK_SCHEMES.contains(url.scheme)) {
                    return true;
                }
                continue;
            }
            Matcher scheme = SCHEME_SOURCE.matcher(t);
            if (scheme.matches()) {
                if (schemeMatches(scheme.group(1), url.scheme)) {
                    return true;
                }
                continue;
            }
            Matcher host = HOST_SOURCE.matcher(t);
            if (host.matches() && hostSourceMatches(host, url)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hostSourceMatches(Matcher source, Url url) {
        String scheme = source.group(1);
        // A host-source without a scheme takes the page's; the page is https, whose upgrades are https and wss.
        boolean schemeOk = scheme == null
                ? url.scheme.equals("https") || url.scheme.equals("wss")
                : schemeMatches(scheme, url.scheme);
        if (!schemeOk) {
            return false;
        }
        String host = source.group(2);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        boolean hostOk = host.equals("*")
                || (host.startsWith("*.") ? url.host.endsWith(host.substring(1)) : url.host.equals(host));
        if (!hostOk) {
            return false;
        }
        String portPart = source.group(3);
        boolean portOk = portPart == null
                ? url.port == defaultPort(url.scheme)
                : portPart.equals("*") || Integer.parseInt(portPart) == url.port;
        if (!portOk) {
            return false;
        }
        String path = source.group(4);
        if (path == null || path.isEmpty() || path.equals("/")) {
            return true;
        }
        return path.endsWith("/") ? url.path.startsWith(path) : url.path.equals(path);
    }

    /** CSP3 "scheme-part match": a source for a weaker scheme also admits its secure upgrade. */
    private static boolean schemeMatches(String sourceScheme, String urlScheme) {
        return switch (sourceScheme) {
            case "http" -> urlScheme.equals("http") || urlScheme.equals("https");
            case "ws" -> urlScheme.equals("ws") || urlScheme.equals("wss") || urlScheme.equals("http")
                    || urlScheme.equals("https");
            case "wss" -> urlScheme.equals("wss") || urlScheme.equals("https");
            default -> sourceScheme.equals(urlScheme);
        };
    }

    private static int port(String port, String scheme) {
        if (port == null) {
            return defaultPort(scheme);
        }
        return port.equals("*") ? -1 : Integer.parseInt(port);
    }

    private static int defaultPort(String scheme) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    private record Url(String scheme, String host, int port, String path) {
    }
}
