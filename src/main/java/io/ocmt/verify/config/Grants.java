package io.ocmt.verify.config;

/**
 * What an environment lets the suite touch besides the public HTTPS interface. Secret values are
 * never here: the {@code *Secret} fields name keys of {@code secrets:}.
 *
 * @param destructive whether tests may use up the runner's rate-limit budget or lock accounts out
 */
public record Grants(boolean destructive, Mailbox mailbox, Database database, Backups backups, Redis redis,
                     Postgres postgres) {

    public record Mailbox(String type, String host, int port, boolean tls, String username, String passwordSecret,
                          boolean loginAsRecipient, String baseAddress, String mailpitUrl) {
        public boolean granted() {
            return type != null && !type.equals("none");
        }
    }

    /**
     * @param writerUsernameSecret a second role, on the same database, that may UPDATE the sessions
     *                             table: the only way to see a days-long session lifetime enforced
     *                             without waiting days. Optional; everything else reads only.
     */
    public record Database(String jdbcUrl, String usernameSecret, String passwordSecret,
                           String writerUsernameSecret, String writerPasswordSecret) {
        public boolean granted() {
            return jdbcUrl != null;
        }

        public boolean writeGranted() {
            return granted() && writerUsernameSecret != null;
        }
    }

    public record Backups(String directory, String passphraseSecret) {
        public boolean granted() {
            return directory != null;
        }
    }

    public record Redis(String host, int port, String passwordSecret) {
        public boolean granted() {
            return host != null;
        }
    }

    public record Postgres(String host, int port) {
        public boolean granted() {
            return host != null;
        }
    }
}
