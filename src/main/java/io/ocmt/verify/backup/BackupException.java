package io.ocmt.verify.backup;

/**
 * A backup that cannot be turned back into a database dump, with the reason in words a release
 * manager can act on. Never carries a passphrase or the backup's content.
 */
public final class BackupException extends Exception {

    /** Why a backup could not be read. */
    public enum Kind {
        /** The file is damaged or cut short: it can never be restored. */
        CORRUPT,
        /** The passphrase the environment grants does not open it (or the file is damaged at its start). */
        WRONG_PASSPHRASE,
        /** It is encrypted and the environment grants no passphrase. */
        NO_PASSPHRASE,
        /** Decompressed, it is larger than the policy lets the suite restore. */
        TOO_LARGE,
        /** Not a form the suite can restore (e.g. a custom-format archive). */
        UNSUPPORTED
    }

    private final Kind kind;

    public BackupException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public BackupException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
