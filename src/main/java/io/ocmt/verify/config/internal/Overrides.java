package io.ocmt.verify.config.internal;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocmt.verify.config.AppliedOverride;
import io.ocmt.verify.config.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The override layer of the configuration key space: {@code -Docmt.policy.hsts.minMaxAge=...} or
 * {@code OCMT_POLICY_HEADERS_HSTS_MINMAXAGE=...} replaces one leaf of the merged tree. Only keys
 * that exist can be overridden, so a typo fails loudly instead of being ignored.
 */
public final class Overrides {

    private static final List<String> ROOTS = List.of("target", "secrets", "grants", "policy");

    private Overrides() {
    }

    public static Map<String, String> systemProperties() {
        return System.getProperties().stringPropertyNames().stream()
                .collect(Collectors.toMap(k -> k, System::getProperty));
    }

    /**
     * Sets every key {@code derived}, {@code env} ({@code OCMT_*}) and {@code sys} ({@code ocmt.*}) name.
     *
     * @return the keys the operator set (environment variables, then system properties, in the order
     *         applied; an embedded target's derived settings are not the operator's and are left out),
     *         each with the value it set and the one it replaced
     */
    public static List<AppliedOverride> apply(ObjectNode tree, Map<String, String> derived, Map<String, String> env,
                                              Map<String, String> sys, ObjectMapper yaml) {
        List<AppliedOverride> applied = new ArrayList<>();
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        collectLeaves(tree, "", leaves);
        derived.forEach((name, value) -> {
            String key = leaves.containsKey(name) ? name
                    : leaves.keySet().stream().filter(k -> variableName(k).equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the embedded target derived an unknown configuration key " + name));
            set(tree, key, value, yaml, "the embedded target's " + key);
        });
        // Derived first, then environment variables, then system properties: the later write wins.
        // Sorted, so the report lists them the same way on every run.
        new java.util.TreeMap<>(env).forEach((name, value) -> {
            if (!name.startsWith("OCMT_") || !isConfigVariable(name)) {
                return;
            }
            String key = leaves.keySet().stream().filter(k -> variableName(k).equals(name)).findFirst()
                    .orElseThrow(() -> new ConfigException("Environment variable " + name
                            + " matches no configuration key. Fix: unset it, or use one of the keys listed in the README."));
            applied.add(set(tree, key, value, yaml, "environment variable " + name));
        });
        new java.util.TreeMap<>(sys).forEach((name, value) -> {
            if (!name.startsWith("ocmt.")) {
                return;
            }
            String key = name.substring("ocmt.".length());
            if (ROOTS.stream().noneMatch(r -> key.startsWith(r + "."))) {
                return; // ocmt.project.dir and the like configure the run, not the environment
            }
            if (!leaves.containsKey(key)) {
                throw new ConfigException("System property -D" + name + " matches no configuration key. Fix: check the spelling against defaults.yaml.");
            }
            applied.add(set(tree, key, value, yaml, "system property -D" + name));
        });
        return List.copyOf(applied);
    }

    /** OCMT_TARGET_HTTPSURL for target.httpsUrl: upper case, every non-alphanumeric an underscore. */
    public static String variableName(String key) {
        return "OCMT_" + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static boolean isConfigVariable(String name) {
        return ROOTS.stream().anyMatch(r -> name.startsWith("OCMT_" + r.toUpperCase(Locale.ROOT) + "_"));
    }

    private static void collectLeaves(JsonNode node, String prefix, Map<String, JsonNode> out) {
        if (node.isObject() && (prefix.isEmpty() || node.size() > 0)) {
            node.fields().forEachRemaining(e -> collectLeaves(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out));
        } else {
            out.put(prefix, node);
        }
    }

    private static AppliedOverride set(ObjectNode tree, String key, String value, ObjectMapper yaml, String source) {
        String[] parts = key.split("\\.");
        ObjectNode parent = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        String leaf = parts[parts.length - 1];
        JsonNode was = parent.get(leaf);
        JsonNode now;
        try {
            // Read the value as YAML so numbers, booleans and [a, b] lists keep their types.
            now = yaml.readTree(value);
        } catch (IOException e) {
            throw new ConfigException(source + " has a value that is not valid YAML: " + e.getMessage());
        }
        parent.set(leaf, now);
        return new AppliedOverride(key, source, shown(now), shown(was));
    }

    /** A scalar as its text, anything else (a list, a mapping) as compact JSON, which YAML reads back. */
    private static String shown(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /**
     * Lays an environment file over the defaults: mappings merge key by key, anything else (a
     * scalar, a list) replaces. Jackson's own merge appends lists, which would turn an
     * environment's list of responses into the defaults' plus its own.
     */
    public static void merge(ObjectNode base, ObjectNode overlay) {
        overlay.fields().forEachRemaining(e -> {
            JsonNode current = base.get(e.getKey());
            if (current != null && current.isObject() && e.getValue().isObject() && isStructural(e.getKey())) {
                merge((ObjectNode) current, (ObjectNode) e.getValue());
            } else {
                base.set(e.getKey(), e.getValue());
            }
        });
    }

    /** Rejects keys in an environment file that the defaults do not know: they would be ignored silently. */
    public static void rejectUnknownKeys(ObjectNode defaults, ObjectNode file, String where) {
        List<String> unknown = new ArrayList<>();
        walkUnknown(defaults, file, "", unknown);
        if (!unknown.isEmpty()) {
            throw new ConfigException("Unknown key(s) " + String.join(", ", unknown) + " in " + where
                    + ". Fix: the spelling must match defaults.yaml (src/main/resources/io/ocmt/verify/config).");
        }
    }

    private static void walkUnknown(JsonNode known, JsonNode given, String prefix, List<String> unknown) {
        Iterator<Map.Entry<String, JsonNode>> it = given.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode k = known.get(e.getKey());
            if (k == null) {
                unknown.add(key);
            } else if (k.isObject() && k.size() > 0 && isStructural(key) && e.getValue().isObject()) {
                walkUnknown(k, e.getValue(), key, unknown);
            }
        }
    }

    /**
     * Maps whose keys are data (header names, CSP directives, secret names) take any key, and an
     * environment's map replaces the default one whole, so an environment can also drop an entry.
     */
    private static boolean isStructural(String key) {
        return !key.endsWith("requiredValues") && !key.endsWith("requiredDirectives") && !key.endsWith("mustAllow")
                && !key.equals("secrets");
    }

    public static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
