package io.ocmt.verify.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a backup file is, from its first bytes: an encrypted OpenPGP message (gpg --symmetric or to
 * a public key), or one of the forms anyone who can read the file can also read.
 */
public enum BackupFormat {
    OPENPGP_ENCRYPTED("an encrypted OpenPGP message", true),
    OPENPGP_UNENCRYPTED("an OpenPGP message that is not encrypted (literal or compressed data only)", false),
    GZIP("gzip data, not encrypted (readable with gunzip alone)", false),
    PG_DUMP_CUSTOM("a pg_dump custom-format archive, not encrypted", false),
    SQL_TEXT("plain SQL text, not encrypted", false),
    EMPTY("an empty file", false),
    UNKNOWN("data of an unknown format", false);

    private final String description;
    private final boolean encrypted;

    BackupFormat(String description, boolean encrypted) {
        this.description = description;
        this.encrypted = encrypted;
    }

    public String description() {
        return description;
    }

    public boolean encrypted() {
        return encrypted;
    }

    public static BackupFormat of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return detect(in.readNBytes(64));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    public static BackupFormat detect(byte[] head) {
        if (head.length == 0) {
            return EMPTY;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (text.startsWith("-----BEGIN PGP MESSAGE-----")) {
            // Armored: the packets are inside the base64; an armored message is almost always encrypted,
            // and the restore decodes it to be sure.
            return OPENPGP_ENCRYPTED;
        }
        int b = head[0] & 0xff;
        if (b == 0x1f && head.length > 1 && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (text.startsWith("PGDMP")) {
            return PG_DUMP_CUSTOM;
        }
        if ((b & 0x80) != 0) {
            int tag = (b & 0x40) != 0 ? b & 0x3f : (b >> 2) & 0x0f;
            return switch (tag) {
                // Session keys (public-key, symmetric) or encrypted data (SED, SEIPD, AEAD).
                case 1, 3, 9, 18, 20 -> OPENPGP_ENCRYPTED;
                // Compressed, literal, marker, one-pass signature, signature.
                case 8, 11, 10, 4, 2 -> OPENPGP_UNENCRYPTED;
                default -> UNKNOWN;
            };
        }
        long printable = text.chars().filter(c -> c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f)).count();
        return printable == text.length() ? SQL_TEXT : UNKNOWN;
    }
}
