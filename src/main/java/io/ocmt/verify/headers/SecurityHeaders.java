package io.ocmt.verify.headers;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.internal.Durations;
import io.ocmt.verify.headers.internal.HeaderText;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Judges the security headers of one HTTPS response against an environment's header policy, or
 * only its version banners ({@link #judgeBanners}) where the other headers do not apply.
 * Every rule runs on every call, so one call lists every problem of that response; each finding
 * names the header, the response and what was expected and seen. A part of the policy that is
 * null (an environment switched it off) is not judged.
 */
public final class SecurityHeaders {

    static final String HSTS = "Strict-Transport-Security";
    static final String X_FRAME_OPTIONS = "X-Frame-Options";
    static final String X_CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    static final String REFERRER_POLICY = "Referrer-Policy";
    static final String SERVER = "Server";

    /** The tokens of the Referrer Policy spec; any other token is ignored by browsers. */
    private static final Set<String> REFERRER_TOKENS = Set.of("no-referrer", "no-referrer-when-downgrade",
            "same-origin", "origin", "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin",
            "unsafe-url");

    /**
     * A digit that starts a version: not inside a word ("AmazonS3", "h2o" are names, not versions),
     * optionally after a "v". Catches "nginx/1.22.1", "Apache/2.4", "Jetty(11.0.20)", "nginx v1".
     */
    private static final Pattern VERSION = Pattern.compile("(?<![A-Za-z])[vV]?\\d");

    private SecurityHeaders() {
    }

    /**
     * Every problem of {@code response}'s headers: HSTS, CSP, X-Frame-Options,
     * X-Content-Type-Options, Referrer-Policy, forbidden headers, a versioned Server and the
     * policy's required values. Empty when the response meets the policy.
     */
    public static List<Finding> judge(Exchange response, Policy.HeaderPolicy policy) {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(policy, "policy");
        List<Finding> findings = new ArrayList<>();
        if (policy.hsts() != null) {
            judgeHsts(response, policy.hsts(), findings);
        }
        if (policy.csp() != null) {
            CspRule.judge(response, policy.csp(), findings);
        }
        if (blankToNull(policy.frameOptions()) != null) {
            judgeFrameOptions(response, policy.frameOptions().trim(), findings);
        }
        if (blankToNull(policy.contentTypeOptions()) != null) {
            judgeContentTypeOptions(response, policy.contentTypeOptions().trim(), findings);
        }
        if (policy.referrerPolicies() != null && !policy.referrerPolicies().isEmpty()) {
            judgeReferrerPolicy(response, policy.referrerPolicies(), findings);
        }
        judgeBanners(response, policy.forbiddenHeaders(), findings);
        if (policy.requiredValues() != null) {
            policy.requiredValues().forEach((name, value) -> judgeRequiredValue(response, name, value, findings));
        }
        return findings;
    }

    /**
     * Only the version banners of {@code response}: the policy's forbidden headers (X-Powered-By and
     * the like) and a Server header with a version. For responses that are not pages of the
     * application, such as the plain-HTTP redirect, where HSTS, CSP and the rest mean nothing but a
     * banner still tells an attacker which software, in which version, to aim at.
     */
    public static List<Finding> judgeBanners(Exchange response, Policy.HeaderPolicy policy) {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(policy, "policy");
        List<Finding> findings = new ArrayList<>();
        judgeBanners(response, policy.forbiddenHeaders(), findings);
        return findings;
    }

    private static void judgeBanners(Exchange response, List<String> forbiddenHeaders, List<Finding> findings) {
        if (forbiddenHeaders != null) {
            for (String name : forbiddenHeaders) {
                if (response.has(name)) {
                    findings.add(new Finding(name, response.describe(), "no " + name + " header",
                            name + ": " + HeaderText.quotedAll(response.all(name))));
                }
            }
        }
        judgeServer(response, findings);
    }

    private static void judgeHsts(Exchange response, Policy.HstsPolicy policy, List<Finding> findings) {
        String expected = "max-age ≥ " + policy.minMaxAge() + flags(policy);
        List<String> values = response.all(HSTS);
        if (values.isEmpty()) {
            findings.add(new Finding(HSTS, response.describe(), expected, "no " + HSTS + " header"));
            return;
        }
        if (values.size() > 1) {
            // RFC 6797 §8.1: only the first header counts, so a second one is a misconfiguration
            // that silently wins or loses depending on proxy order.
            findings.add(new Finding(HSTS, response.describe(), HSTS + " sent once",
                    "sent " + HeaderText.times(values.size()) + ": " + HeaderText.quotedAll(values)
                            + "; browsers use only the first"));
        }
        StrictTransportSecurity hsts = StrictTransportSecurity.parse(values.get(0));
        if (!hsts.isValid()) {
            findings.add(new Finding(HSTS, response.describe(), expected, HeaderText.quoted(hsts.value()) + ": "
                    + String.join("; ", hsts.problems()) + ", so browsers ignore the header"));
            return;
        }
        long maxAge = hsts.maxAge().orElseThrow();
        boolean tooShort = maxAge < policy.minMaxAge();
        boolean noSub = policy.includeSubDomains() && !hsts.includeSubDomains();
        boolean noPreload = policy.preload() && !hsts.preload();
        if (tooShort || noSub || noPreload) {
            String seen = "max-age=" + maxAge + " (" + Durations.human(maxAge) + ")"
                    + (hsts.includeSubDomains() ? ", includeSubDomains" : ", no includeSubDomains")
                    + (hsts.preload() ? ", preload" : ", no preload")
                    + " in " + HeaderText.quoted(hsts.value());
            findings.add(new Finding(HSTS, response.describe(), expected, seen));
        }
    }

    private static String flags(Policy.HstsPolicy policy) {
        if (policy.includeSubDomains() && policy.preload()) {
            return " with includeSubDomains and preload";
        }
        if (policy.includeSubDomains()) {
            return " with includeSubDomains";
        }
        return policy.preload() ? " with preload" : "";
    }

    private static void judgeFrameOptions(Exchange response, String wanted, List<Finding> findings) {
        String expected = X_FRAME_OPTIONS + ": " + wanted + ", sent once";
        List<String> values = response.all(X_FRAME_OPTIONS);
        if (values.isEmpty()) {
            Optional<String> ancestors = response.all(CspRule.CSP).stream()
                    .flatMap(v -> HeaderText.splitCommaList(v).stream())
                    .map(ContentSecurityPolicy::parse)
                    .flatMap(csp -> csp.directive("frame-ancestors").stream())
                    .map(Object::toString)
                    .findFirst();
            // Kept a finding because the policy asks for the header; the note lets a reader decide
            // whether the CSP is enough for the browsers they care about.
            findings.add(new Finding(X_FRAME_OPTIONS, response.describe(), expected, "no " + X_FRAME_OPTIONS
                    + " header" + ancestors.map(a -> " (the CSP's " + HeaderText.quoted(a)
                    + " covers browsers with CSP Level 2; older ones get no framing protection)").orElse("")));
            return;
        }
        // The HTML spec splits the value on commas; "DENY, SAMEORIGIN" is a conflict, not DENY.
        List<String> members = values.stream().flatMap(v -> HeaderText.splitCommaList(v).stream()).toList();
        if (values.size() > 1 || members.size() > 1) {
            findings.add(new Finding(X_FRAME_OPTIONS, response.describe(), expected,
                    "sent " + HeaderText.times(Math.max(values.size(), members.size())) + ": "
                            + HeaderText.quotedAll(values)));
        }
        if (members.isEmpty() || !members.stream().allMatch(m -> HeaderText.equalsIgnoreCase(m, wanted))) {
            findings.add(new Finding(X_FRAME_OPTIONS, response.describe(), expected,
                    X_FRAME_OPTIONS + ": " + HeaderText.quotedAll(values)));
        }
    }

    private static void judgeContentTypeOptions(Exchange response, String wanted, List<Finding> findings) {
        String expected = X_CONTENT_TYPE_OPTIONS + ": " + wanted;
        List<String> values = response.all(X_CONTENT_TYPE_OPTIONS);
        if (values.isEmpty()) {
            findings.add(new Finding(X_CONTENT_TYPE_OPTIONS, response.describe(), expected,
                    "no " + X_CONTENT_TYPE_OPTIONS + " header"));
            return;
        }
        // Fetch §3.5.2 reads only the first member of the combined list; repeats do no harm.
        List<String> members = values.stream().flatMap(v -> HeaderText.splitCommaList(v).stream()).toList();
        if (members.isEmpty() || !HeaderText.equalsIgnoreCase(members.get(0), wanted)) {
            findings.add(new Finding(X_CONTENT_TYPE_OPTIONS, response.describe(), expected,
                    X_CONTENT_TYPE_OPTIONS + ": " + HeaderText.quotedAll(values)));
        }
    }

    private static void judgeReferrerPolicy(Exchange response, List<String> allowed, List<Finding> findings) {
        String expected = REFERRER_POLICY + " one of " + HeaderText.oneOf(allowed);
        List<String> values = response.all(REFERRER_POLICY);
        if (values.isEmpty()) {
            findings.add(new Finding(REFERRER_POLICY, response.describe(), expected,
                    "no " + REFERRER_POLICY + " header"));
            return;
        }
        // Referrer Policy §8.1: the last recognised token wins, so fallbacks can be listed first.
        String effective = null;
        for (String value : values) {
            for (String token : HeaderText.splitCommaList(value)) {
                if (REFERRER_TOKENS.contains(HeaderText.lower(token))) {
                    effective = token;
                }
            }
        }
        String shown = REFERRER_POLICY + ": " + HeaderText.quotedAll(values);
        if (effective == null) {
            findings.add(new Finding(REFERRER_POLICY, response.describe(), expected,
                    shown + ", which has no recognised policy, so browsers use their default"));
        } else if (!HeaderText.containsIgnoreCase(allowed, effective)) {
            findings.add(new Finding(REFERRER_POLICY, response.describe(), expected,
                    shown + (values.size() == 1 && values.get(0).trim().equals(effective)
                            ? "" : ", which browsers read as " + effective)));
        }
    }

    private static void judgeServer(Exchange response, List<Finding> findings) {
        List<String> versioned = response.all(SERVER).stream().filter(v -> VERSION.matcher(v).find()).toList();
        if (!versioned.isEmpty()) {
            findings.add(new Finding(SERVER, response.describe(), "no version in " + SERVER,
                    SERVER + ": " + HeaderText.quotedAll(versioned)));
        }
    }

    private static void judgeRequiredValue(Exchange response, String name, String wanted, List<Finding> findings) {
        String expected = name + ": " + wanted + ", sent once";
        List<String> values = response.all(name);
        if (values.isEmpty()) {
            findings.add(new Finding(name, response.describe(), expected, "no " + name + " header"));
        } else if (values.size() > 1) {
            findings.add(new Finding(name, response.describe(), expected,
                    "sent " + HeaderText.times(values.size()) + ": " + HeaderText.quotedAll(values)));
        } else if (!HeaderText.equalsIgnoreCase(values.get(0), wanted)) {
            findings.add(new Finding(name, response.describe(), expected, name + ": " + HeaderText.quoted(values.get(0))));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
