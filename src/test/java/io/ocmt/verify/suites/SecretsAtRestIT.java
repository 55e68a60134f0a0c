package io.ocmt.verify.suites;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.Spends;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.db.Column;
import io.ocmt.verify.db.EncryptedValue;
import io.ocmt.verify.db.KeyStrength;
import io.ocmt.verify.db.Needles;
import io.ocmt.verify.db.ReadOnlyDatabase;
import io.ocmt.verify.db.TokenHash;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.junit.SharedLogin;
import io.ocmt.verify.mail.MagicLink;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Test encryption: secrets stored encrypted, decryption works correctly" and "Generate
 * and store ENCRYPTION_KEY": a canary stored through the public API is nowhere in the database in
 * clear, hex or base64, sits in OCMT's AES-256-GCM format and reads back through the API; tokens
 * are kept only as SHA-256; the key is 64 random hex characters. The grants are per test, so an
 * environment that grants the key but no database still has the key judged.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.ENCRYPTION)
@OcmtSuite
@Tag("encryption")
@DisplayName("Secrets at rest")
public class SecretsAtRestIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTROL = "Secrets encrypted at rest";
    private static final String TOKENS = "Tokens stored as SHA-256";

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.SECRETS_ENCRYPTED)
    @Link(name = "ASVS 4.0.3 V6 Stored Cryptography", url = References.ASVS_V6)
    @Description("A canary stored through the API must be in no column in clear, hex or base64, sit in "
            + "user_integrations.api_key_encrypted as v<n>:<iv>:<tag>:<ciphertext> (AES-256-GCM, 16-byte IV and "
            + "tag), and read back. "
            + Remediation.SECRETS_AT_REST)
    @Test
    @Requires({Grant.DATABASE, Grant.MAILBOX})
    @Spends(logins = 1, verifications = 1)
    @DisplayName("A canary stored through the API is in no column in clear, hex or base64, is AES-256-GCM in OCMT's format, and reads back")
    void canaryIsEncryptedAtRest(AuthClient auth, Target target, Policy policy) {
        Policy.EncryptionPolicy enc = policy.encryption();
        assumeDatabase(target);
        String canary = "ocmt-canary-" + random(16);
        String vaultCanary = "ocmt-vault-canary-" + random(16);
        String vaultPassword = "ocmt-verify-" + random(12);
        List.of(canary, vaultCanary, vaultPassword).forEach(Redactor::registerSecret);
        Session session = auth.login(auth.newIdentity("canary"));
        Map<String, String> headers = json(auth.credentials(session));

        Exchange created = auth.send("POST", "/api/integrations", headers,
                body(Map.of("provider", "ocmt-verify-" + random(4), "apiKey", canary)));
        assertThat(created.status()).as("storing the canary as an integration API key: %s", created.describe()).isEqualTo(201);
        String id = auth.json(created).path("id").asText();
        List<Finding> findings = new ArrayList<>();
        Optional<String> vaultSession = Optional.empty();
        try {
            vaultSession = storeInVault(auth, headers, vaultPassword, vaultCanary, findings);
            try (ReadOnlyDatabase db = ReadOnlyDatabase.open(target).queryTimeout(enc.scanTimeoutSeconds())) {
                scanFor(db, Needles.of("the integration canary", canary).and(Needles.of("the vault canary", vaultCanary)), CONTROL,
                        "a secret stored through the API to be in no column in clear, hex or base64", findings);
                judgeStoredCanary(db, enc, id, canary, findings);
            }
            Exchange read = auth.send("GET", "/api/integrations/" + id, headers, null);
            if (read.status() != 200 || !canary.equals(auth.json(read).path("apiKey").asText())) {
                findings.add(new Finding(CONTROL, read.describe(), "the API to return the stored canary (decryption works)",
                        read.status() == 200 ? "it returned a different apiKey" : "it answered " + read.status()));
            }
        } finally {
            cleanUp(auth, headers, id, vaultSession).ifPresent(findings::add);
        }
        Findings.assertNone(findings);
    }

    /** Sets up the test user's vault and stores the vault canary in it; the vault session, for cleanup. */
    private static Optional<String> storeInVault(AuthClient auth, Map<String, String> headers, String password, String canary,
                                                 List<Finding> findings) {
        Exchange setup = auth.send("POST", "/api/vault/setup", headers, body(Map.of("password", password)));
        Exchange unlock = setup.status() == 200
                ? auth.send("POST", "/api/vault/unlock", headers, body(Map.of("password", password))) : setup;
        String token = unlock.status() == 200 ? auth.json(unlock).path("vaultSessionToken").asText("") : "";
        if (token.isEmpty()) {
            findings.add(new Finding(CONTROL, unlock.describe(), "a fresh user's vault to set up and unlock, so vault data can be judged",
                    "it answered " + unlock.status()));
            return Optional.empty();
        }
        Redactor.registerSecret(token);
        Map<String, String> vault = new HashMap<>(headers);
        vault.put("X-Vault-Session", token);
        ObjectNode data = JSON.createObjectNode();
        data.putObject("data").put("note", canary);
        Exchange put = auth.send("PUT", "/api/vault/data", vault, data.toString());
        if (put.status() != 200) {
            findings.add(new Finding(CONTROL, put.describe(), "vault data to be stored", "it answered " + put.status()));
        }
        return Optional.of(token);
    }

    private static void judgeStoredCanary(ReadOnlyDatabase db, Policy.EncryptionPolicy enc, String id, String canary,
                                          List<Finding> findings) {
        Optional<String> stored = db.valueWhere(enc.canaryColumn(), "id", id);
        if (stored.isEmpty()) {
            findings.add(new Finding(CONTROL, enc.canaryColumn(), "the row of integration " + id + " (policy.encryption.canaryColumn)",
                    "there is no such row"));
            return;
        }
        List<String> problems = EncryptedValue.problems(stored.get(), enc.ivBytes(), enc.tagBytes(), enc.minCiphertextEntropyRatio(),
                canary.getBytes(StandardCharsets.UTF_8).length);
        problems.forEach(p -> findings.add(new Finding(CONTROL, enc.canaryColumn() + " of integration " + id,
                "v<n>:<iv b64>:<tag b64>:<ciphertext b64>, AES-256-GCM with a " + enc.ivBytes() + "-byte IV and a " + enc.tagBytes()
                        + "-byte tag", "the stored value " + p)));
        Evidence.attach("Stored canary, shape only", "text/plain", problems.isEmpty()
                ? "OCMT's format: " + EncryptedValue.parse(stored.get()).map(v -> "v" + v.version() + ", IV " + v.iv().length
                + " bytes, tag " + v.tag().length + " bytes, ciphertext " + v.ciphertext().length + " bytes").orElse("")
                : String.join("\n", problems), ".txt");
    }

    /** Every text, bytea and JSON column of every table, for every form of the needles. */
    private static void scanFor(ReadOnlyDatabase db, Needles needles, String control, String expected, List<Finding> findings) {
        for (String table : db.unreadableTables()) {
            findings.add(new Finding(control, table, "the granted role to read every table, so that every column can be searched",
                    "it may not read " + table + ": that table was not searched"));
        }
        List<Column> columns = db.textColumns();
        List<ReadOnlyDatabase.Hit> hits = db.scan(columns, needles);
        Evidence.attach("Columns searched", "text/plain", columns.size() + " columns on " + db.description() + ":\n"
                + columns.stream().map(c -> c.qualified() + " (" + c.dataType() + ")").collect(Collectors.joining("\n")), ".txt");
        for (ReadOnlyDatabase.Hit hit : hits) {
            findings.add(new Finding(control, hit.column().qualified(), expected, hit.needle() + " is there in "
                    + hit.rows() + (hit.rows() == 1 ? " row" : " rows")));
        }
    }

    /** Removes the canaries; a refused deletion is a finding too, since the API must be able to remove a secret. */
    private static Optional<Finding> cleanUp(AuthClient auth, Map<String, String> headers, String id, Optional<String> vaultSession) {
        Exchange deleted = auth.send("DELETE", "/api/integrations/" + id, headers, null);
        vaultSession.ifPresent(token -> {
            Map<String, String> vault = new HashMap<>(headers);
            vault.put("X-Vault-Session", token);
            // OCMT has no vault deletion: the canary is overwritten, then the vault session ended.
            auth.send("PUT", "/api/vault/data", vault, "{\"data\":{}}");
            auth.send("POST", "/api/vault/lock", vault, null);
        });
        return deleted.status() == 200 ? Optional.empty()
                : Optional.of(new Finding(CONTROL, deleted.describe(), "the canary integration to be deleted", "it answered " + deleted.status()));
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.SECRETS_ENCRYPTED)
    @Link(name = "ASVS 4.0.3 V3 Session Management", url = References.ASVS_V3)
    @Description("A fresh login's session and magic-link tokens must appear in the database only as their SHA-256 hex "
            + "(sessions.token, magic_links.token), so a database read does not yield live sessions. Fix: hash "
            + "before insert and on lookup; then delete the raw rows, which logs everyone out.")
    @Test
    @Requires({Grant.DATABASE, Grant.MAILBOX})
    @DisplayName("Session and magic-link tokens are stored only as their SHA-256, never raw")
    void tokensAreStoredHashed(@SharedLogin Session session, Target target, Policy policy) {
        Policy.EncryptionPolicy enc = policy.encryption();
        assumeDatabase(target);
        // The run's shared session and the link that issued it: live, and known only to this run.
        MagicLink link = session.link();
        Map<String, String> raw = Map.of("session", session.token(), "magicLink", link.token());
        List<Finding> findings = new ArrayList<>();
        try (ReadOnlyDatabase db = ReadOnlyDatabase.open(target).queryTimeout(enc.scanTimeoutSeconds())) {
            scanFor(db, Needles.of("the raw session token", session.token()).and(Needles.of("the raw magic-link token", link.token())),
                    TOKENS, "tokens to be stored only as their SHA-256", findings);
            enc.hashedTokenColumns().forEach((kind, column) -> {
                String token = raw.get(kind);
                if (token == null) {
                    throw new IllegalArgumentException("policy.encryption.hashedTokenColumns has an unknown kind '" + kind
                            + "'; known: " + raw.keySet());
                }
                long rows = db.countEqual(column, TokenHash.sha256Hex(token));
                if (rows != 1) {
                    findings.add(new Finding(TOKENS, column, "exactly one row holding the SHA-256 hex of the "
                            + (kind.equals("magicLink") ? "magic-link" : kind) + " token just issued",
                            rows + " rows hold it"));
                }
            });
        }
        Findings.assertNone(findings);
    }

    @Severity(SeverityLevel.BLOCKER)
    @Story(Checklist.KEY_FORMAT)
    @Link(name = "ASVS 4.0.3 V6 Stored Cryptography", url = References.ASVS_V6)
    @Description("ENCRYPTION_KEY must be exactly 64 hex characters, random, not a pattern or derived from a password. "
            + "Fix: generate `openssl rand -hex 32`, store it in the secrets manager, and rotate with "
            + "ENCRYPTION_KEY_VERSION and ENCRYPTION_KEY_V<n> so old rows still decrypt.")
    @Test
    @DisplayName("ENCRYPTION_KEY is exactly 64 hex characters and not low-entropy")
    void encryptionKeyIsStrong(Target target, Policy policy) {
        Optional<String> key = target.secrets().find("encryptionKey");
        NotVerified.unless(key.isPresent(), () -> "Not verified: environment '" + target.name()
                + "' grants no secret encryptionKey (secrets.encryptionKey names the variable that holds ENCRYPTION_KEY)");
        List<String> problems = KeyStrength.problems(key.get(), policy.encryption().keyMinEntropyPerHexChar());
        Findings.assertNone(problems.stream().map(p -> new Finding("ENCRYPTION_KEY", "secret encryptionKey",
                "64 hex characters from a cryptographic random source (crypto.randomBytes(32))", "the key " + p)).toList());
    }

    /** Before any login, so a database the run cannot open costs no session. */
    private static void assumeDatabase(Target target) {
        Optional<String> reason = ReadOnlyDatabase.unavailable(target);
        NotVerified.unless(reason.isEmpty(), () -> reason.orElse(""));
    }

    private static Map<String, String> json(Map<String, String> credentials) {
        Map<String, String> h = new HashMap<>(credentials);
        h.put("Content-Type", "application/json");
        return h;
    }

    private static String body(Map<String, String> fields) {
        ObjectNode node = JSON.createObjectNode();
        fields.forEach(node::put);
        return node.toString();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
