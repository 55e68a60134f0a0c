package io.ocmt.verify.report;

import io.ocmt.verify.config.AppliedOverride;
import io.ocmt.verify.config.Environment;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The policy a run judged its target by, for whoever signs the report: every key set from outside the
 * environment file ({@code -Docmt.*}, {@code OCMT_*}), with what it replaced, what the run may leave
 * not verified, and the merged {@code policy:} tree. A weakened threshold is visible here whatever set
 * it. Redacted like everything the suite writes.
 */
public final class EffectivePolicy {

    private EffectivePolicy() {
    }

    public static String describe(Environment env) {
        StringBuilder out = new StringBuilder();
        out.append("Environment '").append(env.name()).append("' (").append(env.file()).append("), as this run judged the target.\n\n");
        List<AppliedOverride> overrides = env.overrides();
        if (overrides.isEmpty()) {
            out.append("Overrides: none. Every value below is from the environment file or the built-in defaults.\n");
        } else {
            out.append("Overrides (-Docmt.<key> and OCMT_<KEY>; a system property wins over a variable):\n");
            overrides.forEach(o -> out.append("  ").append(o.describe()).append('\n'));
        }
        out.append("\nChecks that may end not verified without the build ending with exit status ").append(RunVerdict.EXIT_STATUS).append(": ")
                .append(unverifiedAllowed(env)).append(".\n");
        out.append("\nEffective policy (defaults, ").append(env.file().getFileName()).append(" and the overrides above, merged):\n\n");
        out.append(env.policyYaml());
        return Redactor.text(out.toString());
    }

    /**
     * Which not-verified checks the run accepts: all, the tags of policy.run.allowUnverified, or none; and
     * those of the checklist items policy.run.notApplicable declares not applicable.
     */
    public static String unverifiedAllowed(Environment env) {
        String all = System.getProperty(RunVerdict.ALLOW_ALL, "false").strip().toLowerCase(Locale.ROOT);
        if (Boolean.parseBoolean(all)) {
            return "all (-D" + RunVerdict.ALLOW_ALL + "=true)";
        }
        List<String> tags = env.policy().run() == null ? List.of() : env.policy().run().allowUnverified();
        String byTag = tags == null || tags.isEmpty() ? "none (" + RunVerdict.ALLOW_KEY + " is empty)"
                : "tags " + String.join(", ", tags) + " (" + RunVerdict.ALLOW_KEY + ")";
        Map<String, String> notApplicable = env.policy().run() == null ? Map.of() : env.policy().run().notApplicable();
        return notApplicable.isEmpty() ? byTag : byTag + "; the checks of items declared not applicable: "
                + String.join(", ", new TreeSet<>(notApplicable.keySet())) + " (" + RunVerdict.NOT_APPLICABLE_KEY + ")";
    }
}
