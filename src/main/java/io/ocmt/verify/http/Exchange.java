package io.ocmt.verify.http;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request and the response it got, as the checks see it: what was asked (already redacted, so
 * it can go into a finding or a report), the status, every header value in arrival order and the
 * body. Header names are case-insensitive, as HTTP says.
 */
public record Exchange(String method, String url, int status, Map<String, List<String>> headers, String body) {

    public Exchange {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? "" : body;
    }

    /** Every value of a header, in the order received; empty when absent. */
    public List<String> all(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The header's value when it was sent exactly once. */
    public Optional<String> single(String name) {
        List<String> values = all(name);
        return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
    }

    public boolean has(String name) {
        return !all(name).isEmpty();
    }

    public String contentType() {
        return all("Content-Type").stream().findFirst().orElse("").toLowerCase(Locale.ROOT);
    }

    /**
     * The exchange as a report shows it: the request line and status, every header (secret ones
     * masked) and the body cut at 4 kB, all through the {@link io.ocmt.verify.report.Redactor}. For
     * checks whose requests were sent before the test itself (a shared fetch), so each test still
     * shows what it judged.
     */
    public String asEvidence() {
        StringBuilder out = new StringBuilder(describe()).append('\n');
        headers.forEach((name, values) -> values.forEach(v ->
                out.append(name).append(": ").append(io.ocmt.verify.report.Redactor.header(name, v)).append('\n')));
        if (!body.isEmpty()) {
            String b = io.ocmt.verify.report.Redactor.text(body);
            out.append('\n').append(b.length() <= 4096 ? b : b.substring(0, 4096) + "\n… (" + (b.length() - 4096) + " more characters)").append('\n');
        }
        return out.toString();
    }

    /** "GET https://host/health → 200": how findings name the response they came from. */
    public String describe() {
        return method + " " + url + " → " + status;
    }

    @Override
    public String toString() {
        return describe();
    }
}
