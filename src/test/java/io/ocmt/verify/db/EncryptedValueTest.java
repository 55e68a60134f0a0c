package io.ocmt.verify.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class EncryptedValueTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET = "sk-test-0123456789abcdefghijklmnop";

    /** What OCMT's encrypt() writes: v1:<iv>:<tag>:<ciphertext>, 16-byte IV, AES-256-GCM. */
    static String ocmtEncrypt(String plaintext, int ivBytes) throws Exception {
        byte[] key = new byte[32];
        byte[] iv = new byte[ivBytes];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        byte[] out = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        byte[] ct = Arrays.copyOf(out, out.length - 16);
        byte[] tag = Arrays.copyOfRange(out, out.length - 16, out.length);
        Base64.Encoder b = Base64.getEncoder();
        return "v1:" + b.encodeToString(iv) + ":" + b.encodeToString(tag) + ":" + b.encodeToString(ct);
    }

    @Test
    void ocmtsFormatPasses() throws Exception {
        String stored = ocmtEncrypt(SECRET, 16);
        assertThat(EncryptedValue.problems(stored, 16, 16, 0.75, SECRET.length())).isEmpty();
        EncryptedValue v = EncryptedValue.parse(stored).orElseThrow();
        assertThat(v.version()).isEqualTo(1);
        assertThat(v.ciphertext()).hasSize(SECRET.length());
    }

    @Test
    void plaintextIsNotTheFormatAndTheMessageNeverQuotesIt() {
        assertThat(EncryptedValue.problems(SECRET, 16, 16, 0.75, SECRET.length()))
                .singleElement().asString().contains("is not in the format").doesNotContain(SECRET);
    }

    @Test
    void wrongLengthsAreNamed() throws Exception {
        assertThat(EncryptedValue.problems(ocmtEncrypt(SECRET, 12), 16, 16, 0.75, SECRET.length()))
                .singleElement().asString().contains("12-byte IV");
        assertThat(EncryptedValue.problems(ocmtEncrypt(SECRET + "!!", 16), 16, 16, 0.75, SECRET.length()))
                .singleElement().asString().contains("ciphertext");
    }

    @Test
    void aCiphertextThatIsNotRandomIsCaught() {
        Base64.Encoder b = Base64.getEncoder();
        String fake = "v1:" + b.encodeToString(new byte[16]) + ":" + b.encodeToString(new byte[16]) + ":"
                + b.encodeToString("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.UTF_8));
        assertThat(EncryptedValue.problems(fake, 16, 16, 0.75, -1)).singleElement().asString().contains("low-entropy");
    }

    @Test
    void randomBytesScoreHighAndTextLow() {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        assertThat(Entropy.ratio(random)).isGreaterThan(0.85);
        assertThat(Entropy.ratio("the the the the the the the".getBytes(StandardCharsets.UTF_8))).isLessThan(0.6);
    }
}
