package io.ocmt.reference.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.crypto.Tokens;
import io.ocmt.reference.net.Cidr;
import io.ocmt.reference.net.ClientAddress;
import io.ocmt.reference.net.IpAddress;
import io.ocmt.reference.ratelimit.RequestPaths;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OCMT's admin API guard: an admin is whoever presents {@code Authorization: Bearer
 * <INTERNAL_ADMIN_TOKEN>}, or a session of a user flagged admin or listed in ADMIN_EMAILS. Under
 * /api/admin/security the admin_ip_allowlist table is checked first, as OCMT's
 * requireAdminIpAllowlist runs ahead of requireAdminSession there; the rest of the admin API has
 * no IP restriction in OCMT, and none here.
 */
final class AdminRoutes {

    static final String PREFIX = "/api/admin";
    static final String SECURITY_PREFIX = "/api/admin/security";

    /** Who a request's session belongs to; empty without a session credential. */
    interface SessionUsers {
        /** @throws Reply 401 when the request presents a session that is unknown, revoked or expired */
        Optional<Store.User> user(Context ctx);
    }

    private final ApiSettings settings;
    private final AdminData data;
    private final SecurityEvents events;
    private final SessionUsers sessions;

    AdminRoutes(ApiSettings settings, AdminData data, SecurityEvents events, SessionUsers sessions) {
        this.settings = settings;
        this.data = data;
        this.events = events;
        this.sessions = sessions;
    }

    void install(Javalin app) {
        // A before-handler, so unknown paths under the prefix are refused the same way.
        app.before(ctx -> {
            String path = RequestPaths.normalize(ctx.req().getRequestURI());
            if (under(path, PREFIX)) {
                if (under(path, SECURITY_PREFIX)) {
                    requireAllowedIp(ctx);
                }
                requireAdmin(ctx);
            }
        });
        app.get("/api/admin/users", this::users);
        app.get("/api/admin/stats", this::stats);
        app.get("/api/admin/security/ip-allowlist", this::ipAllowlist);
    }

    /** {@code path} is the prefix or below it; paths are compared in RequestPaths' canonical form. */
    static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** No rows means no restriction, as in OCMT; an unparseable client address is in no range. */
    static boolean ipAllowed(List<Cidr> allowlist, String clientIp) {
        if (allowlist.isEmpty()) {
            return true;
        }
        return IpAddress.parse(clientIp).map(ip -> allowlist.stream().anyMatch(c -> c.contains(ip))).orElse(false);
    }

    /** An admin session: the user's flag, or its address in ADMIN_EMAILS (compared in lower case). */
    static boolean isAdmin(Store.User user, Set<String> adminEmails) {
        return user.isAdmin() || adminEmails.contains(user.email().toLowerCase(Locale.ROOT));
    }

    /** BREAK_ADMIN_IP_ALLOWLIST=1 is the deployment whose allowlist rows exist but are never enforced. */
    private void requireAllowedIp(Context ctx) {
        if (settings.switches.is(Switch.ADMIN_IP_ALLOWLIST, "1")) {
            return;
        }
        List<Cidr> allowlist = data.adminIpAllowlist().stream().map(e -> Cidr.parse(e.cidr())).toList();
        if (!ipAllowed(allowlist, ClientAddress.resolve(ctx))) {
            events.record(ctx, "admin.access_denied", "high", null, Map.of("reason", "ip_not_allowed"));
            throw Reply.error(403, "Access denied: IP not in admin allowlist", "ADMIN_IP_NOT_ALLOWED");
        }
    }

    private void requireAdmin(Context ctx) {
        if (openGuard(settings.switches)) {
            return;
        }
        String presented = bearer(ctx.header("Authorization"));
        // Without a configured token no Bearer is accepted: an unset secret must never mean "no secret needed".
        if (presented != null && settings.internalAdminToken != null
                && Tokens.constantTimeEquals(settings.internalAdminToken, presented)) {
            return;
        }
        Optional<Store.User> user;
        try {
            user = sessions.user(ctx);
        } catch (Reply dead) {
            events.record(ctx, "admin.access_denied", "high", null, Map.of("reason", "session_invalid"));
            throw dead;
        }
        if (user.isEmpty()) {
            events.record(ctx, "admin.access_denied", "high", null,
                    Map.of("reason", presented == null ? "credentials_missing" : "token_invalid"));
            throw Reply.error(401, "Authentication required");
        }
        if (!isAdmin(user.get(), settings.adminEmails)) {
            events.record(ctx, "admin.access_denied", "high", user.get().id(), Map.of("reason", "not_admin"));
            throw Reply.error(403, "Admin access required");
        }
    }

    /** BREAK_ADMIN_GUARD=1: the admin check lets everyone in (the IP allowlist still applies). */
    static boolean openGuard(Switches switches) {
        return switches.is(Switch.ADMIN_GUARD, "1");
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
        for (Store.User u : data.users()) {
            out.add(Http.userDetails(u));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users", out);
        body.put("count", out.size());
        Http.json(ctx, 200, body);
    }

    private void stats(Context ctx) {
        Http.json(ctx, 200, data.stats());
    }

    private void ipAllowlist(Context ctx) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (AdminData.AllowlistEntry e : data.adminIpAllowlist()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("cidr", e.cidr());
            m.put("description", e.description());
            m.put("createdAt", Http.iso(e.createdAt()));
            entries.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", entries);
        body.put("count", entries.size());
        Http.json(ctx, 200, body);
    }
}
