package io.ocmt.reference.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.ocmt.reference.crypto.VaultCipher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The zero-knowledge vault: setup, unlock (with a per-user doubling backoff after each wrong
 * password, shared by all replicas), lock, data and recovery. Unlocked keys live only in the vault
 * session store, never in the database.
 */
final class VaultRoutes {

    static final String COOKIE = "ocmt_vault_session";
    static final String HEADER = "X-Vault-Session";
    private static final int MAX_PASSWORD_LENGTH = 1024;
    /** Longer than any Argon2 run; only a crashed replica ever lets the slot expire by itself. */
    private static final long ATTEMPT_SLOT_MS = 30_000;

    private final ApiSettings settings;
    private final Store store;
    private final SessionAuth auth;
    private final VaultSessionStore vaultSessions;
    private final VaultCipher cipher;
    private final SecurityEvents events;

    VaultRoutes(ApiSettings settings, Store store, SessionAuth auth, VaultSessionStore vaultSessions,
                VaultCipher cipher, SecurityEvents events) {
        this.settings = settings;
        this.store = store;
        this.auth = auth;
        this.vaultSessions = vaultSessions;
        this.cipher = cipher;
        this.events = events;
    }

    void install(Javalin app) {
        app.post("/api/vault/setup", this::setup);
        app.post("/api/vault/unlock", this::unlock);
        app.post("/api/vault/lock", this::lock);
        app.get("/api/vault/data", this::getData);
        app.put("/api/vault/data", this::putData);
        app.post("/api/vault/recover", this::recover);
    }

