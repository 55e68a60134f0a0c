package io.ocmt.reference;

/** A setting the server cannot run with; startup stops with this message. */
public final class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
