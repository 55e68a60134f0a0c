package io.ocmt.verify.headers;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.ContentSecurityPolicy.Directive;
import io.ocmt.verify.headers.internal.HeaderText;
import io.ocmt.verify.headers.internal.SourceMatcher;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Content-Security-Policy part of {@link SecurityHeaders#judge}. */
final class CspRule {

    static final String CSP = "Content-Security-Policy";
    static final String CSP_REPORT_ONLY = "Content-Security-Policy-Report-Only";

    /** Directives that replace script-src for some scripts, so a forbidden source there matters too. */
    private static final List<String> SCRIPT_DIRECTIVES = List.of("script-src-elem", "script-src-attr");

    private final Exchange response;
    private final Policy.CspPolicy policy;
    private final List<Finding> findings;

    private CspRule(Exchange response, Policy.CspPolicy policy, List<Finding> findings) {
        this.response = response;
        this.policy = policy;
        this.findings = findings;
    }

    static void judge(Exchange response, Policy.CspPolicy policy, List<Finding> findings) {
        new CspRule(response, policy, findings).judge();
    }

    private void judge() {
        List<String> values = response.all(CSP);
        if (values.isEmpty()) {
            List<String> reportOnly = response.all(CSP_REPORT_ONLY);
            add("an enforced " + CSP + " header", reportOnly.isEmpty()
                    ? "no " + CSP + " header"
                    : "only " + CSP_REPORT_ONLY + ": " + HeaderText.quotedAll(reportOnly)
                      + ", which is report-only and enforces nothing");
            return;
        }
        // RFC 9110 lets a proxy fold several header lines into one comma-joined value; CSP3
        // treats each comma-separated member as a policy of its own, so count policies, not lines.
        List<String> serialized = new ArrayList<>();
        for (String value : values) {
            List<String> members = HeaderText.splitCommaList(value);
            serialized.addAll(members.isEmpty() ? List.of(value) : members);
        }
        if (serialized.size() > 1) {
            add("one " + CSP + " policy", serialized.size() + " policies: " + HeaderText.quotedAll(serialized)
                    + "; browsers enforce every one of them, so each is judged on its own below");
        }
        for (int i = 0; i < serialized.size(); i++) {
            String where = serialized.size() == 1 ? "" : " (policy " + (i + 1) + " of " + serialized.size() + ")";
            judgeOne(ContentSecurityPolicy.parse(serialized.get(i)), where);
        }
    }

    private void judgeOne(ContentSecurityPolicy csp, String where) {
        for (Directive duplicate : csp.duplicates()) {
            Directive kept = csp.directive(duplicate.name()).orElseThrow();
            add("each directive once", duplicate.name() + " given more than once: browsers use "
                    + HeaderText.quoted(kept.toString()) + " and ignore " + HeaderText.quoted(duplicate.toString()) + where);
        }
        judgeScripts(csp, where);
        judgeRequired(csp, where);
        judgeMustAllow(csp, where);
    }

    private void judgeScripts(ContentSecurityPolicy csp, String where) {
        List<String> forbidden = nullToEmpty(policy.forbiddenScriptSources());
        String expected = "script-src (or its fallback default-src)"
                + (forbidden.isEmpty() ? "" : " without " + String.join(", ", forbidden));
        Optional<Directive> scripts = csp.effectiveDirective("script-src");
        if (scripts.isEmpty()) {
            add(expected, "neither script-src nor default-src, so scripts load from anywhere, in "
                    + HeaderText.quoted(csp.value()) + where);
            return;
        }
        checkForbidden(scripts.get(), "script-src", forbidden, expected, where);
        for (String name : SCRIPT_DIRECTIVES) {
            csp.directive(name).ifPresent(d -> checkForbidden(d, name, forbidden, expected, where));
        }
    }

    private void checkForbidden(Directive directive, String governed, List<String> forbidden, String expected,
                                String where) {
        // Whole tokens only: "https:" must not match "https://cdn.example", nor "*" match "*.example".
        List<String> present = forbidden.stream()
                .filter(f -> HeaderText.containsIgnoreCase(directive.sources(), f))
                .toList();
        if (!present.isEmpty()) {
            add(expected, HeaderText.quoted(directive.toString()) + viaFallback(directive, governed)
                    + " allows " + String.join(", ", present) + where);
        }
    }

    private void judgeRequired(ContentSecurityPolicy csp, String where) {
        for (Map.Entry<String, List<String>> entry : nullToEmpty(policy.requiredDirectives()).entrySet()) {
            String name = HeaderText.lower(entry.getKey());
            List<String> allowed = nullToEmpty(entry.getValue());
            String expected = allowed.isEmpty()
                    ? "a " + name + " directive"
                    : name + " limited to " + HeaderText.oneOf(allowed);
            Optional<Directive> directive = csp.directive(name);
            if (directive.isEmpty()) {
                Optional<Directive> fallback = csp.effectiveDirective(name);
                String note = fallback.isPresent()
                        ? " (it falls back to " + HeaderText.quoted(fallback.get().toString()) + ")"
                        : csp.has("default-src") ? " (" + name + " does not fall back to default-src)" : "";
                add(expected, "no " + name + " directive" + note + where);
                continue;
            }
            if (allowed.isEmpty()) {
                continue;
            }
            List<String> extra = directive.get().sources().stream()
                    .filter(s -> !HeaderText.containsIgnoreCase(allowed, s))
                    .toList();
            if (!extra.isEmpty()) {
                add(expected, HeaderText.quoted(directive.get().toString()) + " also allows "
                        + String.join(", ", extra) + where);
            }
        }
    }

    private void judgeMustAllow(ContentSecurityPolicy csp, String where) {
        for (Map.Entry<String, List<String>> entry : nullToEmpty(policy.mustAllow()).entrySet()) {
            String name = HeaderText.lower(entry.getKey());
            Optional<Directive> effective = csp.effectiveDirective(name);
            if (effective.isEmpty()) {
                continue; // nothing restricts this kind of load, so the application's needs are met
            }
            List<String> blocked = nullToEmpty(entry.getValue()).stream()
                    .filter(needed -> !SourceMatcher.allows(effective.get().sources(), needed))
                    .toList();
            if (!blocked.isEmpty()) {
                add(name + " allowing " + String.join(", ", nullToEmpty(entry.getValue()))
                                + " (the application needs them)",
                        HeaderText.quoted(effective.get().toString()) + viaFallback(effective.get(), name)
                                + " blocks " + String.join(", ", blocked) + where);
            }
        }
    }

    private static String viaFallback(Directive effective, String governed) {
        return effective.name().equals(governed) ? "" : " (" + governed + " falls back to it)";
    }

    private void add(String expected, String seen) {
        findings.add(new Finding(CSP, response.describe(), expected, seen));
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> nullToEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
