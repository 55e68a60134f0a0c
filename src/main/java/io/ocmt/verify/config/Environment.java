package io.ocmt.verify.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One loaded environment: {@code environments/<name>.yaml} over the built-in defaults, with
 * overrides applied. Holds no secret values, only the names of the variables that carry them.
 *
 * @param secrets   logical secret name to the environment variable that holds it
 * @param overrides the keys set by {@code -Docmt.<key>} and {@code OCMT_<KEY>} for this run, in the
 *                  order applied (see {@link AppliedOverride}); never a secret's value
 */
public record Environment(String name, Path file, TargetConfig target, Map<String, String> secrets, Grants grants,
                          Policy policy, List<AppliedOverride> overrides) {

    /** The key space an operator can override, in order of precedence (highest first). */
    public static final String PRECEDENCE =
            "system property -Docmt.<key>, then environment variable OCMT_<KEY>, then environments/<name>.yaml, then defaults";

    public Environment {
        overrides = List.copyOf(overrides);
    }

    /** The effective {@code policy:} tree, defaults, file and overrides merged, as YAML under a {@code policy:} key. */
    public String policyYaml() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
        try {
            return yaml.writeValueAsString(Map.of("policy", policy));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the effective policy cannot be written as YAML", e);
        }
    }
}
