package io.ocmt.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocmt.verify.report.SecretGrep.Hit;
import io.ocmt.verify.report.SecretGrep.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretGrepTest {

    private static final String REDIS = "9f1c2e3d4b5a69788796a5b4c3d2e1f0";
    private static final String ADMIN = "adm1n-T0ken/with+chars=";

    private static SecretGrep grep() {
        return SecretGrep.of(List.of(new Secret("redisPassword", REDIS), new Secret("adminToken", ADMIN)));
    }

    @Test
    void findsEachSecretByItsLabelAndNeverShowsTheValue() {
        List<Hit> hits = grep().in("console", "requirepass " + REDIS + "\nAuthorization: Bearer " + ADMIN + " and again " + REDIS);
        assertThat(hits).containsExactly(new Hit("console", "redisPassword"), new Hit("console", "adminToken"));
        assertThat(hits.toString()).contains("redisPassword in console").doesNotContain(REDIS).doesNotContain(ADMIN);
    }

    @Test
    void findsTheFormsASecretTakesInUrlsAndInUpperCaseHex() {
        assertThat(grep().in("url", "GET /x?t=adm1n-T0ken%2Fwith%2Bchars%3D")).extracting(Hit::label).containsExactly("adminToken");
        assertThat(grep().in("hex", "KEY=" + REDIS.toUpperCase())).extracting(Hit::label).containsExactly("redisPassword");
    }

    @Test
    void aPrefixOrAMaskedValueIsNoHit() {
        assertThat(grep().in("t", REDIS.substring(0, REDIS.length() - 1) + " requirepass <redacted> " + ADMIN.substring(1))).isEmpty();
        assertThat(grep().in("end", "ends with " + REDIS.substring(0, 10))).isEmpty();
    }

    @Test
    void findsASecretAtTheVeryStartAndTheVeryEndOfBinaryContent() {
        byte[] bin = new byte[] {0, (byte) 0xff, 10};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(REDIS.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(bin);
        b.writeBytes(ADMIN.getBytes(StandardCharsets.UTF_8));
        assertThat(grep().in("bin", b.toByteArray())).extracting(Hit::label).containsExactly("redisPassword", "adminToken");
    }

    @Test
    void valuesTooShortToSearchAreLeftOutAndAValueIsSearchedOnce() {
        SecretGrep g = SecretGrep.of(List.of(new Secret("short", "abc12"), new Secret("first", REDIS), new Secret("again", REDIS)));
        assertThat(g.secrets()).isEqualTo(1);
        assertThat(g.in("t", "abc12 " + REDIS)).containsExactly(new Hit("t", "first"));
    }

    @Test
    void searchesEveryFileUnderTheRootsAndNamesThemRelativeToTheBase(@TempDir Path base) throws IOException {
        Path results = Files.createDirectories(base.resolve("target/allure-results"));
        Path logs = Files.createDirectories(base.resolve("target/reference-stack/ab12/nested"));
        Files.writeString(results.resolve("1-attachment.txt"), "requirepass <redacted>");
        Files.writeString(results.resolve("2-attachment.txt"), "requirepass " + REDIS);
        Files.writeString(logs.resolve("server-1.log"), "INTERNAL_ADMIN_TOKEN=" + ADMIN);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(("-- dump\n" + "x".repeat(1000)).getBytes(StandardCharsets.UTF_8));
        }
        Files.write(logs.resolve("backup.sql.gz"), gz.toByteArray());

        SecretGrep.Result r = grep().under(base, List.of(results, base.resolve("target/reference-stack"), base.resolve("reports")));
        assertThat(r.files()).isEqualTo(4);
        assertThat(r.bytes()).isPositive();
        assertThat(r.unreadable()).isEmpty();
        assertThat(r.hits()).containsExactly(
                new Hit("target/allure-results/2-attachment.txt", "redisPassword"),
                new Hit("target/reference-stack/ab12/nested/server-1.log", "adminToken"));
    }

    @Test
    void aSecretInlinedBase64InASingleFileReportIsFound(@TempDir Path base) throws IOException {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        Path single = Files.createDirectories(base.resolve("reports/reference/single"));
        Files.writeString(single.resolve("index.html"), "<script defer>Promise.allSettled([\n"
                + "d('data/attachments/1.txt','" + b64.encodeToString(("requirepass " + REDIS).getBytes(StandardCharsets.UTF_8)) + "'),\n"
                + "d('data/attachments/2.txt','" + b64.encodeToString("requirepass <redacted>".getBytes(StandardCharsets.UTF_8)) + "'),\n"
                + "d('data/test-cases/3.json','" + b64.encodeToString(("{\"token\":\"" + ADMIN + "\"}").getBytes(StandardCharsets.UTF_8))
                + "'),\n]);</script>");
        // The same text outside an HTML file is left to the plain search, which cannot see it.
        Files.copy(single.resolve("index.html"), single.resolve("copy.txt"));

        SecretGrep.Result r = grep().under(base, List.of(base.resolve("reports")));
        assertThat(r.hits()).containsExactly(
                new Hit("reports/reference/single/index.html › data/attachments/1.txt", "redisPassword"),
                new Hit("reports/reference/single/index.html › data/test-cases/3.json", "adminToken"));
    }

    @Test
    void aFileThatCannotBeReadIsReportedNotSkipped(@TempDir Path base) throws IOException {
        Path secretFile = Files.writeString(base.resolve("locked.txt"), REDIS);
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("---------"));
        try {
            if (Files.isReadable(secretFile)) {
                return; // running as root: every file is readable, nothing to show
            }
            SecretGrep.Result r = grep().under(base, List.of(base));
            assertThat(r.unreadable()).containsExactly("locked.txt (access denied)");
            assertThat(r.hits()).isEmpty();
        } finally {
            Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void theRedactorsRegisteredSecretsAreLabelledWithoutTheirValues() {
        Redactor.registerSecret("grep-test-registered-1a2b3c");
        List<Secret> registered = SecretGrep.registeredWithTheRedactor();
        assertThat(registered).anyMatch(s -> s.value().equals("grep-test-registered-1a2b3c"));
        List<String> labels = new ArrayList<>();
        registered.forEach(s -> labels.add(s.toString()));
        assertThat(String.join("\n", labels)).doesNotContain("grep-test-registered-1a2b3c").contains("registered with the Redactor");
    }

    @Test
    void manySecretsAndALargeFileTakeOnePass() {
        List<Secret> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(new Secret("s" + i, String.format("secret-%08d-%s", i, Integer.toHexString(i * 7919))));
        }
        SecretGrep g = SecretGrep.of(many);
        byte[] big = ("lorem ipsum secret-0000 dolor " + "x".repeat(100)).repeat(50_000).getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        assertThat(g.in("big", big)).isEmpty();
        String leaked = "... secret-00001234-" + Integer.toHexString(1234 * 7919) + " ...";
        assertThat(g.in("leak", leaked)).containsExactly(new Hit("leak", "s1234"));
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for 6.5 MB and 2000 secrets").isLessThan(20_000);
    }
}
