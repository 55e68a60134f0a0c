package io.ocmt.verify.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * One loaded environment: {@code environments/<name>.yaml} over the built-in defaults, with
 * overrides applied. Holds no secret values, only the names of the variables that carry them.
 *
 * @param secrets logical secret name to the environment variable that holds it
 */
public record Environment(String name, Path file, TargetConfig target, Map<String, String> secrets, Grants grants,
                          Policy policy) {

    /** The key space an operator can override, in order of precedence (highest first). */
    public static final String PRECEDENCE =
            "system property -Docmt.<key>, then environment variable OCMT_<KEY>, then environments/<name>.yaml, then defaults";
}
