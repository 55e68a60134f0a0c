package io.ocmt.verify.headers;

import io.ocmt.verify.headers.internal.HeaderText;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Content-Security-Policy, parsed as CSP Level 3 §2.2.1 ("parse a serialized CSP") does it:
 * directives split on ';', names lower-cased, sources split on ASCII whitespace and kept as sent.
 * A directive named twice keeps its first occurrence, as browsers do; the later ones are kept
 * aside in {@link #duplicates()} so that a check can report them.
 *
 * <p>A header value may carry several policies separated by commas; this class parses one of
 * them. {@link SecurityHeaders} splits a header value into its policies first.
 */
public final class ContentSecurityPolicy {

    /** One directive: its lower-cased name and its source tokens as sent (possibly none). */
    public record Directive(String name, List<String> sources) {

        public Directive {
            sources = List.copyOf(sources);
        }

        /** The directive as it would be written back: {@code script-src 'self'}. */
        @Override
        public String toString() {
            return sources.isEmpty() ? name : name + " " + String.join(" ", sources);
        }
    }

    /**
     * CSP Level 3 §6.8.3 "get the effective directive" fallback lists. Directives not named here
     * (base-uri, form-action, frame-ancestors, sandbox...) do not fall back at all.
     */
    private static final Map<String, List<String>> FALLBACKS = Map.ofEntries(
            Map.entry("script-src-elem", List.of("script-src-elem", "script-src", "default-src")),
            Map.entry("script-src-attr", List.of("script-src-attr", "script-src", "default-src")),
            Map.entry("style-src-elem", List.of("style-src-elem", "style-src", "default-src")),
            Map.entry("style-src-attr", List.of("style-src-attr", "style-src", "default-src")),
            Map.entry("worker-src", List.of("worker-src", "child-src", "script-src", "default-src")),
            Map.entry("frame-src", List.of("frame-src", "child-src", "default-src")),
            Map.entry("fenced-frame-src", List.of("fenced-frame-src", "frame-src", "child-src", "default-src")),
            Map.entry("child-src", List.of("child-src", "default-src")),
            Map.entry("script-src", List.of("script-src", "default-src")),
            Map.entry("style-src", List.of("style-src", "default-src")),
            Map.entry("connect-src", List.of("connect-src", "default-src")),
            Map.entry("font-src", List.of("font-src", "default-src")),
            Map.entry("img-src", List.of("img-src", "default-src")),
            Map.entry("media-src", List.of("media-src", "default-src")),
            Map.entry("manifest-src", List.of("manifest-src", "default-src")),
            Map.entry("object-src", List.of("object-src", "default-src")),
            Map.entry("prefetch-src", List.of("prefetch-src", "default-src")));

    private final String value;
    private final Map<String, Directive> directives;
    private final List<Directive> duplicates;

    private ContentSecurityPolicy(String value, Map<String, Directive> directives, List<Directive> duplicates) {
        this.value = value;
        this.directives = Collections.unmodifiableMap(directives);
        this.duplicates = List.copyOf(duplicates);
    }

    /** Parses one serialized policy; null or blank gives a policy without directives. */
    public static ContentSecurityPolicy parse(String headerValue) {
        String value = headerValue == null ? "" : headerValue;
        Map<String, Directive> directives = new LinkedHashMap<>();
        List<Directive> duplicates = new ArrayList<>();
        for (String token : value.split(";", -1)) {
            List<String> parts = HeaderText.splitOnAsciiWhitespace(token);
            if (parts.isEmpty()) {
                continue;
            }
            Directive directive = new Directive(HeaderText.lower(parts.get(0)), parts.subList(1, parts.size()));
            if (directives.containsKey(directive.name())) {
                duplicates.add(directive);
            } else {
                directives.put(directive.name(), directive);
            }
        }
        return new ContentSecurityPolicy(value, directives, duplicates);
    }

    /** The header value this policy was parsed from, verbatim. */
    public String value() {
        return value;
    }

    /** The directives in the order sent, first occurrence of each name only. */
    public List<Directive> directives() {
        return List.copyOf(directives.values());
    }

    /** Later occurrences of a directive name, which browsers ignore. */
    public List<Directive> duplicates() {
        return duplicates;
    }

    public boolean isEmpty() {
        return directives.isEmpty();
    }

    public boolean has(String directive) {
        return directives.containsKey(HeaderText.lower(directive));
    }

    public Optional<Directive> directive(String name) {
        return Optional.ofNullable(directives.get(HeaderText.lower(name)));
    }

    /** The sources of exactly this directive; empty when the directive is absent. */
    public Optional<List<String>> sources(String directive) {
        return directive(directive).map(Directive::sources);
    }

    /**
     * The directive that governs {@code name} once fallbacks apply: itself when present, else
     * the first present one of its CSP3 fallback list. Empty when nothing governs it, which for
     * a fetch directive means the browser allows everything.
     */
    public Optional<Directive> effectiveDirective(String name) {
        String lower = HeaderText.lower(name);
        for (String candidate : FALLBACKS.getOrDefault(lower, List.of(lower))) {
            Directive d = directives.get(candidate);
            if (d != null) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The sources of {@link #effectiveDirective(String)}. */
    public Optional<List<String>> effectiveSources(String directive) {
        return effectiveDirective(directive).map(Directive::sources);
    }

    @Override
    public String toString() {
        return value;
    }
}
