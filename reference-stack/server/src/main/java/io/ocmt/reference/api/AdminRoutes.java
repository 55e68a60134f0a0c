package io.ocmt.reference.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.crypto.Tokens;
import io.ocmt.reference.net.Cidr;
import io.ocmt.reference.net.ClientAddress;
import io.ocmt.reference.net.IpAddress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checklist's admin guard (ADMIN_TOKEN as a Bearer token, ADMIN_ALLOWED_IPS on the client
 * address through trusted proxies) and the agent server's internal guard (x-auth-token).
 */
final class AdminRoutes {

    private final ApiSettings settings;
    private final Store store;
    private final SecurityEvents events;

    AdminRoutes(ApiSettings settings, Store store, SecurityEvents events) {
        this.settings = settings;
        this.store = store;
        this.events = events;
    }

    void install(Javalin app) {
        // Guards run as before-handlers, so unknown paths under the prefix are refused the same way.
        app.before(ctx -> {
            String path = CsrfRules.canonicalPath(ctx.path());
            if (path.equals("/api/admin") || path.startsWith("/api/admin/")) {
                requireAdmin(ctx);
            } else if (path.equals("/internal") || path.startsWith("/internal/")) {
                requireAgentToken(ctx);
            }
        });
        app.get("/api/admin/users", this::users);
        app.get("/api/admin/stats", this::stats);
        app.get("/internal/containers", ctx -> Http.json(ctx, 200, Map.of("containers", List.of())));
    }

    /**
     * Whether {@code clientIp} may reach the admin API. {@code BREAK_ADMIN_IP_ALLOWLIST=1} is the
     * deployment that sets ADMIN_ALLOWED_IPS but never enforces it: every address passes, and the
     * token check that follows is all that is left.
     */
    static boolean ipAllowed(List<Cidr> allowlist, String clientIp, Switches switches) {
        return switches.is(Switch.ADMIN_IP_ALLOWLIST, "1") || ipAllowed(allowlist, clientIp);
    }

    /** An empty allowlist means no restriction, as the checklist's "if applicable" suggests. */
    static boolean ipAllowed(List<Cidr> allowlist, String clientIp) {
        if (allowlist.isEmpty()) {
            return true;
        }
        return IpAddress.parse(clientIp).map(ip -> allowlist.stream().anyMatch(c -> c.contains(ip))).orElse(false);
    }

    private void requireAdmin(Context ctx) {
        if (!ipAllowed(settings.adminAllowedIps, ClientAddress.resolve(ctx), settings.switches)) {
            events.record(ctx, "admin.access_denied", "high", null, Map.of("reason", "ip_not_allowed"));
            throw Reply.error(403, "Admin access denied", "ADMIN_IP_NOT_ALLOWED");
        }
        if (settings.switches.is(Switch.ADMIN_GUARD, "1")) {
            return;
        }
        if (settings.adminToken == null) {
            events.record(ctx, "admin.access_denied", "high", null, Map.of("reason", "admin_token_not_configured"));
            throw Reply.error(500, "Admin token not configured");
        }
        String presented = bearer(ctx.header("Authorization"));
        if (presented == null || !Tokens.constantTimeEquals(settings.adminToken, presented)) {
            events.record(ctx, "admin.access_denied", "high", null,
                    Map.of("reason", presented == null ? "token_missing" : "token_invalid"));
            throw Reply.error(401, "Unauthorized");
        }
    }

    private void requireAgentToken(Context ctx) {
        String presented = ctx.header("x-auth-token");
        // Without a configured token nobody gets in: an unset secret must never mean "no secret needed".
        if (settings.agentServerToken == null || presented == null
                || !Tokens.constantTimeEquals(settings.agentServerToken, presented)) {
            events.record(ctx, "internal.access_denied", "high", null,
                    Map.of("reason", presented == null ? "token_missing" : "token_invalid"));
            throw Reply.error(401, "Unauthorized");
        }
    }

    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        if (a.length() < 7 || !a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = a.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private void users(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Store.User u : store.users()) {
            Map<String, Object> m = Http.user(u);
            m.put("isAdmin", u.isAdmin());
            m.put("createdAt", Http.iso(u.createdAt()));
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users", out);
        body.put("count", out.size());
        Http.json(ctx, 200, body);
    }

    private void stats(Context ctx) {
        Http.json(ctx, 200, store.stats());
    }
}
