package io.ocmt.verify.config;

/**
 * Bad input from the operator: an unknown environment, a missing secret, an unreachable or
 * untrusted target. Its message is one line that names the fix; it is printed as it is and the
 * run stops with a non-zero exit before any suite runs.
 */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
