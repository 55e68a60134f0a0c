package io.ocmt.reference.crypto;

import io.ocmt.reference.ConfigurationException;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {

    static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    static final String OTHER_KEY = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

    @Test
    void writesV1WithA16ByteIvAnd16ByteTag() {
        SecretBox box = SecretBox.fromEnvironment(Map.of("ENCRYPTION_KEY", KEY));
        String stored = box.encrypt("sk-test-123");
        String[] parts = stored.split(":");
        assertEquals(4, parts.length, stored);
        assertEquals("v1", parts[0]);
        assertEquals(16, Base64.getDecoder().decode(parts[1]).length);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        // GCM adds no padding: the ciphertext is as long as the UTF-8 plaintext.
        assertEquals("sk-test-123".length(), Base64.getDecoder().decode(parts[3]).length);
        assertFalse(stored.contains("sk-test-123"));
    }

    @Test
    void roundTripsAndUsesAFreshIvEachTime() {
        SecretBox box = SecretBox.of(KEY, 1);
        String a = box.encrypt("päßwörd ✓");
        String b = box.encrypt("päßwörd ✓");
        assertNotEquals(a, b);
        assertEquals("päßwörd ✓", box.decrypt(a));
        assertEquals("päßwörd ✓", box.decrypt(b));
        assertEquals("", box.decrypt(box.encrypt("")));
    }

    @Test
    void decryptsWhatNodeWouldWrite() throws Exception {
        // Built by hand with the JDK, laid out as OCMT's encrypt(): v1:iv:tag:ciphertext, base64.
        byte[] iv = new byte[16];
        Arrays.fill(iv, (byte) 7);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HexFormat.of().parseHex(KEY), "AES"), new GCMParameterSpec(128, iv));
        byte[] sealed = c.doFinal("hello".getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b64 = Base64.getEncoder();
        String stored = "v1:" + b64.encodeToString(iv) + ":" + b64.encodeToString(Arrays.copyOfRange(sealed, 5, 21))
                + ":" + b64.encodeToString(Arrays.copyOf(sealed, 5));
        assertEquals("hello", SecretBox.of(KEY, 1).decrypt(stored));

        // The legacy hex layout without a version is key version 0.
        HexFormat hex = HexFormat.of();
        String legacy = hex.formatHex(iv) + ":" + hex.formatHex(Arrays.copyOfRange(sealed, 5, 21)) + ":"
                + hex.formatHex(Arrays.copyOf(sealed, 5));
        SecretBox rotated = SecretBox.fromEnvironment(Map.of("ENCRYPTION_KEY", OTHER_KEY,
                "ENCRYPTION_KEY_VERSION", "1", "ENCRYPTION_KEY_V0", KEY));
        assertEquals("hello", rotated.decrypt(legacy));
        assertTrue(rotated.encrypt("x").startsWith("v1:"));
    }

    @Test
    void rejectsTamperingAndWrongKeys() {
        SecretBox box = SecretBox.of(KEY, 1);
        String stored = box.encrypt("top secret");
        String[] p = stored.split(":");
        byte[] ct = Base64.getDecoder().decode(p[3]);
        ct[0] ^= 1;
        String tampered = p[0] + ":" + p[1] + ":" + p[2] + ":" + Base64.getEncoder().encodeToString(ct);
        assertThrows(IllegalArgumentException.class, () -> box.decrypt(tampered));
        assertThrows(IllegalArgumentException.class, () -> SecretBox.of(OTHER_KEY, 1).decrypt(stored));
        assertThrows(IllegalArgumentException.class, () -> SecretBox.of(KEY, 2).decrypt(stored), "unknown version");
        assertThrows(IllegalArgumentException.class, () -> box.decrypt("plaintext-api-key"));
        assertThrows(IllegalArgumentException.class, () -> box.decrypt("v1:!!:??:.."));
    }

    @Test
    void refusesKeysThatAreNot64HexCharacters() {
        for (String bad : new String[] {"", "abc", KEY.substring(1), KEY + "0", KEY.replace('a', 'g'),
                "0123456789012345678901234567890123456789012345678901234567890123456789"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> SecretBox.fromEnvironment(Map.of("ENCRYPTION_KEY", bad)), bad);
            assertTrue(e.getMessage().contains("ENCRYPTION_KEY"), e.getMessage());
            if (!bad.isEmpty()) {
                assertFalse(e.getMessage().contains(bad), "the key must never be echoed: " + e.getMessage());
            }
        }
        assertThrows(ConfigurationException.class, () -> SecretBox.fromEnvironment(Map.of()));
        assertThrows(ConfigurationException.class,
                () -> SecretBox.fromEnvironment(Map.of("ENCRYPTION_KEY", KEY, "ENCRYPTION_KEY_VERSION", "x")));
        assertEquals(0, SecretBox.fromEnvironment(Map.of("ENCRYPTION_KEY", KEY.toUpperCase(), "ENCRYPTION_KEY_VERSION", "0"))
                .currentVersion());
    }

    @Test
    void macsDependOnLabelDataAndKey() {
        SecretBox box = SecretBox.of(KEY, 1);
        assertEquals(32, box.mac("xsrf", "t").length);
        assertTrue(Arrays.equals(box.mac("xsrf", "t"), box.mac("xsrf", "t")));
        assertFalse(Arrays.equals(box.mac("xsrf", "t"), box.mac("xsrf", "u")));
        assertFalse(Arrays.equals(box.mac("xsrf", "t"), box.mac("other", "t")));
        assertFalse(Arrays.equals(box.mac("xsrf", "t"), SecretBox.of(OTHER_KEY, 1).mac("xsrf", "t")));
    }
}
