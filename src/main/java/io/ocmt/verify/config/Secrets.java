package io.ocmt.verify.config;

import io.ocmt.verify.report.Redactor;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The secrets an environment grants, read from the environment variables its file names. A value
 * is registered with the {@link Redactor} the moment it is read, so it can never reach a report.
 */
public final class Secrets {

    private final Environment env;
    private final Function<String, String> variables;
    private final Map<String, String> provided;

    /**
     * @param provided values the target itself supplies (the embedded stack generates throwaway
     *                 secrets at start); they take precedence over environment variables
     */
    public Secrets(Environment env, Function<String, String> variables, Map<String, String> provided) {
        this.env = env;
        this.variables = variables;
        this.provided = Map.copyOf(provided);
    }

    public boolean declared(String logicalName) {
        return env.secrets().containsKey(logicalName) || provided.containsKey(logicalName);
    }

    /** The secret, or a {@link ConfigException} that names the variable to set. */
    public String require(String logicalName) {
        return find(logicalName).orElseThrow(() -> {
            String variable = env.secrets().get(logicalName);
            if (variable == null) {
                return new ConfigException("Environment '" + env.name() + "' grants no secret '" + logicalName
                        + "'. Fix: add secrets." + logicalName + ": <VARIABLE_NAME> to " + env.file() + ".");
            }
            return new ConfigException("Missing secret '" + logicalName + "' for environment '" + env.name()
                    + "'. Fix: export " + variable + "=<value> before the run.");
        });
    }

    public Optional<String> find(String logicalName) {
        String value = provided.get(logicalName);
        if (value == null) {
            String variable = env.secrets().get(logicalName);
            value = variable == null ? null : variables.apply(variable);
        }
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        Redactor.registerSecret(value);
        return Optional.of(value);
    }

    /** Fails on the first declared secret whose variable is unset, so a run never starts half-configured. */
    public void requireAll() {
        env.secrets().keySet().forEach(this::require);
    }
}
