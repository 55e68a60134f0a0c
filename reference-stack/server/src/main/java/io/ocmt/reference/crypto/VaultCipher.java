package io.ocmt.reference.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * The user vault in OCMT's stored format ({@code users.vault}): a key derived from the vault
 * password with Argon2id (m=65536 KiB, t=3, p=4, 16-byte salt, 32-byte key) encrypts the vault data
 * with AES-256-GCM under a 12-byte nonce:
 *
 * <pre>{"version":1,"format":"ocmt-vault","created":..,"updated":..,
 *  "kdf":{"algorithm":"argon2id","version":19,"memory":65536,"iterations":3,"parallelism":4,"salt":b64},
 *  "encryption":{"algorithm":"aes-256-gcm","nonce":b64,"tag":b64},
 *  "recovery":{"encrypted_seed","nonce","tag","vault_nonce","vault_tag","vault_ciphertext","code_sha256"},
 *  "ciphertext":b64}</pre>
 *
 * <p>As in OCMT, a recovery seed is encrypted under the password key and a second copy of the data
 * under the seed, so the recovery code can re-key the vault without the password. OCMT derives the
 * seed from a BIP39 phrase; the reference uses a 128-bit hex code instead and keeps only its
 * SHA-256 (never the code) to reject a wrong code before any decryption.
 */
public final class VaultCipher {

