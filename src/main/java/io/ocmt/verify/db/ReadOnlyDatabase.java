package io.ocmt.verify.db;

import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.report.Redactor;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A database the suite may read and never change: the live database through the read-only role an
 * environment grants, or a restored backup. The session is read-only on the server side too, so a
 * role that was granted more than SELECT still changes nothing through here.
 */
public final class ReadOnlyDatabase implements AutoCloseable {

    /** One column that holds one form of a searched secret, in {@code rows} rows. */
    public record Hit(Column column, Needles.Needle needle, long rows) {
        @Override
        public String toString() {
            return needle + " in " + column.qualified() + " (" + rows + (rows == 1 ? " row)" : " rows)");
        }
    }

    private static final String SYSTEM_SCHEMAS =
            "('pg_catalog', 'information_schema') AND %1$s NOT LIKE 'pg\\_toast%%' AND %1$s NOT LIKE 'pg\\_temp%%'";

    private final Connection connection;
    private final String description;
    private int queryTimeoutSeconds = 120;

    private ReadOnlyDatabase(Connection connection, String description) {
        this.connection = connection;
        this.description = description;
    }

    /**
     * Why the live database of {@code target} cannot be opened, or empty when it can: the grant is
     * there but a secret it names is not (a reused reference stack keeps its secrets in the process
     * that started it). Tests skip with this reason instead of failing on configuration.
     */
    public static Optional<String> unavailable(Target target) {
        Grants.Database grant = target.environment().grants().database();
        if (!grant.granted()) {
            return Optional.of("grants.database.jdbcUrl is not set in environment '" + target.name() + "'");
        }
        return missingSecret(target, grant.usernameSecret(), grant.passwordSecret());
    }

    /** The first of {@code secrets} (names under secrets:, null for none) the environment does not provide. */
    static Optional<String> missingSecret(Target target, String... secrets) {
        for (String secret : secrets) {
            if (secret != null && target.secrets().find(secret).isEmpty()) {
                return Optional.of("Not verified: grants.database names secret '" + secret + "', which environment '"
                        + target.name() + "' does not provide");
            }
        }
        return Optional.empty();
    }

    /** The live database of {@code target}, through {@code grants.database}. */
    public static ReadOnlyDatabase open(Target target) {
        Grants.Database grant = target.environment().grants().database();
        if (!grant.granted()) {
            throw new ConfigException("grants.database.jdbcUrl is not set in environment '" + target.name() + "'");
        }
        String user = grant.usernameSecret() == null ? null : target.secrets().require(grant.usernameSecret());
        String password = grant.passwordSecret() == null ? null : target.secrets().require(grant.passwordSecret());
        return open(grant.jdbcUrl(), user, password);
    }

    public static ReadOnlyDatabase open(String jdbcUrl, String user, String password) {
        Connection c = connect(jdbcUrl, user, password, true);
        return new ReadOnlyDatabase(c, describe(jdbcUrl));
    }

