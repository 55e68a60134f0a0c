package io.ocmt.verify.backup;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBEDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * Turns a backup back into the SQL dump it was made from: OpenPGP decryption with the passphrase
 * the environment grants (gpg --symmetric, as OCMT's backup job writes), then gunzip. Everything is
 * streamed, the integrity check (MDC) is verified after the last byte, and the output is capped, so
 * a damaged or oversized backup ends in a {@link BackupException} that says which, never in a
 * half-restored database.
 */
public final class BackupReader {

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private BackupReader() {
    }

    /** What was read: the backup's form and the size of the SQL written. */
    public record Result(BackupFormat format, long sqlBytes) {
    }

    /**
     * Writes the SQL text of {@code backup} to {@code sqlOut}.
     *
     * @param passphrase needed only when the backup is encrypted
     * @param maxBytes   the most SQL the caller will take
     */
    public static Result toSql(BackupFile backup, Optional<String> passphrase, Path sqlOut, long maxBytes)
            throws BackupException {
        BackupFormat format = BackupFormat.of(backup.path());
        String name = backup.name();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(backup.path()));
             OutputStream out = Files.newOutputStream(sqlOut)) {
            long written = switch (format) {
                case OPENPGP_ENCRYPTED, OPENPGP_UNENCRYPTED -> fromOpenPgp(name, file, passphrase, out, maxBytes);
                case GZIP, SQL_TEXT -> copyMaybeGzip(name, file, out, maxBytes);
                case EMPTY -> throw new BackupException(BackupException.Kind.CORRUPT, name + " is empty (0 bytes)");
                case PG_DUMP_CUSTOM -> throw new BackupException(BackupException.Kind.UNSUPPORTED,
                        name + " is a pg_dump custom-format archive; the suite restores plain SQL dumps");
                case UNKNOWN -> throw new BackupException(BackupException.Kind.CORRUPT,
                        name + " is neither an OpenPGP message, gzip nor SQL text: it is corrupt or not a backup");
            };
            return new Result(format, written);
        } catch (IOException e) {
            throw new BackupException(BackupException.Kind.CORRUPT, name + " is corrupt or truncated: " + reason(e), e);
        }
    }

    private static long fromOpenPgp(String name, InputStream file, Optional<String> passphrase, OutputStream out, long maxBytes)
            throws IOException, BackupException {
        BcPGPObjectFactory factory = new BcPGPObjectFactory(PGPUtil.getDecoderStream(file));
        Object first = next(factory, name);
        while (first instanceof PGPMarker) {
            first = next(factory, name);
        }
        if (!(first instanceof PGPEncryptedDataList list)) {
            // Compressed or literal data with no encryption around it: read it, the format check reports it.
            return fromPlainPackets(name, first, out, maxBytes);
        }
        PGPPBEEncryptedData pbe = null;
        for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext(); ) {
            PGPEncryptedData d = it.next();
            if (d instanceof PGPPBEEncryptedData p) {
                pbe = p;
                break;
            }
        }
        if (pbe == null) {
            throw new BackupException(BackupException.Kind.UNSUPPORTED, name
                    + " is encrypted to a public key only; the suite restores backups encrypted with a passphrase (gpg --symmetric)");
        }
        if (passphrase.isEmpty()) {
            throw new BackupException(BackupException.Kind.NO_PASSPHRASE, name + " is encrypted and the environment grants no passphrase");
        }
        InputStream clear;
        try {
            clear = pbe.getDataStream(new BcPBEDataDecryptorFactory(passphrase.get().toCharArray(), new BcPGPDigestCalculatorProvider()));
        } catch (PGPException e) {
            // A wrong passphrase yields a wrong key, which shows as a failed quick check or as garbage
            // where the session key's algorithm should be: the two cannot be told apart from damage there.
            throw new BackupException(BackupException.Kind.WRONG_PASSPHRASE, name
                    + " does not decrypt with the granted passphrase (a wrong passphrase, or a file damaged at its start: "
                    + e.getMessage() + ")", e);
        }
        long written;
        try {
            written = fromPlainPackets(name, next(new BcPGPObjectFactory(clear), name), out, maxBytes);
            // The modification detection code is checked only once every byte has been read.
            if (pbe.isIntegrityProtected() && !pbe.verify()) {
                throw new BackupException(BackupException.Kind.CORRUPT, name + " is corrupt: its integrity check (MDC) fails");
            }
        } catch (PGPException e) {
            throw new BackupException(BackupException.Kind.CORRUPT, name + " is corrupt or truncated: " + e.getMessage(), e);
        }
        return written;
    }

    private static long fromPlainPackets(String name, Object packet, OutputStream out, long maxBytes)
            throws IOException, BackupException {
        Object p = packet;
        try {
            if (p instanceof PGPCompressedData compressed) {
                p = next(new BcPGPObjectFactory(compressed.getDataStream()), name);
            }
        } catch (PGPException e) {
            throw new BackupException(BackupException.Kind.CORRUPT, name + " is corrupt: " + e.getMessage(), e);
        }
        if (!(p instanceof PGPLiteralData literal)) {
            throw new BackupException(BackupException.Kind.CORRUPT, name + " holds no data packet where the dump should be ("
                    + (p == null ? "nothing" : p.getClass().getSimpleName()) + ")");
        }
        return copyMaybeGzip(name, literal.getInputStream(), out, maxBytes);
    }

    private static Object next(BcPGPObjectFactory factory, String name) throws IOException, BackupException {
        Object o = factory.nextObject();
        if (o == null) {
            throw new BackupException(BackupException.Kind.CORRUPT, name + " is truncated: it ends before the data it announces");
        }
        return o;
    }

    /** Copies {@code in} to {@code out}, gunzipping it first when it starts with gzip's magic bytes. */
    private static long copyMaybeGzip(String name, InputStream in, OutputStream out, long maxBytes) throws IOException, BackupException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        int a = buffered.read();
        int b = buffered.read();
        buffered.reset();
        InputStream data = a == GZIP_MAGIC_1 && b == GZIP_MAGIC_2 ? new GZIPInputStream(buffered, 64 * 1024) : buffered;
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = data.read(buf)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new BackupException(BackupException.Kind.TOO_LARGE, name + " holds more than " + maxBytes / (1024 * 1024)
                        + " MB of SQL, the most policy.backup.maxRestoreMegabytes lets the suite restore");
            }
            out.write(buf, 0, n);
        }
        return total;
    }

    private static String reason(IOException e) {
        if (e instanceof EOFException) {
            return "it ends early (" + e.getMessage() + ")";
        }
        if (e instanceof ZipException) {
            return "its compressed data is damaged (" + e.getMessage() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
