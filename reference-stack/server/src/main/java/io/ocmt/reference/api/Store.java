package io.ocmt.reference.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every SQL statement of the API. Timestamps are taken from the database's clock (now()), so two
 * replicas never disagree about whether a link or a session has expired.
 */
final class Store implements AdminData {

    record User(UUID id, String email, String status, boolean isAdmin, Instant createdAt) {
    }

    record Session(UUID id, User user, Instant createdAt, Instant expiresAt, Instant lastActivityAt,
                   String ipAddress, String userAgent, long ageMs, boolean revoked) {
    }

    record NewSession(UUID id, Instant expiresAt, int evicted) {
    }

    record Integration(UUID id, UUID userId, String provider, String apiKeyStored) {
    }

    private final Database db;

    Store(Database db) {
        this.db = db;
    }

    // ---- users ----------------------------------------------------------------------------------

    Optional<User> userByEmail(String email) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, email, status, is_admin, created_at FROM users WHERE email = ?")) {
                ps.setString(1, email);
                return one(ps, Store::user);
            }
        });
    }

    /**
     * Creates the user unless the address is known, and stores a magic link for it, in one
     * transaction. A known address rewrites its row unchanged, so both cases write the same rows
     * and commit once: the answer's timing does not tell whether the account existed.
     */
    void ensureUserWithLink(String email, String encryptedGatewayToken, String storedToken, long ttlMs) {
        db.tx(c -> {
            insertUser(c, email, encryptedGatewayToken);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO magic_links (email, token, expires_at) VALUES (?, ?, now() + ? * interval '1 millisecond')")) {
                ps.setString(1, email);
                ps.setString(2, storedToken);
                ps.setLong(3, ttlMs);
                return ps.executeUpdate();
            }
        });
    }

    void ensureUser(String email, String encryptedGatewayToken) {
        db.with(c -> insertUser(c, email, encryptedGatewayToken));
    }

    private static int insertUser(java.sql.Connection c, String email, String encryptedGatewayToken) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO users (email, gateway_token) VALUES (?, ?)"
                        + " ON CONFLICT (email) DO UPDATE SET updated_at = users.updated_at")) {
            ps.setString(1, email);
            ps.setString(2, encryptedGatewayToken);
            return ps.executeUpdate();
        }
    }

    @Override
    public Optional<User> userById(UUID id) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, email, status, is_admin, created_at FROM users WHERE id = ?")) {
                ps.setObject(1, id);
                return one(ps, Store::user);
            }
        });
    }

    @Override
    public List<AllowlistEntry> adminIpAllowlist() {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, cidr::text, description, created_at FROM admin_ip_allowlist ORDER BY id")) {
                return all(ps, rs -> new AllowlistEntry(rs.getLong(1), rs.getString(2), rs.getString(3), instant(rs, 4)));
            }
        });
    }

    @Override
    public List<User> users() {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, email, status, is_admin, created_at FROM users ORDER BY created_at")) {
                return all(ps, Store::user);
            }
        });
    }

    @Override
    public Map<String, Long> stats() {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT (SELECT count(*) FROM users) AS users,"
                            + " (SELECT count(*) FROM users WHERE status = 'active') AS active_users,"
                            + " (SELECT count(*) FROM users WHERE status = 'pending') AS pending_users,"
                            + " (SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > now()) AS sessions,"
                            + " (SELECT count(*) FROM user_integrations) AS integrations");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                Map<String, Long> m = new LinkedHashMap<>();
                m.put("users", rs.getLong("users"));
                m.put("activeUsers", rs.getLong("active_users"));
                m.put("pendingUsers", rs.getLong("pending_users"));
                m.put("activeSessions", rs.getLong("sessions"));
                m.put("integrations", rs.getLong("integrations"));
                return m;
            }
        });
    }

    Optional<JsonNode> vault(UUID userId) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT vault::text FROM users WHERE id = ?")) {
                ps.setObject(1, userId);
                return one(ps, rs -> rs.getString(1)).map(Store::parseJson);
            }
        });
    }

    /** Sets the vault only if there is none yet; false when one already exists. */
    boolean createVault(UUID userId, JsonNode vault) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET vault = ?::jsonb, updated_at = now() WHERE id = ? AND vault IS NULL")) {
                ps.setString(1, vault.toString());
                ps.setObject(2, userId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    void replaceVault(UUID userId, JsonNode vault) {
        db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET vault = ?::jsonb, updated_at = now() WHERE id = ?")) {
                ps.setString(1, vault.toString());
                ps.setObject(2, userId);
                return ps.executeUpdate();
            }
        });
    }

    // ---- magic links ----------------------------------------------------------------------------

    /**
     * Marks the link used and answers its address in one statement, so two replicas verifying the
     * same link at once cannot both win. With {@code reusable} a used link still answers; without
     * {@code expiring} an expired one does.
     */
    Optional<String> consumeMagicLink(String storedToken, boolean reusable, boolean expiring) {
        String sql = consumeMagicLinkSql(reusable, expiring);
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, storedToken);
                return one(ps, rs -> rs.getString(1));
            }
        });
    }

    static String consumeMagicLinkSql(boolean reusable, boolean expiring) {
        return "UPDATE magic_links SET used_at = COALESCE(used_at, now()) WHERE token = ?"
                + (expiring ? " AND expires_at > now()" : "") + (reusable ? "" : " AND used_at IS NULL") + " RETURNING email";
    }

    /** Whether a link with this stored token was ever issued, used or not, expired or not. */
    boolean magicLinkKnown(String storedToken) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM magic_links WHERE token = ?")) {
                ps.setString(1, storedToken);
                return one(ps, rs -> rs.getInt(1)).isPresent();
            }
        });
    }

    // ---- sessions -------------------------------------------------------------------------------

    /**
     * Creates a session; unless {@code evict} is off, first revokes the user's least recently active
     * sessions so that the new one makes exactly {@code maxSessions}. The user's row is locked for
     * the duration, so concurrent logins on two replicas count each other.
     */
    NewSession createSession(UUID userId, String storedToken, long lifetimeMs, String ip, String userAgent,
                             int maxSessions, boolean evict, boolean lifetimeEnforced) {
        return db.tx(c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT id FROM users WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, userId);
                lock.executeQuery().close();
            }
            int evicted = 0;
            if (evict) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE sessions SET revoked_at = now(), revoke_reason = 'session_limit_exceeded'"
                                + " WHERE id IN (SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL"
                                + active(lifetimeEnforced)
                                + " ORDER BY last_activity_at DESC, created_at DESC OFFSET ?)")) {
                    ps.setObject(1, userId);
                    ps.setInt(2, maxSessions - 1);
                    evicted = ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sessions (user_id, token, expires_at, ip_address, user_agent)"
                            + " VALUES (?, ?, now() + ? * interval '1 millisecond', ?, ?) RETURNING id, expires_at")) {
                ps.setObject(1, userId);
                ps.setString(2, storedToken);
                ps.setLong(3, lifetimeMs);
                ps.setString(4, ip);
                ps.setString(5, userAgent);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new NewSession(rs.getObject(1, UUID.class), instant(rs, 2), evicted);
                }
            }
        });
    }

    Optional<Session> sessionByToken(String storedToken) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(SESSION_SELECT + " WHERE s.token = ?")) {
                ps.setString(1, storedToken);
                return one(ps, Store::session);
            }
        });
    }

    void touchSession(UUID sessionId, String ip) {
        db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sessions SET last_activity_at = now(), ip_address = COALESCE(?, ip_address) WHERE id = ?")) {
                ps.setString(1, ip);
                ps.setObject(2, sessionId);
                return ps.executeUpdate();
            }
        });
    }

    List<Session> activeSessions(UUID userId, boolean lifetimeEnforced) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(SESSION_SELECT
                    + " WHERE s.user_id = ? AND s.revoked_at IS NULL" + active(lifetimeEnforced)
                    + " ORDER BY s.last_activity_at DESC")) {
                ps.setObject(1, userId);
                return all(ps, Store::session);
            }
        });
    }

    /** Revokes one of the user's live sessions; false when there is no such session. */
    boolean revokeSession(UUID userId, UUID sessionId, String reason) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sessions SET revoked_at = now(), revoke_reason = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL")) {
                ps.setString(1, reason);
                ps.setObject(2, sessionId);
                ps.setObject(3, userId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    int revokeOtherSessions(UUID userId, UUID keep) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sessions SET revoked_at = now(), revoke_reason = 'sign_out_everywhere'"
                            + " WHERE user_id = ? AND id <> ? AND revoked_at IS NULL AND expires_at > now()")) {
                ps.setObject(1, userId);
                ps.setObject(2, keep);
                return ps.executeUpdate();
            }
        });
    }

    void deleteSession(UUID sessionId) {
        db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
                ps.setObject(1, sessionId);
                return ps.executeUpdate();
            }
        });
    }

    // ---- integrations ---------------------------------------------------------------------------

    /** One API key per provider and user, as OCMT's UNIQUE (user_id, provider): a second one replaces the first. */
    UUID putIntegration(UUID userId, String provider, String apiKeyStored) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO user_integrations (user_id, provider, integration_type, api_key_encrypted)"
                            + " VALUES (?, ?, 'api_key', ?) ON CONFLICT (user_id, provider)"
                            + " DO UPDATE SET api_key_encrypted = EXCLUDED.api_key_encrypted, updated_at = now()"
                            + " RETURNING id")) {
                ps.setObject(1, userId);
                ps.setString(2, provider);
                ps.setString(3, apiKeyStored);
                return one(ps, rs -> rs.getObject(1, UUID.class)).orElseThrow();
            }
        });
    }

    Optional<Integration> integration(UUID userId, UUID id) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, user_id, provider, api_key_encrypted FROM user_integrations WHERE id = ? AND user_id = ?")) {
                ps.setObject(1, id);
                ps.setObject(2, userId);
                return one(ps, rs -> new Integration(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4)));
            }
        });
    }

    List<Map<String, Object>> integrations(UUID userId) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, provider, created_at FROM user_integrations WHERE user_id = ? ORDER BY created_at")) {
                ps.setObject(1, userId);
                return all(ps, rs -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getObject(1, UUID.class).toString());
                    m.put("provider", rs.getString(2));
                    m.put("createdAt", Http.iso(instant(rs, 3)));
                    return m;
                });
            }
        });
    }

    boolean deleteIntegration(UUID userId, UUID id) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_integrations WHERE id = ? AND user_id = ?")) {
                ps.setObject(1, id);
                ps.setObject(2, userId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    // ---- logs -----------------------------------------------------------------------------------

    void audit(UUID userId, String action, Map<String, Object> details, String ip) {
        db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO audit_log (user_id, action, details, ip_address) VALUES (?, ?, ?::jsonb, ?::inet)")) {
                ps.setObject(1, userId);
                ps.setString(2, action);
                ps.setString(3, details == null ? null : Http.MAPPER.writeValueAsString(details));
                ps.setString(4, ip);
                return ps.executeUpdate();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    void securityEvent(String type, String severity, UUID userId, String ip, String method, String path,
                       String detailsJson) {
        db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO security_events (event_type, severity, user_id, ip_address, method, path, details)"
                            + " VALUES (?, ?, ?, ?::inet, ?, ?, ?::jsonb)")) {
                ps.setString(1, type);
                ps.setString(2, severity);
                if (userId == null) {
                    ps.setNull(3, Types.OTHER);
                } else {
                    ps.setObject(3, userId);
                }
                ps.setString(4, ip);
                ps.setString(5, method);
                ps.setString(6, path);
                ps.setString(7, detailsJson);
                return ps.executeUpdate();
            }
        });
    }

    // ---- mapping --------------------------------------------------------------------------------

    private static final String SESSION_SELECT =
            "SELECT s.id, s.created_at, s.expires_at, s.last_activity_at, s.ip_address, s.user_agent,"
                    + " (extract(epoch FROM (now() - s.created_at)) * 1000)::bigint AS age_ms,"
                    + " s.revoked_at IS NOT NULL AS revoked,"
                    + " u.id AS uid, u.email, u.status, u.is_admin, u.created_at AS u_created"
                    + " FROM sessions s JOIN users u ON u.id = s.user_id";

    /** Sessions past their absolute lifetime are not counted as active unless that control is switched off. */
    private static String active(boolean lifetimeEnforced) {
        return lifetimeEnforced ? " AND expires_at > now()" : "";
    }

    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static <T> Optional<T> one(PreparedStatement ps, Row<T> row) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        }
    }

    private static <T> List<T> all(PreparedStatement ps, Row<T> row) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("status"),
                rs.getBoolean("is_admin"), instant(rs, "created_at"));
    }

    private static Session session(ResultSet rs) throws SQLException {
        User u = new User(rs.getObject("uid", UUID.class), rs.getString("email"), rs.getString("status"),
                rs.getBoolean("is_admin"), instant(rs, "u_created"));
        return new Session(rs.getObject("id", UUID.class), u, instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "last_activity_at"), rs.getString("ip_address"), rs.getString("user_agent"),
                rs.getLong("age_ms"), rs.getBoolean("revoked"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static JsonNode parseJson(String text) {
        try {
            return Http.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("users.vault is not JSON", e);
        }
    }
}
