package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every suite test is something a release manager may have to act on, so each must carry the
 * severity, checklist grouping and remediation the report shows; a new test without them fails here,
 * not unnoticed in a report nobody reads until a failure.
 */
class ReportMetadataTest {

    @Test
    void everySuiteTestHasSeverityChecklistGroupingAndRemediation() throws Exception {
        List<Class<?>> suites = suiteClasses();
        assertThat(suites).hasSizeGreaterThanOrEqualTo(12);
        List<String> missing = new ArrayList<>();
        int tests = 0;
        for (Class<?> suite : suites) {
            if (!suite.isAnnotationPresent(Epic.class)) {
                missing.add(suite.getSimpleName() + ": @Epic");
            }
            for (Method m : suite.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(Test.class) && !m.isAnnotationPresent(TestFactory.class)) {
                    continue;
                }
                tests++;
                String name = suite.getSimpleName() + "." + m.getName();
                if (!m.isAnnotationPresent(Severity.class)) {
                    missing.add(name + ": @Severity");
                }
                if (!suite.isAnnotationPresent(Feature.class) && !m.isAnnotationPresent(Feature.class)) {
                    missing.add(name + ": @Feature");
                }
                Description d = m.getAnnotation(Description.class);
                if (d == null || d.value().isBlank()) {
                    missing.add(name + ": @Description");
                }
            }
        }
        assertThat(tests).isGreaterThanOrEqualTo(45);
        assertThat(missing).isEmpty();
    }

    @Test
    void referenceLinksPointToOwaspOrTheScannersTheRulesComeFrom() throws Exception {
        Pattern allowed = Pattern.compile("https://(github\\.com/OWASP/ASVS/|owasp\\.org/|developer\\.mozilla\\.org/|wiki\\.mozilla\\.org/"
                + "|github\\.com/testssl/|github\\.com/ssllabs/|hstspreload\\.org/).*");
        for (Class<?> suite : suiteClasses()) {
            for (Method m : suite.getDeclaredMethods()) {
                for (Link link : m.getAnnotationsByType(Link.class)) {
                    assertThat(link.url()).as("%s.%s link %s", suite.getSimpleName(), m.getName(), link.name()).matches(allowed);
                    if (link.url().contains("OWASP/ASVS")) {
                        assertThat(link.name()).as("an ASVS link names its edition").startsWith("ASVS 4.0.3 V");
                    }
                }
            }
        }
    }

    @Test
    void categoriesKeepNotVerifiedApartFromDefects() {
        String skip = "grants.mailbox.type is none in environment 'staging', expected imap or mailpit: these tests read the magic link";
        String missingSecret = "Missing secret 'adminToken' for environment 'staging'. Fix: export OCMT_STAGING_ADMIN_TOKEN";
        String error = "java.net.SocketTimeoutException: Read timed out";
        Pattern notVerified = Pattern.compile(Categories.NOT_VERIFIED_MESSAGE);
        Pattern suiteError = Pattern.compile((String) Categories.definitions().get(2).get("messageRegex"));

        assertThat(notVerified.matcher(skip).matches()).isTrue();
        assertThat(notVerified.matcher(missingSecret).matches()).isTrue();
        assertThat(notVerified.matcher(error).matches()).isFalse();
        assertThat(suiteError.matcher(error).matches()).isTrue();
        assertThat(suiteError.matcher(missingSecret).matches()).isFalse();
        assertThat(suiteError.matcher("line one\n" + skip).matches()).isFalse();
        String unreachable = "Not verified: GET http://localhost:8080/health could not be sent: Connection refused (ConnectException).";
        assertThat(notVerified.matcher(unreachable).matches()).isTrue();
        assertThat(suiteError.matcher(unreachable).matches()).isFalse();
        assertThat(notVerified.matcher("Expected 401, but was 200: Not verified: nothing").matches()).isFalse();
    }

    private static List<Class<?>> suiteClasses() throws URISyntaxException, ClassNotFoundException {
        URL dir = Objects.requireNonNull(ReportMetadataTest.class.getClassLoader().getResource("io/ocmt/verify/suites"));
        File[] files = Objects.requireNonNull(Path.of(dir.toURI()).toFile().listFiles((d, n) -> n.matches("\\w+IT\\.class")));
        Arrays.sort(files);
        List<Class<?>> classes = new ArrayList<>();
        for (File f : files) {
            classes.add(Class.forName("io.ocmt.verify.suites." + f.getName().replace(".class", "")));
        }
        return classes;
    }
}