    private void setup(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        String password = newPassword(Http.text(ctx, "password"));
        if (store.vault(current.user().id()).isPresent()) {
            throw Reply.error(400, "Vault already exists");
        }
        VaultCipher.Created created = cipher.create(password, VaultCipher.emptyData());
        if (!store.createVault(current.user().id(), created.vault())) {
            throw Reply.error(400, "Vault already exists");
        }
        store.audit(current.user().id(), "vault.created", null, Http.clientIp(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("recoveryCode", created.recoveryCode());
        Http.json(ctx, 200, body);
    }

    private void unlock(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        String password = Http.text(ctx, "password");
        if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD_LENGTH) {
            throw Reply.error(400, "Password required");
        }
        // One attempt per user at a time, on every replica, so parallel guesses cannot all slip
        // through before the first failure starts a backoff window.
        if (!vaultSessions.beginAttempt(current.user().id(), ATTEMPT_SLOT_MS)) {
            throw backoff(ctx, current, 1000);
        }
        VaultCipher.Unlocked unlocked;
        try {
            // Checked while holding the slot, so it sees the previous attempt's failure, and
            // before any key derivation, so a client backing off costs no Argon2 run.
            long waitMs = vaultSessions.backoffRemainingMs(current.user().id());
            if (waitMs > 0) {
                throw backoff(ctx, current, waitMs);
            }
            JsonNode vault = store.vault(current.user().id())
                    .orElseThrow(() -> Reply.error(400, "No vault found. Please set up your vault first."));
            try {
                unlocked = cipher.unlock(vault, password);
            } catch (VaultCipher.WrongSecretException e) {
                long window = recordFailure(vaultSessions, current.user().id(), settings);
                events.record(ctx, "vault.unlock_failed", "warning", current.user().id(),
                        Map.of("backoffSeconds", seconds(window)));
                store.audit(current.user().id(), "vault.unlock_failed", null, Http.clientIp(ctx));
                throw Reply.error(401, "Invalid vault password");
            }
        } finally {
            vaultSessions.endAttempt(current.user().id());
        }
        vaultSessions.clearFailures(current.user().id());
        String token = vaultSessions.create(current.user().id(), unlocked.key(), settings.vaultSessionTtlS);
        store.audit(current.user().id(), "vault.unlocked", null, Http.clientIp(ctx));
        Http.setCookie(ctx, COOKIE, token, settings.vaultSessionTtlS, true, "Lax");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("vaultSessionToken", token);
        body.put("expiresIn", settings.vaultSessionTtlS);
        Http.json(ctx, 200, body);
    }

    private void lock(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        String token = ctx.header(HEADER);
        if (token == null || token.isEmpty()) {
            token = ctx.cookie(COOKIE);
        }
        if (token != null && !token.isEmpty()) {
            vaultSessions.delete(token);
        }
        Http.clearCookie(ctx, COOKIE, true, "Lax");
        store.audit(current.user().id(), "vault.locked", null, Http.clientIp(ctx));
        Http.json(ctx, 200, Map.of("success", true));
    }

    private record Open(JsonNode vault, byte[] key) {
    }

    /** The vault and its key for a request carrying a live X-Vault-Session of this user. */
    private Open openVault(Context ctx, SessionAuth.Current current) {
        String token = ctx.header(HEADER);
        if (token == null || token.isEmpty()) {
            throw Reply.error(401, "Vault is locked", "VAULT_LOCKED");
        }
        Optional<VaultSessionStore.VaultSession> session = vaultSessions.find(token)
                .filter(s -> s.userId().equals(current.user().id()));
        JsonNode vault = store.vault(current.user().id()).orElse(null);
        if (session.isEmpty() || vault == null) {
            throw Reply.error(401, "Vault session expired", "VAULT_SESSION_EXPIRED");
        }
        return new Open(vault, session.get().key());
    }

    private void getData(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        Open open = openVault(ctx, current);
        JsonNode data;
        try {
            data = cipher.open(open.vault(), open.key());
        } catch (VaultCipher.WrongSecretException e) {
            // The vault was re-keyed (recovery) since this session unlocked it.
            vaultSessions.delete(ctx.header(HEADER));
            throw Reply.error(401, "Vault session expired", "VAULT_SESSION_EXPIRED");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        Http.json(ctx, 200, body);
    }

    private void putData(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        JsonNode data = Http.field(ctx, "data");
        if (data == null || !data.isObject()) {
            throw Reply.error(400, "Vault data must be an object");
        }
        Open open = openVault(ctx, current);
        JsonNode updated;
        try {
            updated = cipher.update(open.vault(), open.key(), data);
        } catch (VaultCipher.WrongSecretException e) {
            vaultSessions.delete(ctx.header(HEADER));
            throw Reply.error(401, "Vault session expired", "VAULT_SESSION_EXPIRED");
        }
        store.replaceVault(current.user().id(), updated);
        store.audit(current.user().id(), "vault.data_updated", null, Http.clientIp(ctx));
        Http.json(ctx, 200, Map.of("success", true));
    }

    private void recover(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        String code = Http.text(ctx, "recoveryCode");
        if (code == null || code.isBlank() || code.length() > 200) {
            throw Reply.error(400, "Recovery code required");
        }
        String password = newPassword(Http.text(ctx, "newPassword"));
        JsonNode vault = store.vault(current.user().id()).orElseThrow(() -> Reply.error(400, "No vault found"));
        JsonNode rekeyed;
        try {
            rekeyed = cipher.recover(vault, code, password);
        } catch (VaultCipher.WrongSecretException e) {
            events.record(ctx, "vault.recovery_failed", "warning", current.user().id(), Map.of());
            store.audit(current.user().id(), "vault.recovery_failed", null, Http.clientIp(ctx));
            throw Reply.error(401, "Invalid recovery code");
        }
        store.replaceVault(current.user().id(), rekeyed);
        vaultSessions.clearFailures(current.user().id());
        store.audit(current.user().id(), "vault.password_reset_via_recovery", null, Http.clientIp(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("message", "Vault password reset");
        Http.json(ctx, 200, body);
    }

    /**
     * Starts the user's next backoff window after a wrong password and answers its length.
     * BREAK_VAULT_BACKOFF=1 records nothing, as a deployment whose unlock route lacks the backoff OCMT
     * keeps only in the container gateway: every guess is tried at once.
     */
    static long recordFailure(VaultSessionStore store, java.util.UUID userId, ApiSettings settings) {
        if (settings.switches.is(io.ocmt.reference.Switch.VAULT_BACKOFF, "1")) {
            return 0;
        }
        return store.recordFailure(userId, settings.vaultBackoffBaseMs, settings.vaultBackoffMaxMs);
    }

    private Reply backoff(Context ctx, SessionAuth.Current current, long waitMs) {
        long retryAfter = seconds(waitMs);
        events.record(ctx, "vault.unlock_backoff", "warning", current.user().id(), Map.of("retryAfter", retryAfter));
        return Reply.error(429, "Too many failed attempts", "VAULT_BACKOFF")
                .with("retryAfter", retryAfter).header("Retry-After", Long.toString(retryAfter));
    }

    private static String newPassword(String password) {
        if (password == null || password.length() < VaultCipher.MIN_PASSWORD_LENGTH) {
            throw Reply.error(400, "Password must be at least " + VaultCipher.MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw Reply.error(400, "Password must be at most " + MAX_PASSWORD_LENGTH + " characters");
        }
        return password;
    }

    private static long seconds(long ms) {
        return Math.max(1, (ms + 999) / 1000);
    }
}