    public static final int MEMORY_KIB = 65536;
    public static final int ITERATIONS = 3;
    public static final int PARALLELISM = 4;
    public static final int SALT_BYTES = 16;
    public static final int NONCE_BYTES = 12;
    public static final int KEY_BYTES = 32;
    public static final int TAG_BYTES = 16;
    public static final int ARGON2_VERSION = 19;
    public static final int MIN_PASSWORD_LENGTH = 12;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final byte[] SEED_LABEL = "ocmt-vault-recovery-seed".getBytes(StandardCharsets.UTF_8);
    /**
     * Each derivation holds 64 MiB; without a bound a burst of unlock attempts would exhaust the
     * heap long before any rate limit notices.
     */
    private static final Semaphore DERIVATIONS = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));

    private final Clock clock;

    public VaultCipher(Clock clock) {
        this.clock = clock;
    }

    /** A wrong password or recovery code; stackless because it is an expected outcome. */
    public static final class WrongSecretException extends RuntimeException {
        WrongSecretException() {
            super("Wrong secret", null, false, false);
        }
    }

    public record Created(ObjectNode vault, String recoveryCode) {
    }

    public record Unlocked(JsonNode data, byte[] key) {
    }

    /** OCMT's initial vault content. */
    public static ObjectNode emptyData() {
        ObjectNode data = MAPPER.createObjectNode();
        data.putArray("credentials");
        ObjectNode memory = data.putObject("memory");
        memory.putObject("preferences");
        memory.putArray("facts");
        data.putArray("conversations");
        data.putArray("files");
        return data;
    }

    public Created create(String password, JsonNode data) {
        String code = newRecoveryCode();
        return new Created(build(password, data, seedFor(code), Tokens.sha256Hex(normalize(code)), null), code);
    }

    /** @throws WrongSecretException when the password does not open the vault */
    public Unlocked unlock(JsonNode vault, String password) {
        JsonNode kdf = vault.path("kdf");
        byte[] key = deriveKey(password, b64(kdf.path("salt")),
                bounded(kdf.path("memory").asInt(MEMORY_KIB), 8, 1 << 20),
                bounded(kdf.path("iterations").asInt(ITERATIONS), 1, 10),
                bounded(kdf.path("parallelism").asInt(PARALLELISM), 1, 16));
        return new Unlocked(open(vault, key), key);
    }

    /** Decrypts with a key kept from an earlier unlock. @throws WrongSecretException when the key no longer fits */
    public JsonNode open(JsonNode vault, byte[] key) {
        JsonNode enc = vault.path("encryption");
        byte[] plain = decrypt(key, b64(enc.path("nonce")), b64(enc.path("tag")), b64(vault.path("ciphertext")));
        return parse(plain);
    }

    /** Re-encrypts new data under the same key (and the recovery copy under the same seed). */
    public ObjectNode update(JsonNode vault, byte[] key, JsonNode data) {
        JsonNode rec = vault.path("recovery");
        byte[] seed = decrypt(key, b64(rec.path("nonce")), b64(rec.path("tag")), b64(rec.path("encrypted_seed")));
        ObjectNode updated = vault.deepCopy();
        byte[] plain = json(data);
        Sealed main = encrypt(key, plain);
        Sealed copy = encrypt(seed, plain);
        updated.put("updated", now());
        ObjectNode enc = updated.putObject("encryption");
        enc.put("algorithm", "aes-256-gcm");
        enc.put("nonce", b64(main.nonce));
        enc.put("tag", b64(main.tag));
        ObjectNode recovery = (ObjectNode) updated.get("recovery");
        recovery.put("vault_nonce", b64(copy.nonce));
        recovery.put("vault_tag", b64(copy.tag));
        recovery.put("vault_ciphertext", b64(copy.ciphertext));
        updated.put("ciphertext", b64(main.ciphertext));
        return updated;
    }

    /**
     * A new vault under {@code newPassword} with the same data and the same recovery code.
     *
     * @throws WrongSecretException when the recovery code is not this vault's
     */
    public ObjectNode recover(JsonNode vault, String recoveryCode, String newPassword) {
        JsonNode rec = vault.path("recovery");
        String normalized = normalize(recoveryCode);
        String expected = rec.path("code_sha256").asText("");
        if (!Tokens.constantTimeEquals(expected, Tokens.sha256Hex(normalized))) {
            throw new WrongSecretException();
        }
        byte[] seed = seedFor(normalized);
        JsonNode data = parse(decrypt(seed, b64(rec.path("vault_nonce")), b64(rec.path("vault_tag")),
                b64(rec.path("vault_ciphertext"))));
        return build(newPassword, data, seed, expected, vault.path("created").asText(null));
    }

    public static byte[] deriveKey(String password, byte[] salt, int memoryKib, int iterations, int parallelism) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[KEY_BYTES];
        DERIVATIONS.acquireUninterruptibly();
        try {
            generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } finally {
            DERIVATIONS.release();
        }
        return out;
    }

    /** 128 random bits as eight groups of four hex digits, easy to copy and to read aloud. */
    static String newRecoveryCode() {
        String hex = HexFormat.of().formatHex(Tokens.randomBytes(16));
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                code.append('-');
            }
            code.append(hex, i, i + 4);
        }
        return code.toString();
    }

    /** Users retype codes with spaces, without dashes or in capitals; all spell the same code. */
    static String normalize(String code) {
        return code == null ? "" : code.replaceAll("[\\s-]", "").toLowerCase(Locale.ROOT);
    }

    /**
     * The seed must differ from the stored hash of the code, or the hash would be the key: a keyed
     * hash under a fixed label separates them.
     */
    static byte[] seedFor(String code) {
        return SecretBox.hmac(SEED_LABEL, normalize(code).getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode build(String password, JsonNode data, byte[] seed, String codeHash, String created) {
        byte[] salt = Tokens.randomBytes(SALT_BYTES);
        byte[] key = deriveKey(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM);
        byte[] plain = json(data);
        Sealed main = encrypt(key, plain);
        Sealed sealedSeed = encrypt(key, seed);
        Sealed copy = encrypt(seed, plain);
        String now = now();

        ObjectNode vault = MAPPER.createObjectNode();
        vault.put("version", 1);
        vault.put("format", "ocmt-vault");
        vault.put("created", created == null ? now : created);
        vault.put("updated", now);
        ObjectNode kdf = vault.putObject("kdf");
        kdf.put("algorithm", "argon2id");
        kdf.put("version", ARGON2_VERSION);
        kdf.put("memory", MEMORY_KIB);
        kdf.put("iterations", ITERATIONS);
        kdf.put("parallelism", PARALLELISM);
        kdf.put("salt", b64(salt));
        ObjectNode enc = vault.putObject("encryption");
        enc.put("algorithm", "aes-256-gcm");
        enc.put("nonce", b64(main.nonce));
        enc.put("tag", b64(main.tag));
        ObjectNode recovery = vault.putObject("recovery");
        recovery.put("encrypted_seed", b64(sealedSeed.ciphertext));
        recovery.put("nonce", b64(sealedSeed.nonce));
        recovery.put("tag", b64(sealedSeed.tag));
        recovery.put("vault_nonce", b64(copy.nonce));
        recovery.put("vault_tag", b64(copy.tag));
        recovery.put("vault_ciphertext", b64(copy.ciphertext));
        recovery.put("code_sha256", codeHash);
        vault.put("ciphertext", b64(main.ciphertext));
        return vault;
    }

    private record Sealed(byte[] nonce, byte[] tag, byte[] ciphertext) {
    }

    private static Sealed encrypt(byte[] key, byte[] plain) {
        byte[] nonce = Tokens.randomBytes(NONCE_BYTES);
        byte[] sealed = SecretBox.gcm(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), nonce, plain);
        int ct = sealed.length - TAG_BYTES;
        return new Sealed(nonce, Arrays.copyOfRange(sealed, ct, sealed.length), Arrays.copyOf(sealed, ct));
    }

    private static byte[] decrypt(byte[] key, byte[] nonce, byte[] tag, byte[] ciphertext) {
        if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES || tag.length != TAG_BYTES) {
            throw new WrongSecretException();
        }
        byte[] sealed = new byte[ciphertext.length + TAG_BYTES];
        System.arraycopy(ciphertext, 0, sealed, 0, ciphertext.length);
        System.arraycopy(tag, 0, sealed, ciphertext.length, TAG_BYTES);
        try {
            return SecretBox.gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), nonce, sealed);
        } catch (IllegalArgumentException e) {
            throw new WrongSecretException();
        }
    }

    private String now() {
        return ISO_MILLIS.format(Instant.now(clock));
    }

    private static int bounded(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    private static byte[] json(JsonNode data) {
        try {
            return MAPPER.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] plain) {
        try {
            return MAPPER.readTree(plain);
        } catch (IOException e) {
            throw new WrongSecretException();
        }
    }

    private static byte[] b64(JsonNode node) {
        try {
            return Base64.getDecoder().decode(node.asText(""));
        } catch (IllegalArgumentException e) {
            throw new WrongSecretException();
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
