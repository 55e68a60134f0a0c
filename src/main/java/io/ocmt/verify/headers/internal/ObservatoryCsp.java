package io.ocmt.verify.headers.internal;

import java.text.Collator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The MDN HTTP Observatory's CSP parser (analyzer/cspParser.js, version 1.4.8), kept line for line,
 * quirks included: the grade is only worth signing if it is the grade the Observatory would give.
 * Its rules differ from the suite's own CSP check ({@code ContentSecurityPolicy}), which follows
 * the CSP specification: a duplicate directive is an error here, sources are lower-cased, and
 * several policies are intersected by the Observatory's own approximation.
 */
public final class ObservatoryCsp {

    /** The key under which the parser remembers duplicate report-uri / report-to directives. */
    public static final String DUPLICATE_WARNINGS_KEY = "_observatory_duplicate_key_warnings";

    private static final int SHORTEST_DIRECTIVE_LENGTH = "img-src".length() - 1;
    private static final List<String> DISALLOWED_IN_META = List.of("frame-ancestors", "report-uri", "sandbox");
    private static final Set<String> ALLOWED_DUPLICATE_KEYS = Set.of("report-uri", "report-to");
    private static final Comparator<String> COLLATION = Collator.getInstance(Locale.ENGLISH)::compare;

    private ObservatoryCsp() {
    }

    /** Thrown where the Observatory's parser throws: the CSP is then "invalid" (-25). */
    public static final class InvalidPolicy extends Exception {
        InvalidPolicy(String message) {
            super(message);
        }
    }

    private static final class Source {
        final String source;
        final int index;
        boolean keep;

        Source(String source, int index, boolean keep) {
            this.source = source;
            this.index = index;
            this.keep = keep;
        }
    }

    /** parseCspMeta: a meta tag cannot carry frame-ancestors, report-uri or sandbox. */
    public static Map<String, Set<String>> parseMeta(List<String> policies) throws InvalidPolicy {
        Map<String, Set<String>> csp = parse(policies);
        DISALLOWED_IN_META.forEach(csp::remove);
        return csp;
    }

    /** parseCsp: directive to sources, several policies merged the Observatory's way. */
    public static Map<String, Set<String>> parse(List<String> policies) throws InvalidPolicy {
        List<String> clean = policies.stream().map(p -> p.replaceAll("[\\r\\n]", "").strip()).toList();
        if (clean.isEmpty()) {
            return new LinkedHashMap<>();
        }
        for (String p : clean) {
            if (p.isEmpty() || p.length() < SHORTEST_DIRECTIVE_LENGTH) {
                throw new InvalidPolicy("Invalid policy: " + p);
            }
        }
        Map<String, List<Source>> csp = new LinkedHashMap<>();
        Set<String> duplicateWarnings = new LinkedHashSet<>();
        for (int policyIndex = 0; policyIndex < clean.size(); policyIndex++) {
            Set<String> seen = new LinkedHashSet<>();
            for (String entry : clean.get(policyIndex).split(";", -1)) {
                String[] parts = entry.strip().split("\\s+", -1);
                String directiveEntry = parts[0];
                if (directiveEntry.isEmpty()) {
                    continue;
                }
                String directive = directiveEntry.toLowerCase(Locale.ROOT);
                if (!seen.add(directive)) {
                    if (ALLOWED_DUPLICATE_KEYS.contains(directive)) {
                        duplicateWarnings.add(directive);
                    } else {
                        throw new InvalidPolicy("Duplicate directive " + directive + " in policy " + policyIndex);
                    }
                }
                boolean keep = policyIndex == 0;
                List<Source> values = new ArrayList<>();
                if (parts.length > 1) {
                    for (int i = 1; i < parts.length; i++) {
                        values.add(new Source(parts[i].strip().toLowerCase(Locale.ROOT), policyIndex, keep));
                    }
                } else if (directive.endsWith("-src")) {
                    values.add(new Source("'none'", policyIndex, keep));
                }
                List<Source> combined = new ArrayList<>();
                if (policyIndex != 0) {
                    combined.addAll(csp.getOrDefault(directive, List.of()));
                }
                combined.addAll(values);
                combined.sort((a, b) -> COLLATION.compare(a.source, b.source));
                for (int i = 1; i < combined.size(); i++) {
                    Source source = combined.get(i);
                    Source prev = combined.get(i - 1);
                    if (source.index == prev.index && source.source.startsWith(prev.source)) {
                        source.keep = false;
                    }
                    if (source.index != prev.index && pathPartMatch(prev.source, source.source)) {
                        source.keep = true;
                    }
                }
                List<Source> kept = new ArrayList<>(combined.stream().filter(s -> s.keep).toList());
                csp.put(directive, kept);
                if (policyIndex == 0 && policies.size() > 1) {
                    kept.forEach(s -> s.keep = false);
                }
            }
        }
        Map<String, Set<String>> result = new LinkedHashMap<>();
        csp.forEach((directive, sources) -> {
            Set<String> set = new LinkedHashSet<>();
            sources.forEach(s -> set.add(s.source));
            result.put(directive, set.isEmpty() ? new LinkedHashSet<>(Set.of("'none'")) : set);
        });
        if (!duplicateWarnings.isEmpty()) {
            result.put(DUPLICATE_WARNINGS_KEY, duplicateWarnings);
        }
        return result;
    }

    private static boolean pathPartMatch(String pathA, String pathB) {
        if (pathA.isEmpty()) {
            return true;
        }
        if (pathA.equals("/") && pathB.isEmpty()) {
            return true;
        }
        boolean exactMatch = !pathA.endsWith("/");
        List<String> a = new ArrayList<>(List.of(pathA.split("/", -1)));
        List<String> b = List.of(pathB.split("/", -1));
        if (a.size() > b.size()) {
            return false;
        }
        if (exactMatch && a.size() != b.size()) {
            return false;
        }
        if (!exactMatch) {
            a.remove(a.size() - 1);
        }
        for (int i = 0; i < a.size(); i++) {
            if (!decode(a.get(i)).equals(decode(b.get(i)))) {
                return false;
            }
        }
        return true;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
