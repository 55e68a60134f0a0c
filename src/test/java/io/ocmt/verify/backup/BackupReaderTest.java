package io.ocmt.verify.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupReaderTest {

    private static final String PASSPHRASE = "correct horse battery staple 42";

    @TempDir
    Path dir;

    /** A pg_dump-like script, large enough that gzip and gpg stream it in several chunks. */
    private static byte[] dump() {
        StringBuilder sql = new StringBuilder("--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE public.users (id uuid, email text);\n"
                + "ALTER TABLE public.users OWNER TO ocmt;\nCOPY public.users (id, email) FROM stdin;\n");
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 4000; i++) {
            sql.append(new java.util.UUID(r.nextLong(), r.nextLong())).append("\tuser").append(i).append("@ocmt.test\n");
        }
        sql.append("\\.\n\nGRANT SELECT ON TABLE public.users TO ocmt_readonly;\n");
        return sql.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** As gpg --symmetric --cipher-algo AES256 writes it: SKESK, then integrity-protected data in partial-length chunks. */
    private static byte[] encrypt(byte[] data, String passphrase) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PGPEncryptedDataGenerator gen = new PGPEncryptedDataGenerator(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                .setWithIntegrityPacket(true).setSecureRandom(new SecureRandom()));
        gen.addMethod(new BcPBEKeyEncryptionMethodGenerator(passphrase.toCharArray()));
        try (OutputStream enc = gen.open(out, new byte[4096])) {
            PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
            try (OutputStream lit = literal.open(enc, PGPLiteralData.BINARY, "", new Date(), new byte[4096])) {
                lit.write(data);
            }
        }
        return out.toByteArray();
    }

    private BackupFile file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return new BackupFile(p, Files.getLastModifiedTime(p).toInstant(), content.length);
    }

    @Test
    void encryptedGzippedDumpReadsBackToTheSql() throws Exception {
        byte[] sql = dump();
        BackupFile backup = file("ocmt-20260101T000000Z.sql.gz.gpg", encrypt(gzip(sql), PASSPHRASE));
        assertThat(BackupFormat.of(backup.path())).isEqualTo(BackupFormat.OPENPGP_ENCRYPTED);
        Path out = dir.resolve("out.sql");
        BackupReader.Result result = BackupReader.toSql(backup, Optional.of(PASSPHRASE), out, 1L << 30);
        assertThat(result.format()).isEqualTo(BackupFormat.OPENPGP_ENCRYPTED);
        assertThat(Files.readAllBytes(out)).isEqualTo(sql);
        assertThat(SqlDump.roles(out)).containsExactly("ocmt", "ocmt_readonly");
    }

    @Test
    void truncatedBackupIsReportedAsCorruptNamingTheFile() throws Exception {
        byte[] whole = encrypt(gzip(dump()), PASSPHRASE);
        BackupFile half = file("ocmt-half.sql.gz.gpg", Arrays.copyOf(whole, whole.length / 2));
        assertThat(BackupFormat.of(half.path()).encrypted()).as("a truncated message still looks encrypted").isTrue();
        assertThatThrownBy(() -> BackupReader.toSql(half, Optional.of(PASSPHRASE), dir.resolve("o.sql"), 1L << 30))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.kind()).isEqualTo(BackupException.Kind.CORRUPT))
                .hasMessageContaining("ocmt-half.sql.gz.gpg").hasMessageContaining("corrupt or truncated");
    }

    @Test
    void flippedByteFailsTheIntegrityCheck() throws Exception {
        byte[] whole = encrypt(gzip(dump()), PASSPHRASE);
        whole[whole.length - 30] ^= 0x01;
        BackupFile damaged = file("ocmt-flip.sql.gz.gpg", whole);
        assertThatThrownBy(() -> BackupReader.toSql(damaged, Optional.of(PASSPHRASE), dir.resolve("o.sql"), 1L << 30))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.kind()).isEqualTo(BackupException.Kind.CORRUPT))
                .hasMessageContaining("ocmt-flip.sql.gz.gpg");
    }

    @Test
    void wrongOrMissingPassphraseIsNamedWithoutTheValue() throws Exception {
        BackupFile backup = file("ocmt-x.sql.gz.gpg", encrypt(gzip(dump()), PASSPHRASE));
        assertThatThrownBy(() -> BackupReader.toSql(backup, Optional.of("not the passphrase"), dir.resolve("o.sql"), 1L << 30))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.kind()).isEqualTo(BackupException.Kind.WRONG_PASSPHRASE))
                .hasMessageNotContaining("not the passphrase");
        assertThatThrownBy(() -> BackupReader.toSql(backup, Optional.empty(), dir.resolve("o.sql"), 1L << 30))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.kind()).isEqualTo(BackupException.Kind.NO_PASSPHRASE));
    }

    @Test
    void unencryptedFormsAreRecognisedAndStillRead() throws Exception {
        byte[] sql = dump();
        BackupFile gz = file("ocmt-plain.sql.gz", gzip(sql));
        assertThat(BackupFormat.of(gz.path())).isEqualTo(BackupFormat.GZIP);
        assertThat(BackupFormat.of(gz.path()).encrypted()).isFalse();
        Path out = dir.resolve("plain.sql");
        BackupReader.toSql(gz, Optional.empty(), out, 1L << 30);
        assertThat(Files.readAllBytes(out)).isEqualTo(sql);
        assertThat(BackupFormat.of(file("ocmt-text.sql", sql).path())).isEqualTo(BackupFormat.SQL_TEXT);
    }

    @Test
    void oversizedDumpStopsAtTheLimit() throws Exception {
        BackupFile backup = file("ocmt-big.sql.gz.gpg", encrypt(gzip(dump()), PASSPHRASE));
        assertThatThrownBy(() -> BackupReader.toSql(backup, Optional.of(PASSPHRASE), dir.resolve("o.sql"), 10_000))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.kind()).isEqualTo(BackupException.Kind.TOO_LARGE));
    }

    @Test
    void readsWhatTheRealGpgWrites() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gpg")), "gpg is not installed on this machine");
        byte[] sql = dump();
        Path gz = dir.resolve("dump.sql.gz");
        Files.write(gz, gzip(sql));
        Path home = Files.createDirectory(dir.resolve("gnupg"));
        Path enc = dir.resolve("ocmt-gpg.sql.gz.gpg");
        // The backup job's exact options (reference-stack/backup/backup-lib.sh).
        Process p = new ProcessBuilder("gpg", "--homedir", home.toString(), "--batch", "--quiet", "--yes", "--no-symkey-cache",
                "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--symmetric", "--cipher-algo", "AES256",
                "--s2k-digest-algo", "SHA512", "--compress-algo", "none", "--output", enc.toString(), gz.toString())
                .redirectErrorStream(true).start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(PASSPHRASE.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent").start().waitFor(10, TimeUnit.SECONDS);
        BackupFile backup = new BackupFile(enc, Instant.now(), Files.size(enc));
        Path out = dir.resolve("gpg.sql");
        assertThat(BackupReader.toSql(backup, Optional.of(PASSPHRASE), out, 1L << 30).format()).isEqualTo(BackupFormat.OPENPGP_ENCRYPTED);
        assertThat(Files.readAllBytes(out)).isEqualTo(sql);
    }

    @Test
    void newestIsTheLastWrittenNotTheLatestName() throws Exception {
        BackupFile older = file("ocmt-20990101T000000Z.sql.gz.gpg", new byte[] {1});
        BackupFile newer = file("ocmt-20200101T000000Z.sql.gz.gpg", new byte[] {2});
        file(".ocmt-20200101T000000Z.x.tmp", new byte[] {3});
        file("notes.txt", new byte[] {4});
        Files.setLastModifiedTime(older.path(), FileTime.from(Instant.now().minusSeconds(3 * 86400)));
        Files.setLastModifiedTime(newer.path(), FileTime.from(Instant.now()));
        assertThat(BackupStore.newest(dir, "ocmt-*.sql.gz*")).map(BackupFile::name).contains("ocmt-20200101T000000Z.sql.gz.gpg");
        assertThat(BackupStore.list(dir, "ocmt-*.sql.gz*")).hasSize(2);
    }

    @Test
    void rolesOfADumpIgnoreRowData() throws IOException {
        Path sql = dir.resolve("roles.sql");
        Files.writeString(sql, """
                ALTER SCHEMA app OWNER TO \"Odd \"\"Owner\"\"\";
                ALTER DEFAULT PRIVILEGES FOR ROLE ocmt IN SCHEMA public GRANT SELECT ON TABLES TO ocmt_readonly;
                COPY public.t (a) FROM stdin;
                ALTER TABLE x OWNER TO not_a_role;
                \\.
                GRANT ALL ON SCHEMA public TO PUBLIC;
                REVOKE ALL ON TABLE public.t FROM auditor, "report writer";
                """);
        assertThat(SqlDump.roles(sql)).containsExactlyInAnyOrder("Odd \"Owner\"", "ocmt", "ocmt_readonly", "auditor", "report writer");
    }
}
