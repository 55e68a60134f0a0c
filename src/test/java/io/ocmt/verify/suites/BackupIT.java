package io.ocmt.verify.suites;

import io.ocmt.verify.backup.BackupException;
import io.ocmt.verify.backup.BackupFile;
import io.ocmt.verify.backup.BackupFormat;
import io.ocmt.verify.backup.BackupReader;
import io.ocmt.verify.backup.BackupStore;
import io.ocmt.verify.backup.SqlDump;
import io.ocmt.verify.backup.ThrowawayPostgres;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.db.EncryptedValue;
import io.ocmt.verify.db.ReadOnlyDatabase;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Regular database backups: automated daily backups, test restore procedure, encrypt
 * backup files". The newest backup in the granted store is judged as it is: its age, its format,
 * and whether it really restores into an empty PostgreSQL with the tables and rows the live
 * database has. The restore runs in a throwaway container of the suite's own image.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.DATABASE)
@Story(Checklist.BACKUPS)
@OcmtSuite
@Tag("backup")
@DisplayName("Database backups")
public class BackupIT {

    private static final String CONTROL = "Regular database backups";

    private static BackupFile newest(Target target, Policy policy) {
        Grants.Backups grant = target.environment().grants().backups();
        return BackupStore.newest(Path.of(grant.directory()), policy.backup().filePattern()).orElseThrow(() -> new AssertionError(
                CONTROL + ": expected backups named " + policy.backup().filePattern() + " in " + grant.directory()
                        + " (grants.backups.directory), but there are none"));
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V8.1.5", url = References.ASVS_V8)
    @Description("The newest file in grants.backups.directory must be younger than policy.backup.maxAgeHours plus "
            + "slack; older means the backup job stopped. "
            + Remediation.BACKUPS)
    @Test
    @Requires(Grant.BACKUPS)
    @DisplayName("The newest backup is younger than the policy's maximum age (daily, plus slack)")
    void newestBackupIsFresh(Target target, Policy policy) {
        BackupFile backup = newest(target, policy);
        Duration age = backup.age(Instant.now());
        Duration allowed = Duration.ofHours(policy.backup().maxAgeHours()).plusMinutes(policy.backup().slackMinutes());
        Evidence.attach("Newest backup", "text/plain", backup + " written " + backup.modified() + ", " + hours(age) + " ago", ".txt");
        if (age.compareTo(allowed) > 0) {
            Findings.assertNone(List.of(new Finding(CONTROL, backup.name(), "the newest backup to be at most "
                    + policy.backup().maxAgeHours() + " h old (policy.backup.maxAgeHours, plus " + policy.backup().slackMinutes()
                    + " min slack)", "it is " + hours(age) + " old (written " + backup.modified() + "): backups have stopped")));
        }
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V8.1.6", url = References.ASVS_V8)
    @Description("The newest backup must be an OpenPGP message, not gzip or SQL anyone with access to the store can "
            + "read. "
            + Remediation.BACKUPS)
    @Test
    @Requires(Grant.BACKUPS)
    @DisplayName("The newest backup is encrypted (an OpenPGP message, not a readable dump)")
    void newestBackupIsEncrypted(Target target, Policy policy) {
        BackupFile backup = newest(target, policy);
        BackupFormat format = BackupFormat.of(backup.path());
        Evidence.attach("Newest backup format", "text/plain", backup + ": " + format.description(), ".txt");
        if (!format.encrypted()) {
            Findings.assertNone(List.of(new Finding(CONTROL, backup.name(), "an encrypted backup (an OpenPGP message, e.g. gpg --symmetric "
                    + "--cipher-algo AES256)", "it is " + format.description() + ": anyone who can read the file reads the database")));
        }
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V8.1.5", url = References.ASVS_V8)
    @Description("The newest backup must decrypt with the passphrase secret and restore into an empty PostgreSQL with "
            + "the live database's tables, similar row counts and encrypted columns still encrypted. A corrupt or "
            + "truncated file means the job writes incomplete dumps: check its log and disk space. "
            + Remediation.BACKUPS)
    @Test
    @Requires({Grant.BACKUPS, Grant.DATABASE})
    @DisplayName("The newest backup restores into an empty PostgreSQL, with the expected tables, row counts close to the live database, and secrets still encrypted")
    void newestBackupRestores(Target target, Policy policy) throws IOException {
        Policy.BackupPolicy bp = policy.backup();
        BackupFile backup = newest(target, policy);
        Optional<String> noDatabase = ReadOnlyDatabase.unavailable(target);
        NotVerified.unless(noDatabase.isEmpty(), () -> noDatabase.orElse(""));
        Map<String, Long> live;
        // Counted first, so the live database has had as little time as possible to move on from the backup.
        try (ReadOnlyDatabase db = ReadOnlyDatabase.open(target)) {
            live = db.rowCounts(bp.expectedTables());
        }
        Optional<String> passphrase = passphrase(target, backup);
        Path sql = privateTempFile();
        try {
            BackupReader.Result read;
            try {
                read = BackupReader.toSql(backup, passphrase, sql, bp.maxRestoreMegabytes() * 1024 * 1024);
            } catch (BackupException e) {
                Findings.assertNone(List.of(new Finding(CONTROL, backup.name(), "a backup that decrypts and decompresses to a dump",
                        e.getMessage() + (e.kind() == BackupException.Kind.CORRUPT ? ": this backup can never be restored" : ""))));
                return;
            }
            Evidence.attach("Backup read", "text/plain", backup + ": " + read.format().description() + ", " + read.sqlBytes()
                    + " bytes of SQL", ".txt");
            try (ThrowawayPostgres restored = ThrowawayPostgres.start(Environments.projectDir(), Duration.ofMinutes(3))) {
                List<Finding> findings = new ArrayList<>();
                ThrowawayPostgres.Outcome roles = restored.createRoles(SqlDump.roles(sql));
                ThrowawayPostgres.Outcome outcome = roles.ok() ? restored.restore(sql, Duration.ofSeconds(bp.restoreTimeoutSeconds())) : roles;
                if (!outcome.ok()) {
                    Findings.assertNone(List.of(new Finding(CONTROL, backup.name(), "the dump to restore into an empty PostgreSQL in one transaction",
                            "the restore failed: " + outcome.stderr())));
                    return;
                }
                try (ReadOnlyDatabase copy = ReadOnlyDatabase.open(restored.jdbcUrl(), ThrowawayPostgres.USER, restored.password())) {
                    compareTables(backup, bp, live, copy.rowCounts(bp.expectedTables()), findings);
                    stillEncrypted(backup, policy.encryption(), copy, findings);
                }
                Findings.assertNone(findings);
            }
        } finally {
            Files.deleteIfExists(sql);
        }
    }

    /** The passphrase the environment grants; only an encrypted backup needs one, and its absence is a skip, not a verdict. */
    private static Optional<String> passphrase(Target target, BackupFile backup) {
        String secret = target.environment().grants().backups().passphraseSecret();
        Optional<String> value = secret == null ? Optional.empty() : target.secrets().find(secret);
        if (BackupFormat.of(backup.path()).encrypted()) {
            NotVerified.unless(value.isPresent(), () -> "Not verified: " + backup.name() + " is encrypted and environment '"
                    + target.name() + "' grants no passphrase (grants.backups.passphraseSecret"
                    + (secret == null ? " is not set)" : " names secret '" + secret + "', which is not set)"));
        }
        return value;
    }

    private static void compareTables(BackupFile backup, Policy.BackupPolicy bp, Map<String, Long> live, Map<String, Long> restored,
                                      List<Finding> findings) {
        StringBuilder table = new StringBuilder("table: live / restored\n");
        for (String name : bp.expectedTables()) {
            Long l = live.get(name);
            Long r = restored.get(name);
            table.append(name).append(": ").append(l == null ? "missing" : l).append(" / ").append(r == null ? "missing" : r).append('\n');
            if (r == null) {
                findings.add(new Finding(CONTROL, backup.name(), "table " + name + " in the restored copy (policy.backup.expectedTables)",
                        "the restored copy has no table " + name));
                continue;
            }
            if (l == null) {
                findings.add(new Finding(CONTROL, name, "table " + name + " in the live database, to compare with",
                        "the live database has no table " + name + " the granted role can see"));
                continue;
            }
            long tolerance = Math.max(bp.rowCountToleranceRows(), l * bp.rowCountTolerancePercent() / 100);
            if (Math.abs(l - r) > tolerance) {
                findings.add(new Finding(CONTROL, backup.name() + " table " + name, "a row count within " + tolerance + " of the live "
                        + l + " (policy.backup.rowCountTolerancePercent/Rows)", "the restored copy has " + r + " rows"));
            }
        }
        Evidence.attach("Row counts", "text/plain", table.toString(), ".txt");
    }

    /** A backup is only as safe as its weakest copy: the columns encrypted live must still be ciphertext in the dump. */
    private static void stillEncrypted(BackupFile backup, Policy.EncryptionPolicy enc, ReadOnlyDatabase copy, List<Finding> findings) {
        StringBuilder judged = new StringBuilder();
        for (String column : enc.encryptedColumns()) {
            List<String> values = copy.values(column, 1000);
            judged.append(column).append(": ").append(values.size()).append(" values\n");
            long bad = values.stream().filter(v -> !EncryptedValue.problems(v, enc.ivBytes(), enc.tagBytes(), enc.minCiphertextEntropyRatio(), -1)
                    .isEmpty()).count();
            if (bad > 0) {
                String example = values.stream().map(v -> EncryptedValue.problems(v, enc.ivBytes(), enc.tagBytes(),
                        enc.minCiphertextEntropyRatio(), -1)).filter(p -> !p.isEmpty()).findFirst().map(p -> String.join("; ", p)).orElse("");
                findings.add(new Finding(CONTROL, backup.name() + " column " + column, "every value in OCMT's encrypted format in the restored copy",
                        bad + " of " + values.size() + " values are not (e.g. one " + example + ")"));
            }
        }
        List<String> vaults = copy.values(enc.vaultColumn(), 1000);
        judged.append(enc.vaultColumn()).append(": ").append(vaults.size()).append(" values\n");
        List<String> openVaults = vaults.stream().filter(v -> !v.contains("\"ciphertext\"") || !v.contains("\"ocmt-vault\""))
                .collect(Collectors.toList());
        if (!openVaults.isEmpty()) {
            findings.add(new Finding(CONTROL, backup.name() + " column " + enc.vaultColumn(), "every vault in OCMT's encrypted vault format",
                    openVaults.size() + " of " + vaults.size() + " are not"));
        }
        Evidence.attach("Encrypted columns in the restored copy", "text/plain", judged.toString(), ".txt");
    }

    /** The decrypted dump holds the whole database: readable by this user alone, and deleted after the test. */
    private static Path privateTempFile() {
        try {
            return Files.createTempFile("ocmt-restore-", ".sql",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hours(Duration d) {
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }
}
