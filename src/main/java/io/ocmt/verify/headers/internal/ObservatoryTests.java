package io.ocmt.verify.headers.internal;

import io.ocmt.verify.http.Exchange;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ten tests of the MDN HTTP Observatory (analyzer/tests/*.js and grader/charts.js of
 * {@code @mdn/mdn-http-observatory} 1.4.8), judging what its retriever would have fetched: the
 * plain-HTTP redirect chain, the HTTPS page (after its redirects), the cookies that chain set and a
 * CORS preflight. Each result carries the Observatory's expectation name and score modifier.
 *
 * <p>Headers are read as Node.js hands them to the Observatory: a header sent twice becomes one
 * value joined with ", " (so a second HSTS header makes it invalid), except Content-Type and the
 * other headers Node keeps only the first of, and Set-Cookie, which stays a list.
 */
public final class ObservatoryTests {

    /** One test's outcome: test name, the Observatory's expectation, its modifier, pass, what it read. */
    public record Result(String test, String expectation, int modifier, boolean pass, String data) {
    }

    /**
     * What the Observatory's retriever collects.
     *
     * @param host        the host scanned
     * @param httpRoute   every response of the plain-HTTP request and the redirects it followed (empty: no HTTP answer)
     * @param httpsChain  every response of the HTTPS request and its redirects, the page last (empty: no HTTPS answer)
     * @param cors        the answer to the CORS preflight on the page's URL, or null
     * @param preloaded   host names on the HSTS preload list
     */
    public record Retrieved(String host, List<Exchange> httpRoute, List<Exchange> httpsChain, Exchange cors,
                            Set<String> preloaded) {

        /** The page the tests judge: the HTTPS one where HTTPS answered, else the plain-HTTP one. */
        public Exchange auto() {
            if (!httpsChain.isEmpty()) {
                return httpsChain.get(httpsChain.size() - 1);
            }
            return httpRoute.isEmpty() ? null : httpRoute.get(httpRoute.size() - 1);
        }

        boolean httpsAnswered() {
            return !httpsChain.isEmpty();
        }
    }

    /** Modifiers from grader/charts.js SCORE_TABLE. */
    static final Map<String, Integer> MODIFIERS = new LinkedHashMap<>();

    static {
        Object[][] table = {
            {"csp-implemented-with-no-unsafe-default-src-none", 10}, {"csp-implemented-with-no-unsafe", 5},
            {"csp-implemented-with-unsafe-inline-in-style-src-only", 0},
            {"csp-implemented-with-insecure-scheme-in-passive-content-only", -10},
            {"csp-implemented-with-unsafe-eval", -10}, {"csp-implemented-with-unsafe-inline", -20},
            {"csp-implemented-with-insecure-scheme", -20}, {"csp-header-invalid", -25}, {"csp-not-implemented", -25},
            {"csp-not-implemented-but-reporting-enabled", -25}, {"csp-implemented-but-duplicate-directives", 0},
            {"cookies-secure-with-httponly-sessions-and-samesite", 5}, {"cookies-secure-with-httponly-sessions", 0},
            {"cookies-not-found", 0}, {"cookies-without-secure-flag-but-protected-by-hsts", -5},
            {"cookies-session-without-secure-flag-but-protected-by-hsts", -10}, {"cookies-without-secure-flag", -20},
            {"cookies-samesite-flag-invalid", -20}, {"cookies-anticsrf-without-samesite-flag", -20},
            {"cookies-session-without-httponly-flag", -30}, {"cookies-session-without-secure-flag", -40},
            {"cross-origin-resource-sharing-not-implemented", 0},
            {"cross-origin-resource-sharing-implemented-with-public-access", 0},
            {"cross-origin-resource-sharing-implemented-with-restricted-access", 0},
            {"cross-origin-resource-sharing-implemented-with-universal-access", -50},
            {"redirection-all-redirects-preloaded", 0}, {"redirection-to-https", 0},
            {"redirection-not-needed-no-http", 0}, {"redirection-off-host-from-http", -5},
            {"redirection-not-to-https-on-initial-redirection", -10}, {"redirection-not-to-https", -20},
            {"redirection-missing", -20}, {"redirection-invalid-cert", -20},
            {"referrer-policy-private", 5}, {"referrer-policy-not-implemented", 0}, {"referrer-policy-unsafe", -5},
            {"referrer-policy-header-invalid", -5},
            {"hsts-preloaded", 5}, {"hsts-implemented-max-age-at-least-six-months", 0},
            {"hsts-implemented-max-age-less-than-six-months", -10}, {"hsts-not-implemented", -20},
            {"hsts-header-invalid", -20}, {"hsts-not-implemented-no-https", -20}, {"hsts-invalid-cert", -20},
            {"sri-implemented-and-all-scripts-loaded-securely", 5},
            {"sri-implemented-and-external-scripts-loaded-securely", 5},
            {"sri-not-implemented-response-not-html", 0}, {"sri-not-implemented-but-no-scripts-loaded", 0},
            {"sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0},
            {"sri-not-implemented-but-external-scripts-loaded-securely", -5},
            {"sri-implemented-but-external-scripts-not-loaded-securely", -20},
            {"sri-not-implemented-and-external-scripts-not-loaded-securely", -50},
            {"x-content-type-options-nosniff", 0}, {"x-content-type-options-not-implemented", -5},
            {"x-content-type-options-header-invalid", -5},
            {"x-frame-options-implemented-via-csp", 5}, {"x-frame-options-sameorigin-or-deny", 0},
            {"x-frame-options-allow-from-origin", 0}, {"x-frame-options-not-implemented", -20},
            {"x-frame-options-header-invalid", -20},
            {"corp-header-invalid", -5}, {"corp-implemented-with-cross-origin", 0},
            {"corp-implemented-with-same-origin", 10}, {"corp-implemented-with-same-site", 10},
            {"corp-not-implemented", 0}, {"html-not-parseable", -20},
        };
        for (Object[] row : table) {
            MODIFIERS.put((String) row[0], (Integer) row[1]);
        }
    }

    private static final Set<String> DANGEROUSLY_BROAD = Set.of("ftp:", "http:", "https:", "*", "http://*", "http://*.*",
            "https://*", "https://*.*");
    private static final Set<String> UNSAFE_INLINE = Set.of("'unsafe-inline'", "data:");
    private static final Set<String> BROAD_OR_INLINE;
    private static final Set<String> PASSIVE_DIRECTIVES = new LinkedHashSet<>(List.of("img-src", "media-src"));
    private static final List<String> NONCES_HASHES = List.of("'sha256-", "'sha384-", "'sha512-", "'nonce-");
    private static final Set<String> HTML_TYPES = Set.of("text/html", "application/xhtml+xml");
    /** Headers Node.js keeps the first of when sent twice (http's "discard duplicates" list). */
    private static final Set<String> NODE_FIRST_ONLY = Set.of("age", "authorization", "content-length", "content-type",
            "etag", "expires", "from", "host", "if-modified-since", "if-unmodified-since", "last-modified", "location",
            "max-forwards", "proxy-authorization", "referer", "retry-after", "server", "user-agent");
    private static final int SIX_MONTHS = 15552000;

    static {
        Set<String> s = new LinkedHashSet<>(DANGEROUSLY_BROAD);
        s.addAll(UNSAFE_INLINE);
        BROAD_OR_INLINE = Set.copyOf(s);
    }

    private ObservatoryTests() {
    }

    /** The ten results, in the Observatory's order (constants.js ALL_TESTS). */
    public static List<Result> run(Retrieved r) {
        Html html = Html.of(r.auto());
        CspOutcome csp = csp(r, html);
        boolean hstsPass = hsts(r).pass();
        return List.of(
                result("content-security-policy", csp.expectation, csp.pass, csp.describe()),
                cookies(r, hstsPass),
                cors(r),
                redirection(r),
                referrer(r, html),
                hsts(r),
                sri(r, html),
                contentTypeOptions(r),
                frameOptions(r, csp),
                corp(r));
    }

    private static Result result(String test, String expectation, boolean pass, String data) {
        return new Result(test, expectation, MODIFIERS.getOrDefault(expectation, 0), pass, data);
    }

    /** The header as Node.js gives it to the Observatory: null when absent. */
    static String nodeHeader(Exchange e, String name) {
        if (e == null) {
            return null;
        }
        List<String> values = e.all(name);
        if (values.isEmpty()) {
            return null;
        }
        return NODE_FIRST_ONLY.contains(name.toLowerCase(Locale.ROOT)) ? values.get(0) : String.join(", ", values);
    }

    // --- CSP (csp.js) -------------------------------------------------------------------------

    record CspOutcome(String expectation, boolean pass, Map<String, Set<String>> data) {
        String describe() {
            return data == null ? "" : data.toString();
        }
    }

    static CspOutcome csp(Retrieved r, Html html) {
        String expected = "csp-implemented-with-no-unsafe";
        Exchange response = r.auto();
        if (response == null) {
            return new CspOutcome("csp-not-implemented", false, null);
        }
        String header = nodeHeader(response, "Content-Security-Policy");
        List<String> httpCsp = header == null ? List.of() : List.of(header);
        List<String> equivCsp = html.metaCsp;
        Map<String, Set<String>> csp;
        Map<String, Set<String>> headerOnly;
        Map<String, Set<String>> metaCsp;
        List<String> all = new ArrayList<>(httpCsp);
        all.addAll(equivCsp);
        try {
            csp = ObservatoryCsp.parse(all);
        } catch (ObservatoryCsp.InvalidPolicy e) {
            return new CspOutcome("csp-header-invalid", false, null);
        }
        try {
            headerOnly = ObservatoryCsp.parse(httpCsp);
        } catch (ObservatoryCsp.InvalidPolicy e) {
            headerOnly = new LinkedHashMap<>();
        }
        try {
            metaCsp = ObservatoryCsp.parseMeta(equivCsp);
        } catch (ObservatoryCsp.InvalidPolicy e) {
            metaCsp = new LinkedHashMap<>();
        }
        if (headerOnly.size() + metaCsp.size() == 0) {
            String reportOnly = nodeHeader(response, "Content-Security-Policy-Report-Only");
            return new CspOutcome(reportOnly != null && !reportOnly.isEmpty()
                    ? "csp-not-implemented-but-reporting-enabled" : "csp-not-implemented", false, null);
        }
        String result = null;
        Set<String> objectSrc = or(csp.get("object-src"), csp.get("default-src"), "*");
        Set<String> scriptSrc = or(csp.get("script-src"), csp.get("default-src"), "*");
        Set<String> styleSrc = or(csp.get("style-src"), csp.get("default-src"), "*");

        // Same objects as in the map, as in the Observatory: removing from one list may change another.
        for (Set<String> list : List.of(scriptSrc, styleSrc)) {
            if (startsWithNonceOrHash(list) && list.contains("'unsafe-inline'")) {
                list.remove("'unsafe-inline'");
            }
        }
        if (startsWithNonceOrHash(scriptSrc) && scriptSrc.contains("'strict-dynamic'")) {
            scriptSrc.removeIf(source -> DANGEROUSLY_BROAD.stream().anyMatch(source::startsWith)
                    || source.equals("'self'") || source.equals("'unsafe-inline'"));
        } else if (scriptSrc.contains("'strict-dynamic'")) {
            result = "csp-header-invalid";
        }

        List<String> active = new ArrayList<>();
        csp.forEach((directive, sources) -> {
            if (!PASSIVE_DIRECTIVES.contains(directive) && !directive.equals("script-src")) {
                active.addAll(sources);
            }
        });
        active.addAll(scriptSrc);
        List<String> passive = new ArrayList<>();
        for (String directive : PASSIVE_DIRECTIVES) {
            Set<String> s = csp.get(directive) != null ? csp.get(directive) : csp.get("default-src");
            if (s != null) {
                passive.addAll(s);
            }
        }
        boolean https = r.httpsAnswered();

        if (scriptSrc.stream().anyMatch(BROAD_OR_INLINE::contains) || objectSrc.stream().anyMatch(DANGEROUSLY_BROAD::contains)) {
            result = result == null ? "csp-implemented-with-unsafe-inline" : result;
        }
        if (https && active.stream().anyMatch(s -> s.startsWith("http:") || s.startsWith("ftp:"))) {
            result = result == null ? "csp-implemented-with-insecure-scheme" : result;
        }
        Set<String> scriptAndStyle = new LinkedHashSet<>(scriptSrc);
        scriptAndStyle.addAll(styleSrc);
        if (scriptAndStyle.contains("'unsafe-eval'")) {
            result = result == null ? "csp-implemented-with-unsafe-eval" : result;
        }
        if (https && passive.stream().anyMatch(s -> s.startsWith("http:") || s.startsWith("ftp:"))) {
            result = result == null ? "csp-implemented-with-insecure-scheme-in-passive-content-only" : result;
        }
        if (styleSrc.stream().anyMatch(BROAD_OR_INLINE::contains)) {
            result = result == null ? "csp-implemented-with-unsafe-inline-in-style-src-only" : result;
        }
        Set<String> defaultSrc = csp.get("default-src");
        if (defaultSrc != null && defaultSrc.contains("'none'") && defaultSrc.size() == 1) {
            result = result == null ? "csp-implemented-with-no-unsafe-default-src-none" : result;
        } else {
            result = result == null ? expected : result;
        }
        boolean pass = false;
        if (List.of(expected, "csp-implemented-with-no-unsafe-default-src-none",
                "csp-implemented-with-unsafe-inline-in-style-src-only",
                "csp-implemented-with-insecure-scheme-in-passive-content-only").contains(result)) {
            pass = true;
            if (csp.containsKey(ObservatoryCsp.DUPLICATE_WARNINGS_KEY)) {
                result = "csp-implemented-but-duplicate-directives";
            }
        }
        Map<String, Set<String>> data = new LinkedHashMap<>();
        csp.forEach((k, v) -> {
            if (!k.equals(ObservatoryCsp.DUPLICATE_WARNINGS_KEY)) {
                data.put(k, new java.util.TreeSet<>(v));
            }
        });
        return new CspOutcome(result, pass, data);
    }

    private static Set<String> or(Set<String> first, Set<String> second, String fallback) {
        if (first != null) {
            return first;
        }
        if (second != null) {
            return second;
        }
        return new LinkedHashSet<>(Set.of(fallback));
    }

    private static boolean startsWithNonceOrHash(Set<String> sources) {
        return sources.stream().anyMatch(s -> NONCES_HASHES.stream().anyMatch(s::startsWith));
    }

    // --- Cookies (cookies.js) -------------------------------------------------------------------

    static Result cookies(Retrieved r, boolean hsts) {
        List<String> goodness = List.of("cookies-without-secure-flag-but-protected-by-hsts", "cookies-without-secure-flag",
                "cookies-session-without-secure-flag-but-protected-by-hsts", "cookies-samesite-flag-invalid",
                "cookies-anticsrf-without-samesite-flag", "cookies-session-without-httponly-flag",
                "cookies-session-without-secure-flag");
        String expected = "cookies-secure-with-httponly-sessions";
        String result = null;
        Exchange auto = r.auto();
        if (auto != null) {
            for (String raw : auto.all("Set-Cookie")) {
                if (invalidSameSite(raw)) {
                    result = worse("cookies-samesite-flag-invalid", result, goodness);
                }
            }
        }
        List<Cookie> jar = jar(r);
        StringBuilder data = new StringBuilder();
        if (jar.isEmpty()) {
            result = "cookies-not-found";
        } else {
            boolean missingSameSite = false;
            for (Cookie c : jar) {
                data.append(c).append("; ");
                String key = c.name.toLowerCase(Locale.ROOT);
                boolean session = key.contains("login") || key.contains("sess");
                boolean antiCsrf = key.contains("csrf");
                if (!c.secure && "none".equals(c.sameSite)) {
                    result = worse("cookies-samesite-flag-invalid", result, goodness);
                }
                if (!c.secure && hsts) {
                    result = worse("cookies-without-secure-flag-but-protected-by-hsts", result, goodness);
                } else if (!c.secure) {
                    result = worse("cookies-without-secure-flag", result, goodness);
                }
                if (antiCsrf && c.sameSite == null) {
                    result = worse("cookies-anticsrf-without-samesite-flag", result, goodness);
                }
                if (session && !c.secure && hsts) {
                    result = worse("cookies-session-without-secure-flag-but-protected-by-hsts", result, goodness);
                } else if (session && !c.secure) {
                    result = worse("cookies-session-without-secure-flag", result, goodness);
                }
                if (session && !c.httpOnly) {
                    result = worse("cookies-session-without-httponly-flag", result, goodness);
                }
                if (c.sameSite == null) {
                    missingSameSite = true;
                }
            }
            if (result == null) {
                result = missingSameSite ? expected : "cookies-secure-with-httponly-sessions-and-samesite";
            }
        }
        boolean pass = List.of("cookies-not-found", "cookies-secure-with-httponly-sessions-and-samesite", expected).contains(result);
        return result("cookies", result, pass, data.toString().strip());
    }

    private static String worse(String newResult, String old, List<String> order) {
        if (old == null) {
            return newResult;
        }
        return order.indexOf(newResult) > order.indexOf(old) ? newResult : old;
    }

    private static boolean invalidSameSite(String raw) {
        for (String p : raw.strip().split(";", -1)) {
            String[] kv = p.strip().split("=", -1);
            if (kv[0].strip().equalsIgnoreCase("samesite")) {
                if (kv.length < 2 || kv[1].isEmpty()) {
                    return true;
                }
                if (!List.of("lax", "strict", "none").contains(kv[1].strip().toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A cookie as tough-cookie keeps it: later ones with the same name, domain and path replace earlier ones. */
    record Cookie(String name, boolean secure, boolean httpOnly, String sameSite, String path) {
        @Override
        public String toString() {
            return name + " (" + (secure ? "Secure" : "not Secure") + ", " + (httpOnly ? "HttpOnly" : "not HttpOnly")
                    + ", SameSite " + (sameSite == null ? "unset" : sameSite) + ")";
        }
    }

    private static List<Cookie> jar(Retrieved r) {
        Map<String, Cookie> jar = new LinkedHashMap<>();
        List<Exchange> chain = r.httpsAnswered() ? r.httpsChain() : r.httpRoute();
        for (Exchange e : chain) {
            boolean secureUrl = e.url().startsWith("https:");
            for (String raw : e.all("Set-Cookie")) {
                Cookie c = parseCookie(raw);
                if (c == null || c.name.equals("heroku-session-affinity") || (c.secure && !secureUrl)) {
                    continue;
                }
                jar.put(c.name + "\u0000" + c.path, c);
            }
        }
        return new ArrayList<>(jar.values());
    }

    static Cookie parseCookie(String raw) {
        String[] parts = raw.split(";", -1);
        int eq = parts[0].indexOf('=');
        String name = (eq < 0 ? "" : parts[0].substring(0, eq)).strip();
        if (eq < 0) {
            // tough-cookie reads "foo" as a cookie with an empty name and value "foo": the Observatory drops it.
            return null;
        }
        if (name.isEmpty()) {
            return null;
        }
        boolean secure = false;
        boolean httpOnly = false;
        String sameSite = null;
        String path = "/";
        for (int i = 1; i < parts.length; i++) {
            String av = parts[i].strip();
            int at = av.indexOf('=');
            String key = (at < 0 ? av : av.substring(0, at)).strip().toLowerCase(Locale.ROOT);
            String value = at < 0 ? "" : av.substring(at + 1).strip();
            switch (key) {
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                case "samesite" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    sameSite = List.of("strict", "lax", "none").contains(v) ? v : null;
                }
                case "path" -> path = value.startsWith("/") ? value : "/";
                default -> {
                }
            }
        }
        return new Cookie(name, secure, httpOnly, sameSite, path);
    }

    // --- CORS (cors.js) -------------------------------------------------------------------------

    static Result cors(Retrieved r) {
        String result = "cross-origin-resource-sharing-not-implemented";
        String acao = nodeHeader(r.cors(), "Access-Control-Allow-Origin");
        String data = "";
        // Its preflight goes through axios' default status check: an answer other than 2xx is no answer.
        boolean answered = r.cors() != null && r.cors().status() >= 200 && r.cors().status() < 300;
        if (answered && acao != null && !acao.isEmpty()) {
            data = acao.substring(0, Math.min(256, acao.length())).strip().toLowerCase(Locale.ROOT);
            // The Observatory reads the Origin it sent from the axios request object, where Node keeps
            // no plain "headers" field: it never sees its own Origin, so it never finds universal access
            // (echoed origin with credentials). The grade follows the Observatory; the suite's CORS view
            // is in the evidence.
            result = data.equals("*") ? "cross-origin-resource-sharing-implemented-with-public-access"
                    : "cross-origin-resource-sharing-implemented-with-restricted-access";
        }
        return result("cross-origin-resource-sharing", result, true, data);
    }

    // --- Redirection (redirection.js) -------------------------------------------------------------

    static Result redirection(Retrieved r) {
        String expected = "redirection-to-https";
        List<Exchange> route = r.httpRoute();
        String result;
        if (route.isEmpty()) {
            result = "redirection-not-needed-no-http";
        } else {
            List<URI> urls = route.stream().map(e -> URI.create(e.url())).toList();
            boolean allPreloaded = urls.stream().allMatch(u -> preloaded(r.preloaded(), u.getHost()));
            if (allPreloaded) {
                result = "redirection-all-redirects-preloaded";
            } else if (urls.size() == 1) {
                result = "redirection-missing";
            } else if (!"https".equals(urls.get(urls.size() - 1).getScheme())) {
                result = "redirection-not-to-https";
            } else if ("http".equals(urls.get(1).getScheme())) {
                result = "redirection-not-to-https-on-initial-redirection";
            } else if ("http".equals(urls.get(0).getScheme()) && "https".equals(urls.get(1).getScheme())
                    && !java.util.Objects.equals(host(urls.get(0)), host(urls.get(1)))) {
                result = "redirection-off-host-from-http";
            } else {
                result = expected;
            }
        }
        boolean pass = List.of("redirection-not-needed-no-http", "redirection-all-redirects-preloaded", expected).contains(result);
        String data = String.join(" → ", route.stream().map(e -> e.url() + " (" + e.status() + ")").toList());
        return result("redirection", result, pass, data);
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static boolean preloaded(Set<String> list, String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (list.contains(h)) {
            return true;
        }
        // The preload list's includeSubDomains entries cover subdomains; the policy lists what it lists.
        String[] labels = h.split("\\.");
        for (int i = 1; i < labels.length; i++) {
            if (list.contains(String.join(".", List.of(labels).subList(i, labels.length)))) {
                return true;
            }
        }
        return false;
    }

    // --- Referrer-Policy (referrer-policy.js) ---------------------------------------------------------

    static Result referrer(Retrieved r, Html html) {
        List<String> goodness = List.of("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin");
        List<String> badness = List.of("origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade");
        Exchange response = r.auto();
        if (response == null) {
            return result("referrer-policy", "referrer-policy-not-implemented", false, "");
        }
        String header = nodeHeader(response, "Referrer-Policy");
        List<String> all = new ArrayList<>();
        if (header != null) {
            all.add(header);
        }
        all.addAll(html.metaReferrer);
        if (all.isEmpty()) {
            return result("referrer-policy", "referrer-policy-not-implemented", true, "");
        }
        String data = String.join(", ", all);
        String policy = "";
        for (String e : data.split(",", -1)) {
            String v = e.strip().toLowerCase(Locale.ROOT);
            if (goodness.contains(v) || badness.contains(v)) {
                policy = v;
            }
        }
        String result = goodness.contains(policy) ? "referrer-policy-private"
                : badness.contains(policy) ? "referrer-policy-unsafe" : "referrer-policy-header-invalid";
        return result("referrer-policy", result, result.equals("referrer-policy-private"), data);
    }

    // --- HSTS (strict-transport-security.js) -----------------------------------------------------------

    static Result hsts(Retrieved r) {
        String expected = "hsts-implemented-max-age-at-least-six-months";
        String result = "hsts-not-implemented";
        String data = "";
        Exchange response = r.httpsAnswered() ? r.auto() : null;
        if (response == null) {
            result = "hsts-not-implemented-no-https";
        } else {
            String header = nodeHeader(response, "Strict-Transport-Security");
            if (header != null) {
                data = header.substring(0, Math.min(1024, header.length()));
                Double maxAge = null;
                boolean invalid = data.contains(",");
                for (String parameter : data.split(";", -1)) {
                    String p = parameter.strip().toLowerCase(Locale.ROOT);
                    if (p.startsWith("max-age=")) {
                        maxAge = parseIntJs(p.substring(8, Math.min(128, p.length())));
                    }
                }
                if (invalid || maxAge == null) {
                    result = "hsts-header-invalid";
                } else {
                    // NaN (max-age="…" or no digits) compares false, as in JavaScript: at least six months.
                    result = maxAge < SIX_MONTHS ? "hsts-implemented-max-age-less-than-six-months" : expected;
                }
            }
            if (preloaded(r.preloaded(), r.host())) {
                result = "hsts-preloaded";
            }
        }
        boolean pass = List.of(expected, "hsts-preloaded").contains(result);
        return result("strict-transport-security", result, pass, data);
    }

    /** JavaScript's parseInt(s, 10): leading whitespace, a sign, digits; NaN when none. */
    static double parseIntJs(String s) {
        Matcher m = Pattern.compile("^[\\s\\u00a0\\ufeff]*([+-]?\\d+)").matcher(s);
        if (!m.find()) {
            return Double.NaN;
        }
        return Double.parseDouble(m.group(1));
    }

    // --- SRI (subresource-integrity.js) ------------------------------------------------------------

    static Result sri(Retrieved r, Html html) {
        String expected = "sri-implemented-and-external-scripts-loaded-securely";
        List<String> goodness = List.of("sri-implemented-and-all-scripts-loaded-securely",
                "sri-implemented-and-external-scripts-loaded-securely",
                "sri-implemented-but-external-scripts-not-loaded-securely",
                "sri-not-implemented-but-external-scripts-loaded-securely",
                "sri-not-implemented-and-external-scripts-not-loaded-securely",
                "sri-not-implemented-response-not-html");
        Exchange response = r.auto();
        if (response == null) {
            return result("subresource-integrity", "sri-not-implemented-but-no-scripts-loaded", false, "");
        }
        String result = null;
        StringBuilder data = new StringBuilder();
        if (!html.isHtml) {
            result = "sri-not-implemented-response-not-html";
        } else {
            boolean foreign = false;
            String pageDomain = registrableDomain(r.host());
            boolean pageHttps = r.httpsAnswered();
            for (Html.Script script : html.scripts) {
                String src = script.src();
                if (src == null || src.isEmpty()) {
                    continue;
                }
                boolean relativeOrigin = false;
                boolean relativeProtocol = false;
                boolean sameDomain;
                if (src.matches("^//[^/].*")) {
                    relativeProtocol = true;
                    sameDomain = true;
                } else if (src.matches("^https?://.*")) {
                    sameDomain = java.util.Objects.equals(registrableDomain(hostOf(src)), pageDomain);
                } else {
                    relativeOrigin = true;
                    sameDomain = true;
                }
                boolean secureOrigin = relativeOrigin || (sameDomain && !relativeProtocol);
                if (!secureOrigin) {
                    foreign = true;
                }
                String scheme = null;
                if (!relativeProtocol && !relativeOrigin) {
                    scheme = src.substring(0, src.indexOf(':') + 1).toLowerCase(Locale.ROOT);
                }
                boolean secureScheme = "https:".equals(scheme) || (relativeOrigin && pageHttps);
                boolean integrity = script.integrity() != null && !script.integrity().isEmpty();
                if (!secureOrigin) {
                    data.append(src).append(integrity ? " (integrity)" : " (no integrity)").append("; ");
                    if (integrity && !secureScheme) {
                        result = worse("sri-implemented-but-external-scripts-not-loaded-securely", result, goodness);
                    } else if (!integrity && secureScheme) {
                        result = worse("sri-not-implemented-but-external-scripts-loaded-securely", result, goodness);
                    } else if (!integrity) {
                        result = worse("sri-not-implemented-and-external-scripts-not-loaded-securely", result, goodness);
                    }
                } else if (integrity && secureScheme && result == null) {
                    result = "sri-implemented-and-all-scripts-loaded-securely";
                }
            }
            if (html.scripts.isEmpty()) {
                result = "sri-not-implemented-but-no-scripts-loaded";
            } else if (result == null) {
                result = foreign ? expected : "sri-not-implemented-but-all-scripts-loaded-from-secure-origin";
            }
        }
        boolean pass = List.of("sri-implemented-and-all-scripts-loaded-securely", expected,
                "sri-not-implemented-response-not-html", "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
                "sri-not-implemented-but-no-scripts-loaded").contains(result);
        return result("subresource-integrity", result, pass, data.toString().strip());
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url.strip()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The registrable domain, approximated by the last two labels (the Observatory asks the public
     * suffix list, which this suite does not carry): null for single-label hosts and IP addresses, as
     * tldts answers for them.
     */
    static String registrableDomain(String host) {
        if (host == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") || h.matches("[0-9.]+")) {
            return null;
        }
        String[] labels = h.split("\\.");
        if (labels.length < 2) {
            return null;
        }
        return labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    // --- X-Content-Type-Options, X-Frame-Options, CORP ----------------------------------------------

    static Result contentTypeOptions(Retrieved r) {
        String header = nodeHeader(r.auto(), "X-Content-Type-Options");
        String result;
        if (header == null || header.isEmpty()) {
            result = "x-content-type-options-not-implemented";
        } else {
            result = header.substring(0, Math.min(256, header.length())).strip().equalsIgnoreCase("nosniff")
                    ? "x-content-type-options-nosniff" : "x-content-type-options-header-invalid";
        }
        return result("x-content-type-options", result, result.equals("x-content-type-options-nosniff"),
                header == null ? "" : header);
    }

    static Result frameOptions(Retrieved r, CspOutcome csp) {
        String header = nodeHeader(r.auto(), "X-Frame-Options");
        String result;
        if (r.auto() == null) {
            return result("x-frame-options", "x-frame-options-not-implemented", false, "");
        }
        if (header != null && !header.isEmpty()) {
            String xfo = header.substring(0, Math.min(1024, header.length())).strip().toLowerCase(Locale.ROOT);
            if (xfo.equals("deny") || xfo.equals("sameorigin")) {
                result = "x-frame-options-sameorigin-or-deny";
            } else if (xfo.startsWith("allow-from")) {
                result = "x-frame-options-allow-from-origin";
            } else {
                result = "x-frame-options-header-invalid";
            }
        } else {
            result = "x-frame-options-not-implemented";
        }
        if (csp.data() != null && csp.data().containsKey("frame-ancestors")) {
            result = "x-frame-options-implemented-via-csp";
        }
        boolean pass = List.of("x-frame-options-allow-from-origin", "x-frame-options-sameorigin-or-deny",
                "x-frame-options-implemented-via-csp").contains(result);
        return result("x-frame-options", result, pass, header == null ? "" : header);
    }

    static Result corp(Retrieved r) {
        String header = nodeHeader(r.auto(), "Cross-Origin-Resource-Policy");
        String result = "corp-not-implemented";
        if (header != null && !header.isEmpty()) {
            String v = header.substring(0, Math.min(256, header.length())).strip().toLowerCase(Locale.ROOT);
            result = switch (v) {
                case "same-site" -> "corp-implemented-with-same-site";
                case "same-origin" -> "corp-implemented-with-same-origin";
                case "cross-origin" -> "corp-implemented-with-cross-origin";
                default -> "corp-header-invalid";
            };
        }
        return result("cross-origin-resource-policy", result, !result.equals("corp-header-invalid"),
                header == null ? "" : header);
    }

    // --- The HTML the Observatory looks into: meta CSP / referrer and script tags -------------------

    static final class Html {
        record Script(String src, String integrity) {
        }

        final boolean isHtml;
        final List<String> metaCsp = new ArrayList<>();
        final List<String> metaReferrer = new ArrayList<>();
        final List<Script> scripts = new ArrayList<>();

        private static final Pattern TAG = Pattern.compile("<(meta|script)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
        private static final Pattern ATTR = Pattern.compile(
                "([^\\s\"'>/=]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+)))?");

        private Html(boolean isHtml) {
            this.isHtml = isHtml;
        }

        static Html of(Exchange page) {
            if (page == null) {
                return new Html(false);
            }
            String type = nodeHeader(page, "Content-Type");
            String mime = type == null ? "" : type.split(";", -1)[0];
            Html html = new Html(HTML_TYPES.contains(mime));
            if (!html.isHtml) {
                return html;
            }
            Matcher m = TAG.matcher(page.body());
            while (m.find()) {
                Map<String, String> attrs = attributes(m.group(2));
                if (m.group(1).equalsIgnoreCase("script")) {
                    html.scripts.add(new Script(attrs.get("src"), attrs.get("integrity")));
                } else if (attrs.containsKey("http-equiv") && attrs.get("content") != null) {
                    if (attrs.get("http-equiv").strip().equalsIgnoreCase("content-security-policy")
                            && !attrs.get("content").isEmpty()) {
                        html.metaCsp.add(attrs.get("content"));
                    }
                } else if ("referrer".equalsIgnoreCase(attrs.getOrDefault("name", "").strip())) {
                    String c = attrs.get("content");
                    if (c != null && !c.isEmpty()) {
                        html.metaReferrer.clear();
                        html.metaReferrer.add(c);
                    }
                }
            }
            return html;
        }

        private static Map<String, String> attributes(String text) {
            Map<String, String> attrs = new LinkedHashMap<>();
            Matcher a = ATTR.matcher(text);
            while (a.find()) {
                String name = a.group(1).toLowerCase(Locale.ROOT);
                String value = a.group(2) != null ? a.group(2) : a.group(3) != null ? a.group(3)
                        : a.group(4) != null ? a.group(4) : "";
                attrs.putIfAbsent(name, unescape(value));
            }
            return attrs;
        }

        /** The character references an attribute value in a page's head plausibly carries. */
        private static String unescape(String v) {
            return v.replace("&quot;", "\"").replace("&#39;", "'").replace("&apos;", "'").replace("&lt;", "<")
                    .replace("&gt;", ">").replace("&amp;", "&");
        }
    }
}