    /**
     * A connection as {@code user}; a read-only one stays read-only on the server side too ("always":
     * even in autocommit mode, where "transaction", the default, enforces nothing).
     */
    static Connection connect(String jdbcUrl, String user, String password, boolean readOnly) {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        if (readOnly) {
            props.setProperty("readOnly", "true");
            props.setProperty("readOnlyMode", "always");
        }
        props.setProperty("ApplicationName", "ocmt-verify");
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "15");
        try {
            Connection c = DriverManager.getConnection(jdbcUrl, props);
            c.setReadOnly(readOnly);
            return c;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to the database " + describe(jdbcUrl) + ": " + Redactor.text(e.getMessage()), e);
        }
    }

    /** Host, port and database of a JDBC URL, without its parameters (which may carry a password). */
    static String describe(String jdbcUrl) {
        String s = jdbcUrl.replaceFirst("^jdbc:postgresql://", "");
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    public String description() {
        return description;
    }

    public ReadOnlyDatabase queryTimeout(int seconds) {
        this.queryTimeoutSeconds = seconds;
        return this;
    }

    /** Every text, varchar, char, bytea, json and jsonb column (and arrays of them) of every table the role can see. */
    public List<Column> textColumns() {
        String sql = "SELECT c.table_schema, c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
                + "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
                + "AND t.table_type = 'BASE TABLE' "
                + "WHERE c.table_schema NOT IN " + String.format(SYSTEM_SCHEMAS, "c.table_schema") + " "
                + "AND (c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb') "
                + "OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar', '_bpchar', '_json', '_jsonb'))) "
                + "ORDER BY c.table_schema, c.table_name, c.ordinal_position";
        return query(sql, List.of(), rs -> new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    /** Tables whose rows this role may not read: a scan of "every table" cannot vouch for them. */
    public List<String> unreadableTables() {
        String sql = "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN " + String.format(SYSTEM_SCHEMAS, "n.nspname")
                + " AND NOT has_table_privilege(c.oid, 'SELECT') ORDER BY 1, 2";
        return query(sql, List.of(), rs -> qualifiedTable(rs.getString(1), rs.getString(2)));
    }

    /** Every table outside the system schemas, as {@code table} ({@code schema.table} outside public). */
    public List<String> tables() {
        String sql = "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN " + String.format(SYSTEM_SCHEMAS, "n.nspname")
                + " ORDER BY 1, 2";
        return query(sql, List.of(), rs -> qualifiedTable(rs.getString(1), rs.getString(2)));
    }

    private static String qualifiedTable(String schema, String table) {
        return ("public".equals(schema) ? "" : schema + ".") + table;
    }

    /** Row counts of the given tables that exist; a missing table is absent from the map. */
    public Map<String, Long> rowCounts(List<String> tables) {
        List<String> existing = tables();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : tables) {
            if (existing.contains(table)) {
                counts.put(table, query("SELECT count(*) FROM " + sqlTable(table), List.of(), rs -> rs.getLong(1)).get(0));
            }
        }
        return counts;
    }

    /**
     * Every column that holds any of the needles, in any row. One pass over each column, whatever
     * the number of needles; bytea columns are searched for the needles' bytes.
     */
    public List<Hit> scan(List<Column> columns, Needles needles) {
        List<Hit> hits = new ArrayList<>();
        List<Needles.Needle> all = needles.all();
        for (Column column : columns) {
            StringBuilder sql = new StringBuilder("SELECT ");
            List<Object> params = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                Needles.Needle n = all.get(i);
                if (i > 0) {
                    sql.append(", ");
                }
                if (column.isBytea()) {
                    // Hex may be stored in either case; bytes have no lower().
                    sql.append("count(*) FILTER (WHERE position(?::bytea IN ").append(column.sqlColumn()).append(") > 0");
                    params.add(n.text().getBytes(StandardCharsets.UTF_8));
                    if (n.caseInsensitive()) {
                        sql.append(" OR position(?::bytea IN ").append(column.sqlColumn()).append(") > 0");
                        params.add(n.text().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
                    }
                    sql.append(")");
                } else if (n.caseInsensitive()) {
                    sql.append("count(*) FILTER (WHERE strpos(lower(").append(column.sqlColumn()).append("::text), ?) > 0)");
                    params.add(n.text().toLowerCase(Locale.ROOT));
                } else {
                    sql.append("count(*) FILTER (WHERE strpos(").append(column.sqlColumn()).append("::text, ?) > 0)");
                    params.add(n.text());
                }
            }
            sql.append(" FROM ").append(column.sqlTable());
            List<long[]> rows = query(sql.toString(), params, rs -> {
                long[] counts = new long[all.size()];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = rs.getLong(i + 1);
                }
                return counts;
            });
            long[] counts = rows.get(0);
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0) {
                    hits.add(new Hit(column, all.get(i), counts[i]));
                }
            }
        }
        return hits;
    }

    /** The value of {@code column} ({@code table.column}) in the row whose {@code keyColumn} is {@code key}. */
    public Optional<String> valueWhere(String column, String keyColumn, String key) {
        String[] tc = splitColumn(column);
        List<String> values = query("SELECT " + Column.quote(tc[1]) + "::text FROM " + sqlTable(tc[0]) + " WHERE "
                + Column.quote(keyColumn) + "::text = ?", List.of(key), rs -> rs.getString(1));
        return values.stream().findFirst();
    }

    /** How many rows hold exactly {@code value} in {@code column} ({@code table.column}). */
    public long countEqual(String column, String value) {
        String[] tc = splitColumn(column);
        return query("SELECT count(*) FROM " + sqlTable(tc[0]) + " WHERE " + Column.quote(tc[1]) + "::text = ?",
                List.of(value), rs -> rs.getLong(1)).get(0);
    }

    /** Up to {@code limit} non-null values of {@code column} ({@code table.column}), as text; empty when it does not exist. */
    public List<String> values(String column, int limit) {
        String[] tc = splitColumn(column);
        if (!hasColumn(tc[0], tc[1])) {
            return List.of();
        }
        return query("SELECT " + Column.quote(tc[1]) + "::text FROM " + sqlTable(tc[0]) + " WHERE " + Column.quote(tc[1])
                + " IS NOT NULL LIMIT " + Math.max(0, limit), List.of(), rs -> rs.getString(1));
    }

    public boolean hasColumn(String table, String column) {
        String[] st = splitTable(table);
        return !query("SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = ?",
                List.of(st[0], st[1], column), rs -> 1).isEmpty();
    }

    /** {@code table.column} or {@code schema.table.column} into {@code [table or schema.table, column]}. */
    static String[] splitColumn(String column) {
        int dot = column.lastIndexOf('.');
        if (dot <= 0 || dot == column.length() - 1) {
            throw new IllegalArgumentException("Expected table.column, got '" + column + "'");
        }
        return new String[] {column.substring(0, dot), column.substring(dot + 1)};
    }

    static String[] splitTable(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? new String[] {"public", table} : new String[] {table.substring(0, dot), table.substring(dot + 1)};
    }

    static String sqlTable(String table) {
        String[] st = splitTable(table);
        return Column.quote(st[0]) + "." + Column.quote(st[1]);
    }

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, List<Object> params, RowMapper<T> mapper) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof byte[] b) {
                    ps.setBytes(i + 1, b);
                } else {
                    ps.setString(i + 1, (String) p);
                }
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            // The message may quote a parameter; the redactor masks every registered secret in it.
            throw new IllegalStateException("Query on " + description + " failed: " + Redactor.text(e.getMessage()), e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing a read-only session loses nothing.
        }
    }
}
