package io.ocmt.reference.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argon2id at OCMT's real cost runs a few times here, so one vault is shared by the tests. */
class VaultCipherTest {

    static final String PASSWORD = "correct horse battery";
    static final VaultCipher CIPHER = new VaultCipher(Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));
    static VaultCipher.Created created;

    @BeforeAll
    static void create() {
        created = CIPHER.create(PASSWORD, VaultCipher.emptyData());
    }

    @Test
    void storedFormatIsOcmts() {
        ObjectNode v = created.vault();
        assertEquals(1, v.get("version").intValue());
        assertEquals("ocmt-vault", v.get("format").textValue());
        assertEquals("2026-03-01T12:00:00.000Z", v.get("created").textValue());
        JsonNode kdf = v.get("kdf");
        assertEquals("argon2id", kdf.get("algorithm").textValue());
        assertEquals(19, kdf.get("version").intValue());
        assertEquals(65536, kdf.get("memory").intValue());
        assertEquals(3, kdf.get("iterations").intValue());
        assertEquals(4, kdf.get("parallelism").intValue());
        assertEquals(16, b64(kdf.get("salt")).length);
        JsonNode enc = v.get("encryption");
        assertEquals("aes-256-gcm", enc.get("algorithm").textValue());
        assertEquals(12, b64(enc.get("nonce")).length);
        assertEquals(16, b64(enc.get("tag")).length);
        assertTrue(b64(v.get("ciphertext")).length > 0);
        JsonNode rec = v.get("recovery");
        assertEquals(32, b64(rec.get("encrypted_seed")).length, "a 32-byte seed, as OCMT's");
        assertEquals(12, b64(rec.get("nonce")).length);
        assertEquals(12, b64(rec.get("vault_nonce")).length);
        assertTrue(created.recoveryCode().matches("[0-9a-f]{4}(-[0-9a-f]{4}){7}"), created.recoveryCode());
        // Only a hash of the recovery code is kept, and nothing else of it.
        String normalized = created.recoveryCode().replace("-", "");
        assertEquals(Tokens.sha256Hex(normalized), rec.get("code_sha256").textValue());
        assertFalse(v.toString().contains(normalized));
        assertFalse(v.toString().contains(PASSWORD));
    }

    @Test
    void unlocksWithThePasswordOnly() {
        VaultCipher.Unlocked u = CIPHER.unlock(created.vault(), PASSWORD);
        assertEquals(VaultCipher.emptyData(), u.data());
        assertEquals(32, u.key().length);
        assertThrows(VaultCipher.WrongSecretException.class, () -> CIPHER.unlock(created.vault(), PASSWORD + "!"));
    }

    @Test
    void keyIsArgon2idOfPasswordAndSalt() {
        byte[] salt = b64(created.vault().get("kdf").get("salt"));
        byte[] expected = VaultCipher.deriveKey(PASSWORD, salt, 65536, 3, 4);
        assertArrayEquals(expected, CIPHER.unlock(created.vault(), PASSWORD).key());
    }

    @Test
    void argon2idMatchesTheReferenceImplementation() {
        // Known answer from the Argon2 reference implementation's test suite (phc-winner-argon2
        // src/test.c): Argon2id v19, t=2, m=65536 KiB, p=1, "password", salt "somesalt".
        byte[] key = VaultCipher.deriveKey("password", "somesalt".getBytes(), 65536, 2, 1);
        assertEquals("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7", HexFormat.of().formatHex(key));
    }

    @Test
    void updateKeepsKeyAndRecovery() {
        VaultCipher.Unlocked u = CIPHER.unlock(created.vault(), PASSWORD);
        ObjectNode data = new ObjectMapper().createObjectNode().put("note", "remember the milk");
        ObjectNode updated = CIPHER.update(created.vault(), u.key(), data);
        assertEquals(data, CIPHER.open(updated, u.key()));
        assertNotEquals(created.vault().get("ciphertext"), updated.get("ciphertext"));
        assertEquals(created.vault().get("kdf"), updated.get("kdf"));

        ObjectNode recovered = CIPHER.recover(updated, created.recoveryCode(), "a brand new password");
        assertEquals(data, CIPHER.unlock(recovered, "a brand new password").data());
        assertThrows(VaultCipher.WrongSecretException.class, () -> CIPHER.unlock(recovered, PASSWORD));
        // The old key no longer opens the re-keyed vault, so open vault sessions go stale.
        assertThrows(VaultCipher.WrongSecretException.class, () -> CIPHER.open(recovered, u.key()));
        // Same recovery code afterwards, typed in capitals and without dashes.
        ObjectNode again = CIPHER.recover(recovered, created.recoveryCode().replace("-", "").toUpperCase(), "third password!!");
        assertEquals(data, CIPHER.open(again, CIPHER.unlock(again, "third password!!").key()));
    }

    @Test
    void wrongRecoveryCodeIsRefused() {
        assertThrows(VaultCipher.WrongSecretException.class,
                () -> CIPHER.recover(created.vault(), "0000-0000-0000-0000-0000-0000-0000-0000", "whatever password"));
    }

    private static byte[] b64(JsonNode n) {
        return Base64.getDecoder().decode(n.textValue());
    }
}
