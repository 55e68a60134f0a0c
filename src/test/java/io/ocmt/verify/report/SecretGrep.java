package io.ocmt.verify.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Searches files, directories and captured text for secret values, and says where each was found by
 * the secret's label and the file's name, never by the value: the answer goes into a test failure,
 * which is itself a report. Each secret is searched as it is, URL-encoded, and, when it is hex, in
 * either case. All secrets are searched in one pass over each file. An HTML file that inlines data
 * base64-encoded (Allure's single-file report) is searched decoded as well.
 */
public final class SecretGrep {

    /** Shorter values would match by chance; the {@link Redactor} never registers one either. */
    public static final int MIN_LENGTH = 6;
    private static final int PREFIX = MIN_LENGTH;
    private static final long PREFIX_MASK = (1L << (8 * PREFIX)) - 1;
    private static final int FILTER_BITS = 1 << 20;

    /** A secret to look for: a label that may be printed, and the value that may not. */
    public record Secret(String label, String value) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** Where a secret was found, by the secret's label; {@code where} is a file or a named stream. */
    public record Hit(String where, String label) {
        @Override
        public String toString() {
            return label + " in " + where;
        }
    }

    /** What a search covered: how many files and bytes, which could not be read, and every hit. */
    public record Result(int files, long bytes, List<String> unreadable, List<Hit> hits) {
    }

    private record Form(String label, byte[] bytes) {
    }

    /** How Allure's single-file report inlines each data file: {@code d('data/…','<base64>')}. */
    private static final Pattern INLINED = Pattern.compile("d\\('([^'\\s]{1,500})','([A-Za-z0-9+/=]+)'\\)");

    private final Map<Long, List<Form>> byPrefix = new HashMap<>();
    private final long[] filter = new long[FILTER_BITS / 64];
    private final int secrets;

    private SecretGrep(Collection<Secret> secrets) {
        Map<String, String> labelByValue = new LinkedHashMap<>();
        for (Secret s : secrets) {
            if (s.value() != null && s.value().length() >= MIN_LENGTH) {
                labelByValue.putIfAbsent(s.value(), s.label());
            }
        }
        this.secrets = labelByValue.size();
        labelByValue.forEach((value, label) -> forms(value).forEach(form -> add(new Form(label, form.getBytes(StandardCharsets.UTF_8)))));
    }

    /** A search for {@code secrets}; a value shorter than {@link #MIN_LENGTH} is left out, the first label of a value kept. */
    public static SecretGrep of(Collection<Secret> secrets) {
        return new SecretGrep(secrets);
    }

    /** Every value the {@link Redactor} has registered in this JVM so far, labelled by position and length only. */
    public static List<Secret> registeredWithTheRedactor() {
        List<String> values = new ArrayList<>(Redactor.registered());
        values.sort(null);
        List<Secret> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            out.add(new Secret("a secret registered with the Redactor (#" + (i + 1) + " of " + values.size() + ", "
                    + values.get(i).length() + " characters)", values.get(i)));
        }
        return out;
    }

    /** How many distinct values are searched. */
    public int secrets() {
        return secrets;
    }

    private static Set<String> forms(String value) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(value);
        forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
        if (value.matches("[0-9a-fA-F]+")) {
            forms.add(value.toLowerCase(Locale.ROOT));
            forms.add(value.toUpperCase(Locale.ROOT));
        }
        return forms;
    }

    private void add(Form form) {
        long key = 0;
        for (int i = 0; i < PREFIX; i++) {
            key = (key << 8) | (form.bytes()[i] & 0xff);
        }
        byPrefix.computeIfAbsent(key, k -> new ArrayList<>()).add(form);
        int bit = bit(key);
        filter[bit >>> 6] |= 1L << bit;
    }

    private static int bit(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 44) & (FILTER_BITS - 1);
    }

    /** Every secret in {@code content}, each named once, as found in {@code where}. */
    public List<Hit> in(String where, byte[] content) {
        Set<String> labels = new LinkedHashSet<>();
        long key = 0;
        for (int i = 0; i < content.length; i++) {
            key = ((key << 8) | (content[i] & 0xff)) & PREFIX_MASK;
            if (i < PREFIX - 1) {
                continue;
            }
            int bit = bit(key);
            if ((filter[bit >>> 6] & (1L << bit)) == 0) {
                continue;
            }
            List<Form> forms = byPrefix.get(key);
            if (forms == null) {
                continue;
            }
            int start = i - PREFIX + 1;
            for (Form f : forms) {
                if (!labels.contains(f.label()) && matchesAt(content, start, f.bytes())) {
                    labels.add(f.label());
                }
            }
        }
        return labels.stream().map(label -> new Hit(where, label)).toList();
    }

    public List<Hit> in(String where, String text) {
        return in(where, text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean matchesAt(byte[] content, int start, byte[] form) {
        if (start + form.length > content.length) {
            return false;
        }
        for (int k = PREFIX; k < form.length; k++) {
            if (content[start + k] != form[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every regular file under each of {@code roots} (a root that does not exist is skipped; a file
     * that vanishes while searched, too), named relative to {@code base}. A file that exists but
     * cannot be read is listed as unreadable: nothing can be said about it.
     */
    public Result under(Path base, List<Path> roots) {
        int files = 0;
        long bytes = 0;
        List<String> unreadable = new ArrayList<>();
        List<Hit> hits = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            List<Path> found;
            try (Stream<Path> walk = Files.walk(root)) {
                found = walk.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException | UncheckedIOException e) {
                unreadable.add(name(base, root) + " (" + e.getClass().getSimpleName() + ")");
                continue;
            }
            for (Path file : found) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (NoSuchFileException gone) {
                    continue;
                } catch (AccessDeniedException e) {
                    unreadable.add(name(base, file) + " (access denied)");
                    continue;
                } catch (IOException e) {
                    unreadable.add(name(base, file) + " (" + e.getClass().getSimpleName() + ")");
                    continue;
                }
                files++;
                bytes += content.length;
                hits.addAll(in(name(base, file), content));
                if (file.getFileName().toString().endsWith(".html")) {
                    hits.addAll(inlined(name(base, file), content));
                }
            }
        }
        return new Result(files, bytes, unreadable, hits);
    }

    /**
     * Every secret in the data an HTML page inlines base64-encoded, named by the page and the inlined
     * file: the single-file report holds every attachment so, where a plain search cannot see it.
     */
    public List<Hit> inlined(String where, byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        if (!text.contains("d('")) {
            return List.of();
        }
        List<Hit> hits = new ArrayList<>();
        Matcher m = INLINED.matcher(text);
        while (m.find()) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(m.group(2));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            hits.addAll(in(where + " › " + m.group(1), decoded));
        }
        return hits;
    }

    private static String name(Path base, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path b = base.toAbsolutePath().normalize();
        return abs.startsWith(b) ? b.relativize(abs).toString() : abs.toString();
    }
}
