package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.qameta.allure.Feature;
import io.qameta.allure.Story;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The sign-off summary has a row for every item of the hardening checklist, so the resource that lists
 * them must be the checklist's own items (read from the seed, where it is readable at
 * {@code ../shared/seeds}), and complete: every item judged by a suite test or saying why none can,
 * every suite test judging an item (or declared beyond the checklist), every entry naming a real test.
 */
class HardeningChecklistTest {

    private static final HardeningChecklist CHECKLIST = HardeningChecklist.load();

    /** Part, section and item, as the seed has them. */
    record SeedItem(String part, String section, String title) {
    }

    @Test
    void theResourceListsTheSeedsItemsInItsOrder() throws IOException {
        Optional<Path> seed = seed();
        Assumptions.assumeTrue(seed.isPresent(), "the checklist seed is not readable at ../shared/seeds from " + projectDir());
        List<SeedItem> expected = parseSeed(Files.readString(seed.get()));
        assertThat(expected).as("items parsed from %s", seed.get()).hasSizeGreaterThanOrEqualTo(50);
        assertThat(CHECKLIST.items()).extracting(i -> new SeedItem(i.part(), i.section(), i.title()))
                .as("%s against %s", HardeningChecklist.RESOURCE, seed.get())
                .containsExactlyElementsOf(expected);
    }

    @Test
    void theSeedParserReadsBoldTitlesPlainItemsAndSkipsCode() {
        String seed = """
                # Production Hardening Checklist
                ## Pre-Production Checklist
                ### TLS/HTTPS
                - [ ] **Configure HSTS** (after testing)

                  ```bash
                  - [ ] not an item, inside code
                  ```
                ## Ongoing Maintenance
                ### Monthly
                - [ ] Update dependencies (`npm update`)
                ## Quick Reference Commands
                """;
        assertThat(parseSeed(seed)).containsExactly(
                new SeedItem("Pre-Production Checklist", "TLS/HTTPS", "Configure HSTS"),
                new SeedItem("Ongoing Maintenance", "Monthly", "Update dependencies (`npm update`)"));
    }

