package io.ocmt.verify.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.referencestack.Switch;
import io.ocmt.verify.selftest.SelfTestTable.Row;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the self-test table complete without Docker: every switch has a row, every check of every
 * suite fails in at least one row or is listed as unproven with the reason, every name a row uses is
 * a test of its suite, and the README says what the table proves.
 */
class SelfTestTableTest {

    private static final Path README = Path.of("README.md");
    private static final String SECTION = "### What the self-tests prove";

    @Test
    void everySwitchHasARow() {
        Set<String> used = SelfTestTable.ROWS.stream().flatMap(r -> r.switches().stream()).collect(Collectors.toSet());
        List<String> without = Arrays.stream(Switch.values()).map(Switch::id).filter(id -> !used.contains(id)).toList();
        assertThat(without).as("switches no self-test row uses").isEmpty();
    }

    @Test
    void everyRowNamesSwitchesThatExistAndCombine() {
        for (Row row : SelfTestTable.ROWS) {
            assertThat(Switch.byIds(row.switches())).as(row.id()).hasSize(row.switches().size());
        }
        List<String> ids = SelfTestTable.ROWS.stream().map(Row::id).toList();
        assertThat(ids).as("row ids").doesNotHaveDuplicates();
    }

    /** Each @Test, and each dynamic test of each @TestFactory, of every suite: failed by a row, or unproven with a reason. */
    @Test
    void everyCheckFailsInSomeRowOrSaysWhyItCannot() throws Exception {
        Map<String, List<Row>> proven = SelfTestTable.provenBy();
        Map<String, List<String>> dynamic = SelfTestTable.dynamicTests(reference());
        List<String> neither = new ArrayList<>();
        List<String> both = new ArrayList<>();
        Set<String> all = new TreeSet<>();
        for (Class<?> suite : suites()) {
            for (Method m : SelfTestTable.testMethods(suite)) {
                String key = SelfTestTable.key(suite, m.getName());
                List<String> tests;
                if (m.isAnnotationPresent(TestFactory.class)) {
                    assertThat(dynamic).as("SelfTestTable.dynamicTests declares the dynamic tests of %s", key).containsKey(key);
                    tests = dynamic.get(key).stream().map(name -> SelfTestTable.key(suite, name)).toList();
                    assertThat(tests).as("dynamic tests of %s", key).isNotEmpty();
                } else {
                    tests = List.of(key);
                }
                for (String test : tests) {
                    all.add(test);
                    boolean isProven = proven.containsKey(test);
                    boolean isUnproven = SelfTestTable.UNPROVEN.containsKey(test);
                    if (!isProven && !isUnproven) {
                        neither.add(test);
                    } else if (isProven && isUnproven) {
                        both.add(test + " (failed by " + proven.get(test).stream().map(Row::id).toList() + ")");
                    }
                }
            }
        }
        assertThat(neither).as("checks no row fails and UNPROVEN does not explain").isEmpty();
        assertThat(both).as("checks a row fails but UNPROVEN still lists").isEmpty();
        assertThat(SelfTestTable.UNPROVEN.keySet()).as("UNPROVEN names only tests of the suites").allMatch(all::contains);
        assertThat(SelfTestTable.UNPROVEN.values()).as("every unproven check says why").allMatch(why -> why.length() > 40);
    }

    @Test
    void everyNameARowUsesIsATestOfItsSuite() {
        for (Row row : SelfTestTable.ROWS) {
            Policy policy = policyOf(row);
            Set<String> methods = SelfTestTable.testMethods(row.suite()).stream().map(Method::getName).collect(Collectors.toSet());
            Set<String> known = SelfTestTable.knownTests(row.suite(), policy);
            assertThat(methods).as("%s: the tests it runs", row.id()).containsAll(row.only());
            assertThat(known).as("%s: the tests it expects to fail", row.id()).containsAll(row.failing().keySet());
            assertThat(known).as("%s: the tests it expects not verified", row.id()).containsAll(row.notVerified());
            assertThat(row.failing().values()).as("%s: fragments", row.id()).allMatch(f -> f.stream().noneMatch(String::isBlank));
            if (!row.only().isEmpty()) {
                Set<String> ran = new TreeSet<>(row.only());
                ran.addAll(SelfTestTable.expectedDynamicTests(row, policy));
                assertThat(ran).as("%s: a test it expects to fail but does not run", row.id()).containsAll(row.failing().keySet());
            }
            assertThat(row.failedAll() != null || !row.failing().isEmpty() || row.positive())
                    .as("%s expects nothing to fail without saying so (failsNothing)", row.id()).isTrue();
        }
    }

    /** The rejection matrix's case names are the suite's own: a renamed case must be renamed here too. */
    @Test
    void theTokenCasesAreTheSuitesOwn() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/ocmt/verify/suites/TokenRejectionIT.java"));
        for (String name : SelfTestTable.TOKEN_CASES) {
            assertThat(source).as("TokenRejectionIT names a case \"%s\"", name).contains("new Case(\"" + name + "\"");
        }
        assertThat(source.split("new Case\\(\"", -1)).as("cases in TokenRejectionIT").hasSize(SelfTestTable.TOKEN_CASES.size() + 1);
    }

    /** The README says what the table proves; regenerate it from SelfTestTable.readmeSection() when the table changes. */
    @Test
    void readmeSaysWhatIsProvenAndWhatIsNot() throws IOException {
        String readme = Files.readString(README);
        String expected = SelfTestTable.readmeSection().stripTrailing();
        int start = readme.indexOf(SECTION);
        String actual = "";
        if (start >= 0) {
            int end = readme.indexOf("\n#", start + SECTION.length());
            actual = readme.substring(start, end < 0 ? readme.length() : end).stripTrailing();
        }
        if (!actual.equals(expected)) {
            Path out = Path.of("target", "selftest-readme-section.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, expected);
            assertThat(actual).as("README section '%s' (the expected text is in %s)", SECTION, out).isEqualTo(expected);
        }
    }

    private static Policy reference() {
        return Environments.load("reference", Path.of("."), Map.of(), Map.of()).policy();
    }

    private static Policy policyOf(Row row) {
        Map<String, String> props = new TreeMap<>();
        row.overrides().forEach((k, v) -> props.put("ocmt." + k, v));
        return Environments.load("reference", Path.of("."), Map.of(), props).policy();
    }

    /** suites/*IT, as compiled. */
    static List<Class<?>> suites() throws URISyntaxException, ClassNotFoundException {
        URL dir = Objects.requireNonNull(SelfTestTableTest.class.getClassLoader().getResource("io/ocmt/verify/suites"));
        File[] files = Objects.requireNonNull(Path.of(dir.toURI()).toFile().listFiles((d, n) -> n.matches("\\w+IT\\.class")));
        Arrays.sort(files);
        List<Class<?>> classes = new ArrayList<>();
        for (File f : files) {
            classes.add(Class.forName("io.ocmt.verify.suites." + f.getName().replace(".class", "")));
        }
        return classes;
    }
}
