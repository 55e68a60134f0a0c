package io.ocmt.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Every item of OCMT's production hardening checklist, as the resource {@value #RESOURCE} lists them
 * (the seed's items, in its order), and which suite tests judge each one: a test whose Allure story is
 * the item's title, or one its {@code judgedBy} names. Items no test judges carry why ({@link NotJudged}).
 * The sign-off summary has one row per item; {@code HardeningChecklistTest} keeps the resource equal to
 * the seed's items and complete.
 */
public final class HardeningChecklist {

    public static final String RESOURCE = "hardening-checklist.yaml";
    /** Between a feature and a story in a {@code judgedBy} entry: "TLS/HTTPS / Redirect HTTP to HTTPS". */
    private static final String LABEL_SEPARATOR = " / ";
    /** Between a test factory and words of its dynamic tests' names in a {@code judgedBy} entry. */
    private static final String DYNAMIC_SEPARATOR = " › ";

    private final List<Item> items;
    private final List<String> beyond;

    private HardeningChecklist(List<Item> items, List<String> beyond) {
        this.items = List.copyOf(items);
        this.beyond = List.copyOf(beyond);
    }

    /**
     * One checklist item.
     *
     * @param id        stable, for {@code policy.run.notApplicable}
     * @param part      "Pre-Production Checklist", "Post-Deployment Verification", "Ongoing Maintenance"
     * @param section   "TLS/HTTPS", "Weekly"
     * @param title     as the checklist spells it (its bold text where it has one)
     * @param judgedBy  entries naming tests beyond those whose story is the title
     * @param notJudged why no test judges it, where none does
     */
    public record Item(String id, String part, String section, String title, List<String> judgedBy, Optional<NotJudged> notJudged) {

        public Item {
            judgedBy = List.copyOf(judgedBy);
        }

        /** "TLS/HTTPS / Redirect HTTP to HTTPS". */
        public String heading() {
            return section + LABEL_SEPARATOR + title;
        }

        /** Whether {@code check} judges this item. */
        public boolean judgedBy(Check check) {
            return (!check.story().isBlank() && normalize(check.story()).equals(normalize(title)))
                    || judgedBy.stream().anyMatch(entry -> matches(entry, check));
        }
    }

    /**
     * Why no test judges an item.
     *
     * @param kind {@value #NOT_BLACK_BOX} (nothing a client of the target or a granted datastore sees shows it)
     *             or {@value #NO_CHECK} (it could be seen, but this suite has no check for it yet)
     */
    public record NotJudged(String kind, String why) {
        public static final String NOT_BLACK_BOX = "not-black-box";
        public static final String NO_CHECK = "no-check";

        public NotJudged {
            if (!kind.equals(NOT_BLACK_BOX) && !kind.equals(NO_CHECK)) {
                throw new IllegalArgumentException("notJudged.kind is " + NOT_BLACK_BOX + " or " + NO_CHECK + ", not " + kind);
            }
        }
    }

    /**
     * What identifies a test for the mapping: its Allure labels.
     *
     * @param feature   the checklist section it carries (Allure feature)
     * @param story     the checklist item it carries (Allure story), or empty
     * @param testClass the test class's simple name, e.g. {@code TlsIT}
     * @param method    the test method, or for a dynamic test its factory
     * @param name      the display name (a dynamic test's own)
     */
    public record Check(String feature, String story, String testClass, String method, String name) {
    }

    public static HardeningChecklist load() {
        try (InputStream in = HardeningChecklist.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + RESOURCE + " is missing beside " + HardeningChecklist.class.getName());
            }
            return parse(new ObjectMapper(new YAMLFactory()).readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static HardeningChecklist parse(JsonNode root) {
        List<Item> items = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode part : root.path("parts")) {
            for (JsonNode section : part.path("sections")) {
                for (JsonNode item : section.path("items")) {
                    String id = text(item, "id");
                    if (!ids.add(id)) {
                        throw new IllegalStateException(RESOURCE + " has the id " + id + " twice");
                    }
                    List<String> judgedBy = new ArrayList<>();
                    item.path("judgedBy").forEach(j -> judgedBy.add(j.asText()));
                    JsonNode nj = item.path("notJudged");
                    Optional<NotJudged> notJudged = nj.isObject()
                            ? Optional.of(new NotJudged(text(nj, "kind"), text(nj, "why")))
                            : Optional.empty();
                    items.add(new Item(id, text(part, "part"), text(section, "section"), text(item, "item"), judgedBy, notJudged));
                }
            }
        }
        List<String> beyond = new ArrayList<>();
        root.path("beyondTheChecklist").forEach(b -> beyond.add(b.asText()));
        return new HardeningChecklist(items, beyond);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode() || value.asText().isBlank()) {
            throw new IllegalStateException(RESOURCE + ": '" + field + "' is missing in " + node);
        }
        return value.asText().strip();
    }

    public List<Item> items() {
        return items;
    }

    public Optional<Item> item(String id) {
        return items.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** The items {@code check} judges, in the checklist's order; empty for a test beyond the checklist. */
    public List<Item> itemsJudgedBy(Check check) {
        return items.stream().filter(i -> i.judgedBy(check)).toList();
    }

    /** Entries (same syntax as {@code judgedBy}) for suite tests that judge something the checklist does not name. */
    public List<String> beyondTheChecklist() {
        return beyond;
    }

    /** Whether {@code check} is one the resource declares beyond the checklist. */
    public boolean isBeyondTheChecklist(Check check) {
        return beyond.stream().anyMatch(entry -> matches(entry, check));
    }

    /** Whether an entry of {@code judgedBy} or {@code beyondTheChecklist} names {@code check}. */
    static boolean matches(String entry, Check check) {
        if (entry.contains(LABEL_SEPARATOR)) {
            int at = entry.indexOf(LABEL_SEPARATOR);
            return normalize(entry.substring(0, at)).equals(normalize(check.feature()))
                    && normalize(entry.substring(at + LABEL_SEPARATOR.length())).equals(normalize(check.story()));
        }
        String test = entry;
        String words = "";
        int dynamic = entry.indexOf(DYNAMIC_SEPARATOR);
        if (dynamic >= 0) {
            test = entry.substring(0, dynamic);
            words = entry.substring(dynamic + DYNAMIC_SEPARATOR.length()).strip();
        }
        int dot = test.indexOf('.');
        String cls = dot < 0 ? test : test.substring(0, dot);
        String method = dot < 0 ? "" : test.substring(dot + 1);
        return cls.equals(check.testClass()) && (method.isEmpty() || method.equals(check.method()))
                && (words.isEmpty() || check.name().toLowerCase(Locale.ROOT).contains(words.toLowerCase(Locale.ROOT)));
    }

    /** Case, Markdown emphasis and spacing do not tell two titles apart. */
    static String normalize(String s) {
        return s == null ? "" : s.replace("**", "").replace("`", "").replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
    }
}