    @Test
    void idsAndTitlesAreUnique() {
        assertThat(CHECKLIST.items()).extracting(HardeningChecklist.Item::id).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-z0-9-]+"));
        assertThat(CHECKLIST.items()).extracting(i -> HardeningChecklist.normalize(i.title())).doesNotHaveDuplicates();
    }

    @Test
    void everyItemIsJudgedByASuiteTestOrSaysWhyNoneCan() throws Exception {
        List<HardeningChecklist.Check> tests = suiteTests();
        List<String> problems = new ArrayList<>();
        for (HardeningChecklist.Item item : CHECKLIST.items()) {
            List<String> judging = tests.stream().filter(t -> judges(item, t)).map(t -> t.testClass() + "." + t.method()).toList();
            if (judging.isEmpty() && item.notJudged().isEmpty()) {
                problems.add(item.id() + " (" + item.heading() + "): no suite test judges it and it has no notJudged reason");
            }
            if (!judging.isEmpty() && item.notJudged().isPresent()) {
                problems.add(item.id() + " (" + item.heading() + "): judged by " + judging + ", so its notJudged entry is wrong now: remove it");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everySuiteTestJudgesAnItemOrIsDeclaredBeyondTheChecklist() throws Exception {
        List<String> orphans = suiteTests().stream()
                .filter(t -> CHECKLIST.items().stream().noneMatch(i -> judges(i, t)) && !CHECKLIST.isBeyondTheChecklist(t))
                .map(t -> t.testClass() + "." + t.method() + " (" + t.feature() + " / " + t.story() + ")")
                .toList();
        assertThat(orphans).as("suite tests whose labels name no item of " + HardeningChecklist.RESOURCE
                + ": give them the item's title as @Story, or add them to the item's judgedBy (or to beyondTheChecklist)").isEmpty();
    }

    @Test
    void everyEntryNamesASuiteTest() throws Exception {
        List<HardeningChecklist.Check> tests = suiteTests();
        Map<String, String> dead = new LinkedHashMap<>();
        for (HardeningChecklist.Item item : CHECKLIST.items()) {
            item.judgedBy().stream().filter(e -> tests.stream().noneMatch(t -> matchesIgnoringNames(e, t))).forEach(e -> dead.put(e, item.id()));
        }
        CHECKLIST.beyondTheChecklist().stream().filter(e -> tests.stream().noneMatch(t -> matchesIgnoringNames(e, t)))
                .forEach(e -> dead.put(e, "beyondTheChecklist"));
        assertThat(dead).as("entries that name no suite test").isEmpty();
    }

    @Test
    void entriesNameLabelsOneTestOrSomeOfAFactorysDynamicTests() {
        var health = new HardeningChecklist.Check("Container Security", "Enable health checks", "HealthCheckIT", "answers200", "Answers 200");
        var bypass = new HardeningChecklist.Check("Rate Limiting", "Test rate limiting is working", "RateLimitIT", "publicEndpoints",
                "authentication (magic link) (GET /api/auth/verify): forwarding headers and other spellings of the path get no fresh budget");
        var exact = new HardeningChecklist.Check("Rate Limiting", "Test rate limiting is working", "RateLimitIT", "publicEndpoints",
                "authentication (login) (POST /api/auth/login): exactly the limit passes");
        assertThat(HardeningChecklist.matches("container security / ENABLE health checks", health)).isTrue();
        assertThat(HardeningChecklist.matches("HealthCheckIT.answers200", health)).isTrue();
        assertThat(HardeningChecklist.matches("HealthCheckIT", health)).isTrue();
        assertThat(HardeningChecklist.matches("HealthCheckIT.answersJson", health)).isFalse();
        assertThat(HardeningChecklist.matches("RateLimitIT.publicEndpoints › forwarding headers", bypass)).isTrue();
        assertThat(HardeningChecklist.matches("RateLimitIT.publicEndpoints › forwarding headers", exact)).isFalse();
        assertThat(CHECKLIST.itemsJudgedBy(bypass)).extracting(HardeningChecklist.Item::id)
                .containsExactly("rate-limits-configured", "rate-limiting-works", "trusted-proxies", "rate-limiting-functional");
        assertThat(CHECKLIST.itemsJudgedBy(health)).extracting(HardeningChecklist.Item::id).containsExactly("health-checks");
    }

    /** Reflection sees a factory, not its dynamic tests' names: an entry with words names the factory here. */
    private static boolean judges(HardeningChecklist.Item item, HardeningChecklist.Check test) {
        return item.judgedBy(test) || item.judgedBy().stream().anyMatch(e -> matchesIgnoringNames(e, test));
    }

    private static boolean matchesIgnoringNames(String entry, HardeningChecklist.Check test) {
        int words = entry.indexOf(" › ");
        return HardeningChecklist.matches(words < 0 ? entry : entry.substring(0, words), test);
    }

    /** Every @Test and @TestFactory of the suites, with the feature and story the report gives it (method over class). */
    static List<HardeningChecklist.Check> suiteTests() throws URISyntaxException, ClassNotFoundException {
        URL dir = Objects.requireNonNull(HardeningChecklistTest.class.getClassLoader().getResource("io/ocmt/verify/suites"));
        File[] files = Objects.requireNonNull(Path.of(dir.toURI()).toFile().listFiles((d, n) -> n.matches("\\w+IT\\.class")));
        Arrays.sort(files);
        List<HardeningChecklist.Check> tests = new ArrayList<>();
        for (File f : files) {
            Class<?> suite = Class.forName("io.ocmt.verify.suites." + f.getName().replace(".class", ""));
            for (Method m : suite.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(Test.class) && !m.isAnnotationPresent(TestFactory.class)) {
                    continue;
                }
                String feature = Stream.of(m.getAnnotationsByType(Feature.class), suite.getAnnotationsByType(Feature.class))
                        .flatMap(Arrays::stream).map(Feature::value).findFirst().orElse("");
                String story = Stream.of(m.getAnnotationsByType(Story.class), suite.getAnnotationsByType(Story.class))
                        .flatMap(Arrays::stream).map(Story::value).findFirst().orElse("");
                tests.add(new HardeningChecklist.Check(feature, story, suite.getSimpleName(), m.getName(), ""));
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(45);
        return tests;
    }

    /** The seed's checkbox items: part (##), section (###), the bold title or else the whole text; code blocks skipped. */
    static List<SeedItem> parseSeed(String text) {
        List<SeedItem> items = new ArrayList<>();
        String part = "";
        String section = "";
        boolean code = false;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("```")) {
                code = !code;
                continue;
            }
            if (code) {
                continue;
            }
            if (line.startsWith("### ")) {
                section = line.substring(4).strip();
            } else if (line.startsWith("## ")) {
                part = line.substring(3).strip();
                section = "";
            } else if (line.startsWith("- [ ] ")) {
                String item = line.substring(6).strip();
                if (item.startsWith("**") && item.indexOf("**", 2) > 2) {
                    item = item.substring(2, item.indexOf("**", 2)).strip();
                }
                items.add(new SeedItem(part, section, item));
            }
        }
        return items;
    }

    /**
     * The seed beside the project ({@code ../shared/seeds}), or beside the main checkout where this is a
     * git worktree elsewhere: the file whose first heading is the production hardening checklist.
     */
    static Optional<Path> seed() throws IOException {
        List<Path> dirs = new ArrayList<>();
        Path project = projectDir();
        dirs.add(project.resolve("../shared/seeds").normalize());
        Path git = project.resolve(".git");
        if (Files.isRegularFile(git)) {
            String line = Files.readString(git).strip();
            if (line.startsWith("gitdir:")) {
                Path gitDir = project.resolve(line.substring("gitdir:".length()).strip()).normalize();
                Path commonDir = gitDir.resolve("commondir");
                Path common = Files.isRegularFile(commonDir) ? gitDir.resolve(Files.readString(commonDir).strip()).normalize() : gitDir;
                dirs.add(common.getParent().resolve("../shared/seeds").normalize());
            }
        }
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    if (Files.readString(f).lines().findFirst().orElse("").strip().equals("# Production Hardening Checklist")) {
                        return Optional.of(f);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Path projectDir() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
    }
}
