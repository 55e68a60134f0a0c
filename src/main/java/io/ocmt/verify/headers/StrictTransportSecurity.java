package io.ocmt.verify.headers;

import io.ocmt.verify.headers.internal.HeaderText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One Strict-Transport-Security header value, parsed per RFC 6797 §6.1: directives separated by
 * ';', names case-insensitive, optional whitespace anywhere between tokens, values either tokens
 * or quoted strings, unknown directives ignored. What RFC 6797 says makes a browser ignore the
 * whole header (a missing or malformed max-age, a directive given twice, text that is not a
 * directive) is collected in {@link #problems()}; a header with problems protects nothing.
 */
public final class StrictTransportSecurity {

    private final String value;
    private final OptionalLong maxAge;
    private final boolean includeSubDomains;
    private final boolean preload;
    private final List<String> duplicatedDirectives;
    private final List<String> problems;

    private StrictTransportSecurity(String value, OptionalLong maxAge, boolean includeSubDomains, boolean preload,
                                    List<String> duplicatedDirectives, List<String> problems) {
        this.value = value;
        this.maxAge = maxAge;
        this.includeSubDomains = includeSubDomains;
        this.preload = preload;
        this.duplicatedDirectives = List.copyOf(duplicatedDirectives);
        this.problems = List.copyOf(problems);
    }

    public static StrictTransportSecurity parse(String headerValue) {
        String value = headerValue == null ? "" : headerValue;
        List<String> problems = new ArrayList<>();
        // lower-cased name -> raw values of every occurrence (null for a valueless one)
        Map<String, List<String>> seen = new LinkedHashMap<>();
        Map<String, String> spelling = new LinkedHashMap<>();
        for (String raw : splitOutsideQuotes(value)) {
            String directive = raw.strip();
            if (directive.isEmpty()) {
                continue;
            }
            int eq = directive.indexOf('=');
            String name = (eq < 0 ? directive : directive.substring(0, eq)).strip();
            if (!isToken(name)) {
                problems.add(HeaderText.quoted(directive) + " is not a directive");
                continue;
            }
            String lower = HeaderText.lower(name);
            spelling.putIfAbsent(lower, name);
            String directiveValue = eq < 0 ? null : unquote(directive.substring(eq + 1).strip(), name, problems);
            seen.computeIfAbsent(lower, k -> new ArrayList<>()).add(directiveValue);
        }

        List<String> duplicated = new ArrayList<>();
        seen.forEach((lower, values) -> {
            if (values.size() > 1) {
                duplicated.add(spelling.get(lower));
                problems.add(spelling.get(lower) + " appears " + HeaderText.times(values.size()));
            }
        });

        OptionalLong maxAge = OptionalLong.empty();
        List<String> maxAges = seen.get("max-age");
        if (maxAges == null) {
            problems.add("no max-age");
        } else if (maxAges.get(0) == null || maxAges.get(0).isEmpty()) {
            problems.add("max-age has no value");
        } else if (!maxAges.get(0).chars().allMatch(c -> c >= '0' && c <= '9')) {
            problems.add("max-age=" + maxAges.get(0) + " is not a number of seconds");
        } else {
            maxAge = OptionalLong.of(parseClamped(maxAges.get(0)));
        }

        boolean includeSubDomains = valueless(seen, spelling, "includesubdomains", problems);
        boolean preload = valueless(seen, spelling, "preload", problems);
        return new StrictTransportSecurity(value, maxAge, includeSubDomains, preload, duplicated, problems);
    }

    /** The header value this was parsed from, verbatim. */
    public String value() {
        return value;
    }

    /** Seconds, when max-age is present and well formed; {@link #problems()} says why not. */
    public OptionalLong maxAge() {
        return maxAge;
    }

    public boolean includeSubDomains() {
        return includeSubDomains;
    }

    public boolean preload() {
        return preload;
    }

    /** Directive names given more than once, as first spelled. */
    public List<String> duplicatedDirectives() {
        return duplicatedDirectives;
    }

    /** Why a browser would ignore this header, in words; empty when it is valid. */
    public List<String> problems() {
        return problems;
    }

    /** True when a browser would honour this header. */
    public boolean isValid() {
        return problems.isEmpty();
    }

    @Override
    public String toString() {
        return value;
    }

    private static boolean valueless(Map<String, List<String>> seen, Map<String, String> spelling, String lower,
                                     List<String> problems) {
        List<String> values = seen.get(lower);
        if (values == null) {
            return false;
        }
        if (values.get(0) != null) {
            problems.add(spelling.get(lower) + " takes no value, got " + HeaderText.quoted(values.get(0)));
        }
        return true;
    }

    /** RFC 7234 §1.2.1: a delta-seconds too large to represent counts as the largest one. */
    private static long parseClamped(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    /** Splits on ';' but not inside a quoted-string, so {@code max-age="1;2"} stays one directive. */
    private static List<String> splitOutsideQuotes(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\' && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String raw, String name, List<String> problems) {
        if (!raw.startsWith("\"")) {
            return raw;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                out.append(raw.charAt(++i));
            } else if (c == '"') {
                if (i != raw.length() - 1) {
                    problems.add(name + " has text after its quoted value: " + HeaderText.quoted(raw));
                }
                return out.toString();
            } else {
                out.append(c);
            }
        }
        problems.add(name + " has an unterminated quoted value: " + raw);
        return out.toString();
    }

    /** RFC 9110 token characters: what a directive name may consist of. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
