package io.ocmt.verify.db;

import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.report.Redactor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Moves the suite's own session back in time, through the write role an environment may grant
 * ({@code grants.database.writerUsernameSecret}): the only way to see a days-long absolute lifetime
 * enforced without waiting days. It changes one row, the one whose stored token is the SHA-256 of
 * a token the suite holds, shifts every timestamp of that row by the same amount (so the row stays
 * self-consistent, as if it really were that old), and shifts them back on {@link #close()}.
 */
public final class SessionAger implements AutoCloseable {

    /** One aged row: what was shifted, by how much, so it can be put back. */
    public record Aged(String tokenHash, Duration by, List<String> columns) {
        @Override
        public String toString() {
            return "moved " + columns + " back by " + by.toSeconds() + " s";
        }
    }

    private final Connection connection;
    private final String table;
    private final String tokenColumn;
    private final String description;
    private final List<Aged> aged = new ArrayList<>();

    private SessionAger(Connection connection, String table, String tokenColumn, String description) {
        this.connection = connection;
        this.table = table;
        this.tokenColumn = tokenColumn;
        this.description = description;
    }

    /** Why the session rows of {@code target} cannot be aged, or empty when they can. */
    public static Optional<String> unavailable(Target target) {
        Grants.Database grant = target.environment().grants().database();
        if (!grant.writeGranted()) {
            return Optional.of("grants.database.writerUsernameSecret is not set in environment '" + target.name() + "'");
        }
        return ReadOnlyDatabase.missingSecret(target, grant.writerUsernameSecret(), grant.writerPasswordSecret());
    }

    /**
     * @param tokenColumn where the target keeps its session tokens' hashes, {@code table.column}
     *                    (policy.encryption.hashedTokenColumns.session)
     */
    public static SessionAger open(Target target, String tokenColumn) {
        Grants.Database grant = target.environment().grants().database();
        if (!grant.writeGranted()) {
            throw new ConfigException(unavailable(target).orElseThrow());
        }
        String user = target.secrets().require(grant.writerUsernameSecret());
        String password = grant.writerPasswordSecret() == null ? null : target.secrets().require(grant.writerPasswordSecret());
        String[] tc = ReadOnlyDatabase.splitColumn(tokenColumn);
        Connection connection = ReadOnlyDatabase.connect(grant.jdbcUrl(), user, password, false);
        try {
            // One transaction per change, so a change that finds the wrong number of rows is undone whole.
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot start a transaction on " + ReadOnlyDatabase.describe(grant.jdbcUrl()), e);
        }
        return new SessionAger(connection, tc[0], tc[1], ReadOnlyDatabase.describe(grant.jdbcUrl()));
    }

    /**
     * Ages the row of the session whose raw token is {@code token} by {@code by}.
     *
     * @throws IllegalStateException when not exactly one row holds the token's hash: nothing is changed then
     */
    public Aged age(String token, Duration by) {
        String hash = TokenHash.sha256Hex(token);
        List<String> columns = timestampColumns();
        if (columns.isEmpty()) {
            throw new IllegalStateException("Table " + table + " on " + description + " has no timestamp column to age");
        }
        int rows = shift(hash, columns, by.negated());
        if (rows != 1) {
            rollback();
            throw new IllegalStateException("Expected exactly one row of " + table + " whose " + tokenColumn
                    + " is the SHA-256 of the suite's session token, found " + rows + " (on " + description + "); nothing was aged");
        }
        commit();
        Aged result = new Aged(hash, by, columns);
        aged.add(result);
        return result;
    }

    /** Timestamps the role may see in the sessions table, in column order. */
    List<String> timestampColumns() {
        String[] st = ReadOnlyDatabase.splitTable(table);
        String sql = "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
                + " AND data_type IN ('timestamp with time zone', 'timestamp without time zone') ORDER BY ordinal_position";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, st[0]);
            ps.setString(2, st[1]);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("list the timestamp columns of " + table, e);
        }
    }

    private int shift(String hash, List<String> columns, Duration by) {
        String set = columns.stream().map(Column::quote).map(c -> c + " = " + c + " + make_interval(secs => ?)")
                .collect(Collectors.joining(", "));
        String sql = "UPDATE " + ReadOnlyDatabase.sqlTable(table) + " SET " + set + " WHERE " + Column.quote(tokenColumn) + " = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setQueryTimeout(30);
            int i = 1;
            for (int k = 0; k < columns.size(); k++) {
                ps.setDouble(i++, by.toMillis() / 1000.0);
            }
            ps.setString(i, hash);
            return ps.executeUpdate();
        } catch (SQLException e) {
            rollback();
            throw failure("age a row of " + table, e);
        }
    }

    /**
     * Puts every aged row back. A target that deletes an expired session when it refuses it leaves
     * nothing to put back, which is fine: the session is gone either way.
     */
    @Override
    public void close() {
        try {
            for (Aged a : aged) {
                shift(a.tokenHash(), a.columns(), a.by());
                commit();
            }
        } finally {
            aged.clear();
            try {
                connection.close();
            } catch (SQLException ignored) {
                // The rows are already committed; a failing close loses nothing.
            }
        }
    }

    private void commit() {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw failure("commit", e);
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // Nothing was committed; the connection is closed with the ager.
        }
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Cannot " + what + " on " + description + ": " + Redactor.text(e.getMessage()), e);
    }
}
