package io.ocmt.verify.junit;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Grants;
import java.util.Optional;

/**
 * A thing an environment may let the suite touch; {@link #missing} says which key grants it.
 * {@link #DESTRUCTIVE} is for tests that use up the runner's rate-limit budget on purpose or send
 * failed credentials in numbers a limiter or a lockout counts (RateLimitIT; the six refused magic-link
 * verifications of MagicLinkAuthIT); budgeted logins of the suite's own identities and single refused
 * tokens are not, nor are wrong admin or session tokens, which no OCMT limiter counts and no account
 * owns.
 */
public enum Grant {
    MAILBOX, DATABASE, DATABASE_WRITE, BACKUPS, REDIS, POSTGRES, OUTSIDE_PROXY, DESTRUCTIVE, CONTAINERS, SECURITY_LOG;

    /** Empty when granted; otherwise the skip reason: which key, which value, what was expected. */
    public Optional<String> missing(Environment env) {
        Grants g = env.grants();
        String where = " in environment '" + env.name() + "'";
        return switch (this) {
            case MAILBOX -> g.mailbox().granted() ? Optional.empty()
                    : Optional.of("grants.mailbox.type is " + g.mailbox().type() + where + ", expected imap or mailpit: these tests read the magic link from a mailbox");
            case DATABASE -> g.database().granted() ? Optional.empty()
                    : Optional.of("grants.database.jdbcUrl is not set" + where + ", expected a read-only role's JDBC URL");
            case DATABASE_WRITE -> g.database().writeGranted() ? Optional.empty()
                    : Optional.of((g.database().granted() ? "grants.database.writerUsernameSecret is not set" : "grants.database.jdbcUrl is not set")
                    + where + ", expected a role that may UPDATE the sessions table: this test ages its own session row");
            case BACKUPS -> g.backups().granted() ? Optional.empty()
                    : Optional.of("grants.backups.directory is not set" + where + ", expected the directory the encrypted dumps are read from");
            case REDIS -> g.redis().granted() ? Optional.empty()
                    : Optional.of("grants.redis.host is not set" + where + ", expected the Redis host reachable from this runner");
            case POSTGRES -> g.postgres().granted() ? Optional.empty()
                    : Optional.of("grants.postgres.host is not set" + where + ", expected the PostgreSQL host reachable from this runner");
            case OUTSIDE_PROXY -> g.outsideProxy().granted() ? Optional.empty()
                    : Optional.of("grants.outsideProxy.url is not set" + where + ", expected the http://host:port of an HTTP"
                    + " CONNECT proxy whose egress address is outside the target's admin IP allowlist");
            case DESTRUCTIVE -> g.destructive() ? Optional.empty()
                    : Optional.of("grants.destructive is false" + where + ", expected true: these tests use up the runner's rate-limit budget"
                    + " or send failed credentials that could lock a user or an address out");
            case CONTAINERS -> g.containers().granted() ? Optional.empty()
                    : Optional.of("grants.containers.engineUrl is not set" + where + ", expected the unix:// or tcp:// URL of a read-only"
                    + " Docker Engine API (a socket proxy allowing only GET /containers) and the containers' names or labels");
            case SECURITY_LOG -> g.securityLog().granted() ? Optional.empty()
                    : Optional.of("grants.securityLog.file and grants.securityLog.url are not set" + where
                    + ", expected the security log as a file this runner can read, or an HTTP URL that answers its recent lines");
        };
    }
}
