package io.ocmt.verify.http;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every request this run sent to any target, by method and route: the footprint a run states at its
 * end, so an operator sees what a nightly run cost production. Path segments that are ids (UUIDs,
 * long hex, numbers) are counted as {@code {id}}, so a route is one line however many ids it saw.
 */
public final class RequestCount {

    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{16,}|[0-9]+");
    private static final Map<String, Integer> BY_ROUTE = new TreeMap<>();

    private RequestCount() {
    }

    static void count(String method, URI uri) {
        String route = key(method, uri);
        synchronized (BY_ROUTE) {
            BY_ROUTE.merge(route, 1, Integer::sum);
        }
    }

    /** "GET https /api/auth/sessions/{id}": how a request is counted, here and in the {@link RequestBudget}. */
    public static String key(String method, URI uri) {
        return method.toUpperCase(Locale.ROOT) + " " + uri.getScheme() + " " + route(uri.getRawPath());
    }

    /** The number of requests in a {@link #snapshot()}. */
    public static int total(Map<String, Integer> snapshot) {
        return snapshot.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** "/api/auth/sessions/0b6…" → "/api/auth/sessions/{id}"; no query, lower case, no trailing slash. */
    public static String route(String rawPath) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            out.append('/').append(ID.matcher(segment).matches() ? "{id}" : segment);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    /** Requests per "METHOD scheme /route", sorted. */
    public static Map<String, Integer> snapshot() {
        synchronized (BY_ROUTE) {
            return Map.copyOf(new TreeMap<>(BY_ROUTE));
        }
    }

    /** One line per route and the total, for the console and the report. */
    public static String describe() {
        return describe(snapshot());
    }

    /** The requests sent since {@code before} (a {@link #snapshot()}), described the same way. */
    public static String since(Map<String, Integer> before) {
        Map<String, Integer> delta = new TreeMap<>();
        snapshot().forEach((route, n) -> {
            int d = n - before.getOrDefault(route, 0);
            if (d > 0) {
                delta.put(route, d);
            }
        });
        return describe(delta);
    }

    /** "3 GET https /health, 1 GET https /api/auth/me": the same counts on one line, for a message. */
    public static String inline(Map<String, Integer> snapshot) {
        if (snapshot.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        new TreeMap<>(snapshot).forEach((route, n) -> out.append(out.length() == 0 ? "" : ", ").append(n).append(' ').append(route));
        return out.toString();
    }

    static String describe(Map<String, Integer> snapshot) {
        Map<String, Integer> counts = new TreeMap<>(snapshot);
        int total = total(counts);
        StringBuilder out = new StringBuilder("Requests this run sent: " + total + "\n");
        counts.forEach((route, n) -> out.append(String.format("%6d  %s%n", n, route)));
        return out.toString();
    }
}
