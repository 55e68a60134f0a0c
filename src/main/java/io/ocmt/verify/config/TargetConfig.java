package io.ocmt.verify.config;

/**
 * Where the target is and how it is trusted, as an environment file states it. For the embedded
 * reference stack ({@code embedded: true}) the addresses are not in the file: they are derived
 * from the running stack.
 */
public record TargetConfig(
        boolean embedded,
        String httpsUrl,
        String httpUrl,
        String tlsHost,
        int tlsPort,
        TrustConfig trust,
        int connectTimeoutMs,
        int readTimeoutMs) {

    public record TrustConfig(String type, String caFile) {
    }
}
