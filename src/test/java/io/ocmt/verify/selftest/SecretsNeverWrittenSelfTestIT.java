package io.ocmt.verify.selftest;

import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.runKept;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.junit.OcmtExtension;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.SecretGrep;
import io.ocmt.verify.report.SecretGrep.Secret;
import io.ocmt.verify.suites.AdminGuardIT;
import io.ocmt.verify.suites.BackupIT;
import io.ocmt.verify.suites.DataStoreIT;
import io.ocmt.verify.suites.MagicLinkAuthIT;
import io.ocmt.verify.suites.SecretsAtRestIT;
import io.qameta.allure.Allure;
import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;

/**
 * The report a release manager signs must hold no secret, and neither may the logs or the console of
 * the run that made it. The suites that touch secrets (Redis's and PostgreSQL's passwords, the backup
 * passphrase, the admin token, ENCRYPTION_KEY, canaries stored through the API, session and
 * magic-link tokens) run unchanged against a hardened reference stack, whose secrets are fresh
 * random values: canaries that exist nowhere else. Then every one of them, and every token the run
 * saw, is searched for in the Allure results, the stack's logs, the HTML reports, the run's own
 * report-to-be (steps and failure messages, held in memory until this test ends) and everything the
 * JVM printed meanwhile. A hit names the file and the secret's name, never its value.
 */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: no secret of the stack and no token of the run reaches a report, a log or the console")
class SecretsNeverWrittenSelfTestIT {

    private static final String KEEP = "secrets-never-written";
    /** The reference stack's own secrets, as README names them; grants name the rest. */
    private static final List<String> STACK_SECRETS = List.of("adminToken", "agentServerToken", "encryptionKey", "databasePassword",
            "redisPassword", "backupPassphrase", "databaseReadonlyPassword", "databaseWriterPassword");

    @Test
    @DisplayName("DataStore, SecretsAtRest, MagicLinkAuth, AdminGuard and Backup against a hardened stack write none of its secrets anywhere")
    void noSecretIsWrittenAnywhere() throws IOException {
        Path project = Environments.projectDir();
        Instant started = Instant.now().minusSeconds(1);
        BrokenStack.SuiteOutcome outcome;
        Console console = Console.capture();
        try {
            StackSecrets.SEEN.clear();
            StackSecrets.collecting = true;
            outcome = runKept(KEEP, StackSecrets.class, DataStoreIT.class, SecretsAtRestIT.class, MagicLinkAuthIT.class,
                    AdminGuardIT.class, BackupIT.class);
        } finally {
            StackSecrets.collecting = false;
            try {
                // Stopped before the search, so the stack's logs are whole.
                OcmtExtension.closeKept(KEEP);
            } finally {
                console.restore();
            }
        }
        // The suites ran and judged: a run that skipped them would find nothing and prove nothing.
        assertThat(outcome).failedOnly();
        assertThat(StackSecrets.SEEN.keySet()).as("the stack's secrets the run could read")
                .contains("redisPassword", "adminToken", "encryptionKey", "backupPassphrase", "databaseReadonlyPassword");
        Set<String> registered = Set.copyOf(SecretGrep.registeredWithTheRedactor().stream().map(Secret::value).toList());
        assertThat(StackSecrets.SEEN.entrySet().stream().filter(e -> !registered.contains(e.getValue())).map(Map.Entry::getKey).toList())
                .as("stack secrets the Redactor does not know, so would not mask").isEmpty();

        List<Secret> secrets = new ArrayList<>();
        StackSecrets.SEEN.forEach((name, value) -> secrets.add(new Secret("the stack's secret " + name, value)));
        secrets.addAll(SecretGrep.registeredWithTheRedactor());
        SecretGrep grep = SecretGrep.of(secrets);
        assertThat(grep.secrets()).as("secrets searched: the stack's, and the tokens and canaries of the run")
                .isGreaterThan(StackSecrets.SEEN.size());

        Path target = project.resolve("target");
        Path results = target.resolve("allure-results");
        List<Path> roots = new ArrayList<>(List.of(results, target.resolve("reference-stack"), project.resolve("reports"),
                target.resolve("failsafe-reports")));
        for (String file : List.of("login-plan.txt", "requests.txt", "reference-stack.env")) {
            roots.add(target.resolve(file));
        }
        SecretGrep.Result files = grep.under(project, roots);
        List<SecretGrep.Hit> hits = new ArrayList<>(files.hits());
        hits.addAll(grep.in("the console (System.out and System.err of this JVM during the run)", console.bytes()));
        hits.addAll(grep.in("this self-test's Allure result, to be written when it ends (the suites' steps and attachments)",
                currentAllureResult()));
        outcome.results().forEach((test, result) -> hits.addAll(grep.in("the failure message and stack trace of " + test
                + ", as the report would show it", failureText(result))));

        Evidence.attach("Where secrets were searched", files.files() + " files (" + files.bytes() + " bytes) under " + roots.stream()
                .filter(Files::exists).map(p -> project.relativize(p).toString()).toList() + ", " + console.bytes().length
                + " bytes of console, this test's report-to-be and " + outcome.results().size() + " test outcomes, for "
                + grep.secrets() + " secrets (" + StackSecrets.SEEN.keySet() + " by name)\nunreadable: " + files.unreadable());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(hits).as("secrets written where a report, a log or the console shows them (the secret's name and where)")
                .isEmpty();
        softly.assertThat(files.unreadable()).as("files that could not be searched").isEmpty();
        softly.assertThat(console.text()).as("the console was captured, the log included (the run prints its login budget, the "
                + "stack logs its start)").contains("[ocmt-verify]", "Reference stack");
        softly.assertThat(attachmentsSince(results, started)).as("the run's attachments, among them the Redis settings with "
                + "requirepass masked, searched above").anyMatch(text -> text.contains("requirepass <redacted>"));
        softly.assertAll();
    }

