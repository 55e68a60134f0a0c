package io.ocmt.verify.config;

import io.ocmt.verify.report.Redactor;

/**
 * One configuration key an operator set for this run from outside the environment file: a system
 * property {@code -Docmt.<key>} or an environment variable {@code OCMT_<KEY>}. Kept so the report
 * can show whoever signs it every threshold the run was judged by that the file does not say.
 * Holds no secret value: configuration names secrets' variables, never their values, and every text
 * this renders passes through the {@link Redactor} as well.
 *
 * @param key    the configuration key, e.g. {@code policy.headers.hsts.minMaxAge}
 * @param source what set it, e.g. {@code system property -Docmt.policy.headers.hsts.minMaxAge}
 * @param value  the value it set, as YAML reads it (a list as {@code ["a","b"]})
 * @param was    the value before: the environment file's, the defaults', or a lower override's
 */
public record AppliedOverride(String key, String source, String value, String was) {

    public boolean changed() {
        return !value.equals(was);
    }

    /** {@code policy.x = 1 (was 2; system property -Docmt.policy.x)}, redacted. */
    public String describe() {
        return Redactor.text(key + " = " + value + " (" + (changed() ? "was " + was : "unchanged") + "; " + source + ")");
    }
}
