package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;

import io.ocmt.verify.suites.BackupIT;
import io.ocmt.verify.suites.DataStoreIT;
import io.ocmt.verify.suites.SecretsAtRestIT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each data-at-rest control broken alone (on the server, the backup job, Redis or PostgreSQL) fails
 * exactly the check for it, and the failure names where: the column, the file, the setting.
 */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: secrets at rest, backups and data stores fail when the control is broken")
class DataAtRestSelfTestIT {

    @Test
    void secretsInPlaintext() {
        assertThat(run(SecretsAtRestIT.class, "secrets-plaintext")).failedOnly("canaryIsEncryptedAtRest")
                .withMessage("canaryIsEncryptedAtRest", "user_integrations.api_key_encrypted", "the integration canary (as is) is there",
                        "is not in the format v<n>");
    }

    @Test
    void rawTokensInTheDatabase() {
        assertThat(run(SecretsAtRestIT.class, "session-tokens-raw")).failedOnly("tokensAreStoredHashed")
                .withMessage("tokensAreStoredHashed", "sessions.token", "the raw session token (as is) is there",
                        "magic_links.token", "the raw magic-link token (as is) is there");
    }

    @Test
    void staleBackup() {
        assertThat(run(BackupIT.class, "backup-stale")).failedOnly("newestBackupIsFresh")
                .withMessage("newestBackupIsFresh", "it is 72 h", "at most 24 h old", "backups have stopped");
    }

    @Test
    void unencryptedBackup() {
        assertThat(run(BackupIT.class, "backup-unencrypted")).failedOnly("newestBackupIsEncrypted")
                .withMessage("newestBackupIsEncrypted", ".sql.gz", "gzip data, not encrypted");
    }

    @Test
    void corruptBackup() {
        assertThat(run(BackupIT.class, "backup-corrupt")).failedOnly("newestBackupRestores")
                .withMessage("newestBackupRestores", ".sql.gz.gpg is corrupt or truncated", "can never be restored");
    }

    @Test
    void redisWithoutPassword() {
        assertThat(run(DataStoreIT.class, "redis-no-password")).failedOnly("redisRequiresPassword")
                .withMessage("redisRequiresPassword", "NOAUTH", "PONG");
    }

    @Test
    void postgresWithoutTls() {
        assertThat(run(DataStoreIT.class, "postgres-plaintext")).failedOnly("postgresRefusesPlaintext")
                .withMessage("postgresRefusesPlaintext", "sslmode=disable", "SCRAM");
    }
}
