package io.ocmt.reference.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.crypto.Tokens;
import io.ocmt.reference.ratelimit.RequestPaths;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * OCMT's routes/internal.js: the API the agent server calls, guarded by {@code Authorization:
 * Bearer <AGENT_SERVER_TOKEN>}. (The agent server's own x-auth-token routes live on the agent
 * server, which this stand-in does not imitate.)
 */
final class InternalRoutes {

    static final String PREFIX = "/api/internal";

    private final ApiSettings settings;
    private final AdminData data;
    private final SecurityEvents events;

    InternalRoutes(ApiSettings settings, AdminData data, SecurityEvents events) {
        this.settings = settings;
        this.data = data;
        this.events = events;
    }

    void install(Javalin app) {
        // A before-handler, so unknown paths under the prefix are refused the same way.
        app.before(ctx -> {
            if (AdminRoutes.under(RequestPaths.normalize(ctx.req().getRequestURI()), PREFIX)) {
                requireAgentToken(ctx);
            }
        });
        app.get("/api/internal/metrics/wake", InternalRoutes::wakeMetrics);
        app.get("/api/internal/users/{id}", this::user);
    }

    private void requireAgentToken(Context ctx) {
        if (openGuard(settings.switches)) {
            return;
        }
        String presented = AdminRoutes.bearer(ctx.header("Authorization"));
        // Without a configured token nobody gets in: an unset secret must never mean "no secret needed".
        if (settings.agentServerToken == null || presented == null
                || !Tokens.constantTimeEquals(settings.agentServerToken, presented)) {
            events.record(ctx, "internal.access_denied", "high", null,
                    Map.of("reason", presented == null ? "token_missing" : "token_invalid"));
            throw Reply.error(401, "Unauthorized");
        }
    }

    /**
     * BREAK_INTERNAL_GUARD=1: the guard lets every request in, as one written to check the token only
     * when it is configured does on a deployment where AGENT_SERVER_TOKEN never reached the server.
     */
    static boolean openGuard(Switches switches) {
        return switches.is(Switch.INTERNAL_GUARD, "1");
    }

    /** OCMT's wake-on-request counters; this stand-in never wakes a container, so they stay 0. */
    private static void wakeMetrics(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("totalRequests", 0);
        body.put("alreadyRunning", 0);
        body.put("successfulWakes", 0);
        body.put("failedWakes", 0);
        body.put("timeouts", 0);
        body.put("avgWakeLatencyMs", 0);
        Http.json(ctx, 200, body);
    }

    /** A malformed id is just another unknown user: the answer must not tell ids and garbage apart. */
    private void user(Context ctx) {
        UUID id = Http.uuid(ctx.pathParam("id"));
        Store.User user = id == null ? null : data.userById(id).orElse(null);
        if (user == null) {
            throw Reply.error(404, "User not found");
        }
        Http.json(ctx, 200, Http.userDetails(user));
    }
}
