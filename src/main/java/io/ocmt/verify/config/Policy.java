package io.ocmt.verify.config;

import java.util.List;
import java.util.Map;

/**
 * What an environment expects of its target. Every threshold the suites judge by lives here and
 * nowhere else; the defaults are in {@code defaults.yaml} beside this class.
 */
public record Policy(HealthPolicy health, HeaderPolicy headers, RedirectPolicy redirect, TlsPolicy tls,
                     CertificatePolicy certificate, AuthPolicy auth, SessionPolicy session, AdminPolicy admin,
                     List<RateLimit> rateLimits) {

    public record HealthPolicy(String path, String releaseField) {
    }

    public record HeaderPolicy(
            List<ResponseSpec> responses,
            HstsPolicy hsts,
            CspPolicy csp,
            String frameOptions,
            String contentTypeOptions,
            List<String> referrerPolicies,
            List<String> forbiddenHeaders,
            Map<String, String> requiredValues) {
    }

    /** A response the header checks judge, named so findings can say which one. */
    public record ResponseSpec(String name, String method, String path) {
    }

    public record HstsPolicy(long minMaxAge, boolean includeSubDomains, boolean preload) {
    }

    public record CspPolicy(
            List<String> forbiddenScriptSources,
            Map<String, List<String>> requiredDirectives,
            Map<String, List<String>> mustAllow) {
    }

    public record RedirectPolicy(List<String> paths, List<Integer> statuses) {
    }

    public record TlsPolicy(
            List<String> requiredProtocols,
            List<String> allowedProtocols,
            String negotiatedProtocol,
            List<String> allowedSuites,
            int maxParallelProbes,
            int maxProbeConnections) {
    }

    public record CertificatePolicy(
            int warnDays,
            int failDays,
            int maxLifetimeDays,
            int minRsaBits,
            int minEcBits,
            List<String> forbiddenSignatureAlgorithms) {
    }

    public record AuthPolicy(String uiUrl, long magicLinkTtlSeconds, long mailTimeoutSeconds, long enumerationToleranceMs,
                             int enumerationSamples) {
    }

    public record SessionPolicy(String cookie, String header, long absoluteLifetimeSeconds, int maxPerUser,
                                long maxWaitSeconds) {
    }

    public record AdminPolicy(List<String> paths, List<String> internalPaths) {
    }

    /** One limited endpoint: at most {@code limit} requests per {@code windowSeconds} from one client. */
    public record RateLimit(String name, String method, String path, int limit, long windowSeconds) {
    }
}
