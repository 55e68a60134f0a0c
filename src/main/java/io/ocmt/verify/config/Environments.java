package io.ocmt.verify.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ocmt.verify.config.internal.Overrides;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one entry point for configuration: {@code Environments.load("staging")} reads
 * {@code environments/staging.yaml} over the defaults, applies overrides and validates the result.
 * Every way of loading funnels into {@link #load(String, Path, Map, Map)}, so there is one place
 * that knows the precedence ({@link Environment#PRECEDENCE}) and one set of error messages.
 */
public final class Environments {

    public static final String DEFAULT_ENVIRONMENT = "reference";
    private static final String DEFAULTS = "defaults.yaml";

    private Environments() {
    }

    /** The environment chosen by {@code -Denv} (default {@value #DEFAULT_ENVIRONMENT}), from this JVM's settings. */
    public static Environment fromSystem() {
        return fromSystem(Map.of());
    }

    /**
     * The same, with {@code overrides} ({@code ocmt.<key>} to value) laid over this JVM's system
     * properties: a self-test runs a suite under another policy value this way.
     */
    public static Environment fromSystem(Map<String, String> overrides) {
        return load(selectedName(), projectDir(), System.getenv(), withOverrides(overrides));
    }

    /** This JVM's system properties with {@code overrides} on top, as the override layer reads them. */
    public static Map<String, String> withOverrides(Map<String, String> overrides) {
        Map<String, String> all = new java.util.HashMap<>(Overrides.systemProperties());
        all.putAll(overrides);
        return all;
    }

    public static String selectedName() {
        String name = System.getProperty("env");
        return name == null || name.isBlank() ? DEFAULT_ENVIRONMENT : name.trim();
    }

    /** Where {@code environments/} and {@code target/} are: the Maven project directory. */
    public static Path projectDir() {
        return Path.of(System.getProperty("ocmt.project.dir", ".")).toAbsolutePath().normalize();
    }

    public static List<String> known(Path projectDir) {
        Path dir = projectDir.resolve("environments");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.substring(0, f.length() - ".yaml".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Environment load(String name, Path projectDir, Map<String, String> environmentVariables,
                                   Map<String, String> systemProperties) {
        return load(name, projectDir, environmentVariables, systemProperties, Map.of());
    }

    /**
     * @param derived settings an embedded target derives when it starts (its addresses, the grants it
     *                offers), by configuration key; they sit above the file and below the operator's
     *                overrides
     */
    public static Environment load(String name, Path projectDir, Map<String, String> environmentVariables,
                                   Map<String, String> systemProperties, Map<String, String> derived) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new ConfigException("Environment name '" + name + "' is not a file name. Fix: -Denv=<name of a file in environments/>");
        }
        Path file = projectDir.resolve("environments").resolve(name + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("Unknown environment '" + name + "'. Known environments: "
                    + String.join(", ", known(projectDir)) + " (files in " + file.getParent()
                    + "). Fix: -Denv=<one of them>, or add environments/" + name + ".yaml (see README).");
        }
        ObjectMapper yaml = mapper();
        ObjectNode tree = defaults(yaml);
        try {
            JsonNode fromFile = yaml.readTree(file.toFile());
            if (fromFile != null && !fromFile.isMissingNode() && !fromFile.isNull()) {
                if (!fromFile.isObject()) {
                    throw new ConfigException(file + " must be a YAML mapping with target, secrets and policy keys.");
                }
                Overrides.rejectUnknownKeys(tree, (ObjectNode) fromFile, file.toString());
                Overrides.merge(tree, (ObjectNode) fromFile);
            }
        } catch (IOException e) {
            throw new ConfigException("Cannot read " + file + ": " + firstLine(e.getMessage()) + ". Fix the YAML syntax.", e);
        }
        List<AppliedOverride> overrides = Overrides.apply(tree, derived, environmentVariables, systemProperties, yaml);
        Environment env;
        try {
            env = new Environment(name, file,
                    yaml.treeToValue(tree.get("target"), TargetConfig.class),
                    yaml.convertValue(tree.get("secrets"), yaml.getTypeFactory()
                            .constructMapType(java.util.LinkedHashMap.class, String.class, String.class)),
                    yaml.treeToValue(tree.get("grants"), Grants.class),
                    yaml.treeToValue(tree.get("policy"), Policy.class),
                    overrides);
        } catch (JsonMappingException e) {
            throw new ConfigException("Invalid value in " + file + " at " + Overrides.path(e) + ": "
                    + firstLine(e.getOriginalMessage()) + ".", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("Invalid environment " + file + ": " + firstLine(e.getMessage()), e);
        }
        validate(env);
        return env;
    }

    private static void validate(Environment env) {
        TargetConfig t = env.target();
        String where = " in " + env.file();
        if (!t.embedded() || t.httpsUrl() != null) {
            requireUrl(t.httpsUrl(), "https", "target.httpsUrl", where);
            requireUrl(t.httpUrl(), "http", "target.httpUrl", where);
            if (t.tlsHost() == null || t.tlsHost().isBlank()) {
                throw new ConfigException("target.tlsHost is not set" + where + ". Fix: the host name the certificate is issued for.");
            }
        }
        String type = t.trust() == null ? null : t.trust().type();
        if (!"system".equals(type) && !"ca-file".equals(type)) {
            throw new ConfigException("target.trust.type is '" + type + "'" + where + ". Fix: system or ca-file.");
        }
        if ("ca-file".equals(type) && !t.embedded()) {
            String ca = t.trust().caFile();
            if (ca == null || !Files.isReadable(Path.of(ca))) {
                throw new ConfigException("target.trust.caFile '" + ca + "' is not a readable file" + where
                        + ". Fix: the path of the PEM file of the CA that issued the target's certificate.");
            }
        }
        requireProxyUrl(env.grants().outsideProxy().url(), "grants.outsideProxy.url", where,
                "an HTTP CONNECT proxy whose egress address is outside the target's admin IP allowlist, e.g. http://egress-test.internal:3128");
        List<String> egress = env.grants().egressProxies().urls();
        for (int i = 0; i < egress.size(); i++) {
            if (egress.get(i) == null) {
                throw new ConfigException("grants.egressProxies.urls[" + i + "] is empty" + where
                        + ". Fix: the http://host:port of an HTTP CONNECT proxy, or remove the entry.");
            }
            requireProxyUrl(egress.get(i), "grants.egressProxies.urls[" + i + "]", where,
                    "an HTTP CONNECT proxy that leaves from an address of its own, e.g. http://egress-1.internal:3128");
        }
        Grants.Containers containers = env.grants().containers();
        if (containers.granted()) {
            String url = containers.engineUrl().trim();
            if (!url.startsWith("unix:///") && !url.startsWith("tcp://")) {
                throw new ConfigException("grants.containers.engineUrl '" + url + "' is not a unix:///path or tcp://host:port URL" + where
                        + ". Fix: the address of a read-only Docker Engine API (a socket proxy allowing only GET /containers).");
            }
            if (containers.names().isEmpty() && containers.labels().isEmpty()) {
                throw new ConfigException("grants.containers names no container" + where + ": the container checks would judge nothing"
                        + " and pass. Fix: list the containers in grants.containers.names, or their labels in grants.containers.labels.");
            }
        }
        String logUrl = env.grants().securityLog().url();
        if (logUrl != null && !logUrl.startsWith("http://") && !logUrl.startsWith("https://")) {
            throw new ConfigException("grants.securityLog.url '" + Redactor.text(logUrl) + "' is not an http:// or https:// URL" + where
                    + ". Fix: the URL of a query API answering the security log's recent lines, or null.");
        }
        requireNonEmpty(env.policy(), where);
        Integer maxRequests = env.policy().run().maxRequests();
        if (maxRequests != null && maxRequests < 0) {
            throw new ConfigException("policy.run.maxRequests is " + maxRequests + where + ". Fix: the most HTTP requests a run may send "
                    + "to the target (the default is 2000), or null or 0 for no limit.");
        }
        env.secrets().forEach((logical, variable) -> {
            if (variable == null || !variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException("secrets." + logical + " must name an environment variable, not hold a value" + where + ".");
            }
        });
    }

    /**
     * A list the checks iterate over must name something: an empty one would let every check over it
     * pass without a single request, which reads as green in the report.
     */
    private static void requireNonEmpty(Policy p, String where) {
        Map<String, List<?>> lists = new java.util.LinkedHashMap<>();
        lists.put("policy.headers.responses", p.headers().responses());
        lists.put("policy.redirect.paths", p.redirect().paths());
        lists.put("policy.redirect.statuses", p.redirect().statuses());
        lists.put("policy.admin.paths", p.admin().paths());
        lists.put("policy.admin.allowlistPaths", p.admin().allowlistPaths());
        lists.put("policy.admin.internalPaths", p.admin().internalPaths());
        lists.put("policy.rateLimits", p.rateLimits());
        lists.put("policy.encryption.encryptedColumns", p.encryption().encryptedColumns());
        lists.put("policy.backup.expectedTables", p.backup().expectedTables());
        lists.put("policy.tls.requiredProtocols", p.tls().requiredProtocols());
        lists.put("policy.tls.allowedProtocols", p.tls().allowedProtocols());
        lists.put("policy.tls.allowedSuites", p.tls().allowedSuites());
        lists.put("policy.tls.allowedGroups", p.tls().allowedGroups());
        lists.put("policy.grades.headers.pages", p.grades().headers().pages());
        lists.put("policy.privateNetwork.ports", p.privateNetwork().ports());
        lists.forEach((key, list) -> {
            if (list == null || list.isEmpty()) {
                throw new ConfigException(key + " is empty" + where + ": the checks over it would judge nothing and pass. Fix: list at "
                        + "least one entry (see defaults.yaml), or leave the key out to keep the default.");
            }
        });
    }

    private static void requireUrl(String url, String scheme, String key, String where) {
        if (url == null || !url.startsWith(scheme + "://")) {
            throw new ConfigException(key + " is '" + url + "'" + where + ". Fix: a " + scheme + ":// URL of the target.");
        }
    }

    /**
     * A proxy grant is {@code http://host:port} and nothing else: the suite speaks plain HTTP to the
     * proxy and tunnels TLS to the target through it, so an https:// proxy, a path or a missing port
     * would mean something the suite does not do. Credentials would be printed with every failure
     * that names the proxy, so they are refused, and never echoed.
     */
    static void requireProxyUrl(String url, String key, String where, String wanted) {
        if (url == null) {
            return;
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            uri = null;
        }
        String problem;
        if (uri == null || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            problem = "is not an http://host:port URL";
        } else if (uri.getRawUserInfo() != null) {
            problem = "carries credentials";
        } else if (uri.getPort() < 1) {
            problem = "has no port";
        } else if (!(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            problem = "has a path, query or fragment";
        } else {
            return;
        }
        String shown = uri != null && uri.getRawUserInfo() != null
                ? url.trim().replace(uri.getRawUserInfo() + "@", Redactor.MASK + "@") : url.trim();
        throw new ConfigException(key + " '" + shown + "' " + problem + where
                + ". Fix: the http://host:port of " + wanted + ", or null where there is none.");
    }

    private static ObjectNode defaults(ObjectMapper yaml) {
        try (InputStream in = Environments.class.getResourceAsStream(DEFAULTS)) {
            return (ObjectNode) yaml.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the built-in " + DEFAULTS + " is unreadable", e);
        }
    }

    static ObjectMapper mapper() {
        return new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").trim();
    }
}
