package io.ocmt.reference.crypto;

import io.ocmt.reference.ConfigurationException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Server-side secrets at rest in OCMT's format: AES-256-GCM under ENCRYPTION_KEY with a 16-byte
 * IV, written as {@code v<version>:<iv b64>:<tag b64>:<ciphertext b64>}. Reads OCMT's legacy
 * {@code <iv hex>:<tag hex>:<ciphertext hex>} as key version 0, so rows written before a rotation
 * stay readable.
 */
public final class SecretBox {

    public static final int IV_BYTES = 16;
    public static final int TAG_BYTES = 16;
    /** The reference writes v1 unless told otherwise, so a stored value shows it went through the versioned path. */
    public static final int DEFAULT_KEY_VERSION = 1;

    private static final Pattern HEX_KEY = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,3}");

    private final Map<Integer, SecretKeySpec> keys;
    private final int currentVersion;
    private final byte[] macKey;

    private SecretBox(Map<Integer, SecretKeySpec> keys, int currentVersion) {
        this.keys = Collections.unmodifiableMap(keys);
        this.currentVersion = currentVersion;
        // A separate key for MACs, so a MAC can never be confused with a ciphertext under the same key.
        this.macKey = hmac(keys.get(currentVersion).getEncoded(), "ocmt-reference-mac-key".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * ENCRYPTION_KEY (required, exactly 64 hex digits), ENCRYPTION_KEY_VERSION (default 1) and
     * ENCRYPTION_KEY_V0 .. V(n-1) for older keys that may still have to decrypt.
     *
     * @throws ConfigurationException naming the variable, never echoing a key
     */
    public static SecretBox fromEnvironment(Map<String, String> env) {
        String rawVersion = env.get("ENCRYPTION_KEY_VERSION");
        int version = DEFAULT_KEY_VERSION;
        if (rawVersion != null && !rawVersion.isBlank()) {
            if (!VERSION.matcher(rawVersion.trim()).matches()) {
                throw new ConfigurationException("ENCRYPTION_KEY_VERSION must be a whole number from 0 to 999; got: " + rawVersion);
            }
            version = Integer.parseInt(rawVersion.trim());
        }
        Map<Integer, SecretKeySpec> keys = new TreeMap<>();
        keys.put(version, key("ENCRYPTION_KEY", env.get("ENCRYPTION_KEY")));
        for (int v = 0; v < version; v++) {
            String name = "ENCRYPTION_KEY_V" + v;
            String older = env.get(name);
            if (older != null && !older.isBlank()) {
                keys.put(v, key(name, older));
            }
        }
        return new SecretBox(keys, version);
    }

    public static SecretBox of(String hexKey, int version) {
        Map<Integer, SecretKeySpec> keys = new TreeMap<>();
        keys.put(version, key("ENCRYPTION_KEY", hexKey));
        return new SecretBox(keys, version);
    }

    /** @throws ConfigurationException unless the value is exactly 64 hex digits (32 bytes) */
    public static SecretKeySpec key(String name, String hex) {
        if (hex == null || hex.isBlank()) {
            throw new ConfigurationException(name + " is required: 64 hex characters (32 random bytes), e.g. from "
                    + "`openssl rand -hex 32`");
        }
        if (!HEX_KEY.matcher(hex).matches()) {
            // Length and alphabet only: the value itself is a secret and never goes to a log.
            throw new ConfigurationException(name + " must be exactly 64 hex characters (32 bytes); got "
                    + hex.length() + " characters" + (hex.chars().allMatch(SecretBox::isHex) ? "" : " including non-hex ones"));
        }
        return new SecretKeySpec(HexFormat.of().parseHex(hex), "AES");
    }

    public int currentVersion() {
        return currentVersion;
    }

    public String encrypt(String plaintext) {
        byte[] iv = Tokens.randomBytes(IV_BYTES);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, keys.get(currentVersion), iv, plaintext.getBytes(StandardCharsets.UTF_8));
        int ctLength = sealed.length - TAG_BYTES;
        Base64.Encoder b64 = Base64.getEncoder();
        return "v" + currentVersion + ":" + b64.encodeToString(iv) + ":"
                + b64.encodeToString(Arrays.copyOfRange(sealed, ctLength, sealed.length)) + ":"
                + b64.encodeToString(Arrays.copyOf(sealed, ctLength));
    }

    /** @throws IllegalArgumentException when the value is not in either format, its key is unknown, or it was tampered with */
    public String decrypt(String stored) {
        if (stored == null) {
            throw new IllegalArgumentException("Nothing to decrypt");
        }
        String[] parts = stored.split(":", -1);
        int version;
        byte[] iv;
        byte[] tag;
        byte[] ciphertext;
        try {
            if (stored.startsWith("v")) {
                if (parts.length != 4 || !VERSION.matcher(parts[0].substring(1)).matches()) {
                    throw new IllegalArgumentException("Invalid encrypted data format");
                }
                version = Integer.parseInt(parts[0].substring(1));
                Base64.Decoder b64 = Base64.getDecoder();
                iv = b64.decode(parts[1]);
                tag = b64.decode(parts[2]);
                ciphertext = b64.decode(parts[3]);
            } else {
                if (parts.length != 3) {
                    throw new IllegalArgumentException("Invalid encrypted data format");
                }
                version = 0;
                HexFormat hex = HexFormat.of();
                iv = hex.parseHex(parts[0]);
                tag = hex.parseHex(parts[1]);
                ciphertext = hex.parseHex(parts[2]);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid encrypted data format");
        }
        SecretKeySpec key = keys.get(version);
        if (key == null) {
            throw new IllegalArgumentException("Encryption key version " + version + " not available");
        }
        if (iv.length != IV_BYTES || tag.length != TAG_BYTES) {
            throw new IllegalArgumentException("Invalid encrypted data format");
        }
        byte[] sealed = new byte[ciphertext.length + TAG_BYTES];
        System.arraycopy(ciphertext, 0, sealed, 0, ciphertext.length);
        System.arraycopy(tag, 0, sealed, ciphertext.length, TAG_BYTES);
        return new String(gcm(Cipher.DECRYPT_MODE, key, iv, sealed), StandardCharsets.UTF_8);
    }

    /** HMAC-SHA256 under a key derived from the current ENCRYPTION_KEY, e.g. for per-session CSRF tokens. */
    public byte[] mac(String label, String data) {
        return hmac(macKey, (label + "\0" + data).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK has HmacSHA256", e);
        }
    }

    static byte[] gcm(int mode, SecretKeySpec key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, iv));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("Decryption failed: wrong key or tampered data");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
