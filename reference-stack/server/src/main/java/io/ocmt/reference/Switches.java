package io.ocmt.reference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The switches that are on, read from the environment. */
public final class Switches {

    private static final Switches NONE = new Switches(new EnumMap<>(Switch.class));

    private final Map<Switch, String> active;

    private Switches(Map<Switch, String> active) {
        this.active = Collections.unmodifiableMap(active);
    }

    public static Switches none() {
        return NONE;
    }

    /**
     * Refuses unknown values and unknown BREAK_* names alike: a typo must not silently give a
     * hardened server to a test that expects a broken one, or the other way round.
     */
    public static Switches fromEnvironment(Map<String, String> env) {
        Map<Switch, String> active = new EnumMap<>(Switch.class);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(Switch.PREFIX)) {
                continue;
            }
            String value = entry.getValue() == null ? "" : entry.getValue().trim();
            Optional<Switch> known = Arrays.stream(Switch.values())
                    .filter(s -> s.variable().equals(name))
                    .findFirst();
            if (known.isEmpty()) {
                problems.add(name + " is not a known switch; known switches: " + knownVariables());
                continue;
            }
            if (value.isEmpty()) {
                continue;
            }
            Switch sw = known.get();
            if (!sw.allowedValues().contains(value)) {
                problems.add(name + "=" + value + " is not a known value; use one of "
                        + String.join(", ", sw.allowedValues()) + " (or leave it unset for the hardened default)");
                continue;
            }
            active.put(sw, value);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
        return new Switches(active);
    }

    /** Builds switches in code, for tests; values are checked like the environment's. */
    public static Switches of(Map<Switch, String> values) {
        return fromEnvironment(values.entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().variable(), Map.Entry::getValue)));
    }

    public boolean is(Switch sw, String value) {
        return value.equals(active.get(sw));
    }

    public Optional<String> value(Switch sw) {
        return Optional.ofNullable(active.get(sw));
    }

    public boolean isHardened() {
        return active.isEmpty();
    }

    /** For the startup log, so a container's log says which control it breaks. */
    public String describe() {
        if (active.isEmpty()) {
            return "none (hardened)";
        }
        return active.entrySet().stream()
                .map(e -> e.getKey().variable() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String knownVariables() {
        return Arrays.stream(Switch.values()).map(Switch::variable).collect(Collectors.joining(", "));
    }
}
