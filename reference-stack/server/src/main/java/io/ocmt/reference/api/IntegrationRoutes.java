package io.ocmt.reference.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.ocmt.reference.Switch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** A user's provider API keys, kept in user_integrations.api_key_encrypted under ENCRYPTION_KEY. */
final class IntegrationRoutes {

    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");
    private static final int MAX_KEY_LENGTH = 4096;

    private final ApiSettings settings;
    private final Store store;
    private final SessionAuth auth;

    IntegrationRoutes(ApiSettings settings, Store store, SessionAuth auth) {
        this.settings = settings;
        this.store = store;
        this.auth = auth;
    }

    void install(Javalin app) {
        app.get("/api/integrations", this::list);
        app.post("/api/integrations", this::create);
        app.get("/api/integrations/{id}", this::get);
        app.delete("/api/integrations/{id}", this::delete);
    }

    private boolean plaintext() {
        return settings.switches.is(Switch.SECRETS_PLAINTEXT, "1");
    }

    private void list(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        Http.json(ctx, 200, Map.of("integrations", store.integrations(current.user().id())));
    }

    private void create(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        String provider = Http.text(ctx, "provider");
        if (provider == null || !PROVIDER.matcher(provider).matches()) {
            throw Reply.error(400, "Valid provider required");
        }
        String apiKey = Http.text(ctx, "apiKey");
        if (apiKey == null || apiKey.isBlank() || apiKey.length() > MAX_KEY_LENGTH) {
            throw Reply.error(400, "API key required");
        }
        String stored = plaintext() ? apiKey : settings.secrets.encrypt(apiKey);
        UUID id = store.putIntegration(current.user().id(), provider, stored);
        store.audit(current.user().id(), "integration.added", Map.of("provider", provider), Http.clientIp(ctx));
        Http.json(ctx, 201, Map.of("id", id.toString()));
    }

    /** Another user's integration is answered exactly like a missing one. */
    private Store.Integration owned(Context ctx, SessionAuth.Current current) {
        UUID id = Http.uuid(ctx.pathParam("id"));
        if (id == null) {
            throw Reply.error(400, "Invalid integration id");
        }
        return store.integration(current.user().id(), id).orElseThrow(() -> Reply.error(404, "Integration not found"));
    }

    private void get(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        Store.Integration integration = owned(ctx, current);
        String stored = integration.apiKeyStored();
        String apiKey = plaintext() ? stored : settings.secrets.decrypt(stored);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", integration.id().toString());
        body.put("provider", integration.provider());
        body.put("apiKey", apiKey);
        Http.json(ctx, 200, body);
    }

    private void delete(Context ctx) {
        SessionAuth.Current current = auth.require(ctx);
        UUID id = Http.uuid(ctx.pathParam("id"));
        if (id == null) {
            throw Reply.error(400, "Invalid integration id");
        }
        if (!store.deleteIntegration(current.user().id(), id)) {
            throw Reply.error(404, "Integration not found");
        }
        store.audit(current.user().id(), "integration.removed", Map.of("id", id.toString()), Http.clientIp(ctx));
        Http.json(ctx, 200, Map.of("success", true));
    }
}
