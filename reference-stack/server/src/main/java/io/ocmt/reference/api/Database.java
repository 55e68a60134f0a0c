package io.ocmt.reference.api;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The connection pool and OCMT's schema, created at startup. */
final class Database implements AutoCloseable {

    /**
     * Any fixed number both replicas agree on: they start together, and concurrent CREATE TABLE IF
     * NOT EXISTS can still collide in PostgreSQL's catalog, so one creates while the other waits.
     */
    static final long SCHEMA_LOCK = 0x0C3A_7E5C_4E3AL;

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    static final List<String> SCHEMA = List.of(
            """
            CREATE TABLE IF NOT EXISTS users (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              email VARCHAR(255) NOT NULL UNIQUE,
              status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active')),
              gateway_token TEXT NOT NULL,
              vault JSONB,
              is_admin BOOLEAN NOT NULL DEFAULT false,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
            """
            CREATE TABLE IF NOT EXISTS sessions (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
              token VARCHAR(255) NOT NULL UNIQUE,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              expires_at TIMESTAMPTZ NOT NULL,
              last_activity_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              ip_address VARCHAR(45),
              user_agent TEXT,
              revoked_at TIMESTAMPTZ,
              revoke_reason VARCHAR(50)
            )""",
            "CREATE INDEX IF NOT EXISTS idx_sessions_user ON sessions(user_id)",
            """
            CREATE TABLE IF NOT EXISTS magic_links (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              email VARCHAR(255) NOT NULL,
              token VARCHAR(255) NOT NULL UNIQUE,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              expires_at TIMESTAMPTZ NOT NULL,
              used_at TIMESTAMPTZ
            )""",
            "CREATE INDEX IF NOT EXISTS idx_magic_links_email ON magic_links(email)",
            """
            CREATE TABLE IF NOT EXISTS user_integrations (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
              provider VARCHAR(50) NOT NULL,
              integration_type VARCHAR(20) NOT NULL DEFAULT 'api_key',
              api_key_encrypted TEXT,
              access_token_encrypted TEXT,
              refresh_token_encrypted TEXT,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              UNIQUE (user_id, provider)
            )""",
            """
            CREATE TABLE IF NOT EXISTS secrets (
              key VARCHAR(100) PRIMARY KEY,
              value_encrypted TEXT NOT NULL,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              rotated_at TIMESTAMPTZ
            )""",
            """
            CREATE TABLE IF NOT EXISTS audit_log (
              id BIGSERIAL PRIMARY KEY,
              timestamp TIMESTAMPTZ NOT NULL DEFAULT now(),
              user_id UUID REFERENCES users(id) ON DELETE SET NULL,
              action VARCHAR(100) NOT NULL,
              details JSONB,
              ip_address INET
            )""",
            "CREATE INDEX IF NOT EXISTS idx_audit_log_user ON audit_log(user_id)",
            """
            CREATE TABLE IF NOT EXISTS security_events (
              id BIGSERIAL PRIMARY KEY,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              event_type VARCHAR(100) NOT NULL,
              severity VARCHAR(20) NOT NULL,
              user_id UUID REFERENCES users(id) ON DELETE SET NULL,
              ip_address INET,
              method VARCHAR(10),
              path TEXT,
              details JSONB
            )""",
            "CREATE INDEX IF NOT EXISTS idx_security_events_type ON security_events(event_type, created_at)",
            """
            CREATE TABLE IF NOT EXISTS admin_ip_allowlist (
              id BIGSERIAL PRIMARY KEY,
              cidr CIDR NOT NULL UNIQUE,
              description TEXT,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""");

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens the pool, waiting up to DB_STARTUP_TIMEOUT_MS for the database (it may start alongside
     * this server), then creates the schema.
     */
    static Database open(ApiSettings.DatabaseUrl url, long startupTimeoutMs) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("ocmt-db");
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        config.setMaximumPoolSize(8);
        // Idle connections stay few: a test stack runs many replicas against one PostgreSQL.
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        // Hikari keeps retrying the first connection for this long before giving up.
        config.setInitializationFailTimeout(startupTimeoutMs);
        config.addDataSourceProperty("ApplicationName", "ocmt-reference");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the database at " + url.describe() + " within "
                    + startupTimeoutMs + " ms: " + rootMessage(e), e);
        }
        Database db = new Database(pool);
        try {
            db.createSchema();
        } catch (SQLException e) {
            pool.close();
            throw new IllegalStateException("cannot create the schema: " + e.getMessage(), e);
        }
        return db;
    }

    private void createSchema() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // Transaction-scoped: released by the commit, or by the rollback if a statement fails.
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        LOG.info("Database schema ready ({} statements)", SCHEMA.size());
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs work on one connection in autocommit mode. */
    <T> T with(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("Database error: " + e.getMessage(), e);
        }
    }

    /** Runs work in one transaction, rolled back on any failure. */
    <T> T tx(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Database error: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