    /** The self-test's own Allure result as it stands: the suites ran inside it, so their steps are its steps. */
    private static String currentAllureResult() {
        AtomicReference<String> json = new AtomicReference<>("");
        if (Allure.getLifecycle().getCurrentTestCase().isPresent()) {
            ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
            Allure.getLifecycle().updateTestCase(result -> {
                try {
                    json.set(mapper.writeValueAsString(result));
                } catch (IOException e) {
                    json.set("cannot serialise: " + e);
                }
            });
        }
        return json.get();
    }

    private static String failureText(TestExecutionResult result) {
        return result.getThrowable().map(t -> {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            return Objects.toString(t.getMessage(), "") + "\n" + trace;
        }).orElse("");
    }

    private static List<String> attachmentsSince(Path results, Instant since) throws IOException {
        if (!Files.isDirectory(results)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(results)) {
            List<String> texts = new ArrayList<>();
            for (Path f : files.filter(p -> p.getFileName().toString().contains("-attachment")).toList()) {
                if (Files.getLastModifiedTime(f).compareTo(FileTime.from(since)) >= 0) {
                    texts.add(Files.readString(f, StandardCharsets.UTF_8));
                }
            }
            return texts;
        }
    }

    /**
     * Runs with the suites, on their target, to read the stack's secrets by name: the grants' and the
     * stack's own. Only inside this self-test; anywhere else it is not verified.
     */
    @OcmtSuite
    static class StackSecrets {
        static final Map<String, String> SEEN = new ConcurrentHashMap<>();
        static volatile boolean collecting;

        @Test
        void collect(Target target) {
            Assumptions.assumeTrue(collecting, "runs only inside SecretsNeverWrittenSelfTestIT");
            Grants grants = target.environment().grants();
            Set<String> names = new LinkedHashSet<>(STACK_SECRETS);
            names.addAll(target.environment().secrets().keySet());
            Stream.of(grants.database().usernameSecret(), grants.database().passwordSecret(), grants.database().writerUsernameSecret(),
                    grants.database().writerPasswordSecret(), grants.redis().passwordSecret(), grants.backups().passphraseSecret(),
                    grants.mailbox().passwordSecret()).filter(Objects::nonNull).forEach(names::add);
            for (String name : names) {
                target.secrets().find(name).ifPresent(value -> SEEN.put(name, value));
            }
        }
    }

    /** System.out and System.err, still printed, and kept: what a CI log of the run would show. */
    private static final class Console {
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        static Console capture() {
            Console c = new Console();
            System.setOut(new PrintStream(new Tee(c.out, c.seen), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(c.err, c.seen), true, StandardCharsets.UTF_8));
            return c;
        }

        void restore() {
            System.out.flush();
            System.err.flush();
            System.setOut(out);
            System.setErr(err);
        }

        byte[] bytes() {
            synchronized (seen) {
                return seen.toByteArray();
            }
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (copy) {
                copy.write(b);
            }
            original.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            original.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            original.flush();
        }
    }
}
