package io.ocmt.reference.api;

import io.javalin.Javalin;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin and internal guards on the wire, over an in-memory stand-in for the database: who gets
 * in, what the refusals look like, where the IP allowlist applies and what each switch opens.
 */
class AdminInternalHttpTest {

    static final String ADMIN_TOKEN = "internal-admin-token-0123456789";
    static final String AGENT_TOKEN = "agent-server-token-9876543210";
    static final String USER_SESSION = "session-of-a-plain-user";
    static final String FLAGGED_SESSION = "session-of-a-flagged-admin";
    static final String LISTED_SESSION = "session-of-an-admin-by-email";
    static final Store.User USER = new Store.User(UUID.randomUUID(), "user@example.test", "active", false,
            Instant.parse("2026-01-01T00:00:00Z"));
    static final Store.User FLAGGED = new Store.User(UUID.randomUUID(), "root@example.test", "active", true,
            Instant.parse("2026-01-01T00:00:00Z"));
    static final Store.User LISTED = new Store.User(UUID.randomUUID(), "ops@example.test", "pending", false,
            Instant.parse("2026-01-02T03:04:05.678Z"));

    /** What the admin and internal routes read, held in memory; the allowlist may change while the server runs. */
    static final class Data implements AdminData {
        final List<AllowlistEntry> allowlist = new CopyOnWriteArrayList<>();

        void allow(String cidr) {
            allowlist.add(new AllowlistEntry(allowlist.size() + 1, cidr, "test " + cidr, Instant.parse("2026-01-01T00:00:00Z")));
        }

        @Override
        public List<AllowlistEntry> adminIpAllowlist() {
            return List.copyOf(allowlist);
        }

        @Override
        public List<Store.User> users() {
            return List.of(USER, FLAGGED, LISTED);
        }

        @Override
        public Map<String, Long> stats() {
            return Map.of("users", 3L);
        }

        @Override
        public Optional<Store.User> userById(UUID id) {
            return users().stream().filter(u -> u.id().equals(id)).findFirst();
        }
    }

    record Response(int status, String body) {
    }

    private final List<Runnable> cleanup = new ArrayList<>();
    private final List<String> rows = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final HttpClient client = HttpClient.newHttpClient();
    private Data data;
    private int port;

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
    }

    private void start(Map<Switch, String> switches, String... env) {
        ApiSettings settings = ApiSettings.fromEnvironment(ApiSettingsTest.env(env), Switches.of(switches));
        data = new Data();
        SecurityEvents events = new SecurityEvents((type, severity, userId, ip, method, path, details) ->
                rows.add(type + " " + details), new PrintStream(stdout, true, StandardCharsets.UTF_8));
        Map<String, Store.User> sessions = Map.of(USER_SESSION, USER, FLAGGED_SESSION, FLAGGED, LISTED_SESSION, LISTED);
        AdminRoutes.SessionUsers sessionUsers = ctx -> {
            String token = ctx.header(SessionAuth.HEADER);
            if (token == null) {
                return Optional.empty();
            }
            return Optional.of(Optional.ofNullable(sessions.get(token))
                    .orElseThrow(() -> Reply.error(401, "Invalid or expired session")));
        };
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.router.caseInsensitiveRoutes = true;
            config.router.ignoreTrailingSlashes = true;
        });
        new AdminRoutes(settings, data, events, sessionUsers).install(app);
        new InternalRoutes(settings, data, events).install(app);
        app.exception(Reply.class, (e, ctx) -> Http.json(ctx, e.status(), e.body()));
        port = app.start(0).port();
        cleanup.add(app::stop);
    }

    private void start(String... env) {
        start(Map.of(), env);
    }

    private Response get(String path, String... headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private static String[] session(String token) {
        return new String[] {SessionAuth.HEADER, token};
    }

    private static final Response NEEDS_AUTH = new Response(401, "{\"error\":\"Authentication required\"}");
    private static final Response NOT_ADMIN = new Response(403, "{\"error\":\"Admin access required\"}");
    private static final Response IP_REFUSED = new Response(403,
            "{\"error\":\"Access denied: IP not in admin allowlist\",\"code\":\"ADMIN_IP_NOT_ALLOWED\"}");
    private static final Response UNAUTHORIZED = new Response(401, "{\"error\":\"Unauthorized\"}");

    @Test
    void theAdminApiAnswersTheInternalAdminTokenAndNothingElse() throws IOException {
        start("INTERNAL_ADMIN_TOKEN", ADMIN_TOKEN, "ADMIN_TOKEN", "the-admin-ui-token");
        for (String path : List.of("/api/admin/users", "/api/admin/stats", "/api/admin/security/ip-allowlist",
                "/api/admin/no/such/route", "/API/Admin/Users/", "/api/admin")) {
            assertEquals(NEEDS_AUTH, get(path), path + " without credentials");
            assertEquals(NEEDS_AUTH, get(path, bearer("wrong-" + ADMIN_TOKEN)), path + " with a wrong Bearer");
            assertEquals(NEEDS_AUTH, get(path, bearer("the-admin-ui-token")), path + ": ADMIN_TOKEN guards the UI only");
        }
        Response users = get("/api/admin/users", bearer(ADMIN_TOKEN));
        assertEquals(200, users.status());
        assertTrue(users.body().startsWith("{\"users\":[{\"id\":\"" + USER.id() + "\",\"email\":\"user@example.test\","
                + "\"status\":\"active\",\"isAdmin\":false,\"createdAt\":\"2026-01-01T00:00:00.000Z\"}"), users.body());
        assertTrue(users.body().endsWith("\"count\":3}"), users.body());
        assertEquals(new Response(200, "{\"users\":3}"), get("/api/admin/stats", bearer(ADMIN_TOKEN)));
        assertEquals(404, get("/api/admin/no/such/route", bearer(ADMIN_TOKEN)).status(), "past the guard, no such route");
        String events = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(events.contains("\"event\":\"admin.access_denied\"") && events.contains("\"reason\":\"credentials_missing\"")
                && events.contains("\"reason\":\"token_invalid\""), events);
        assertFalse(events.contains(ADMIN_TOKEN), "a presented token is never logged");
        assertTrue(rows.contains("admin.access_denied {\"reason\":\"token_invalid\"}"), rows.toString());
    }

    @Test
    void sessionsAreAdminByFlagOrByAdminEmailsAndOtherwiseForbidden() throws IOException {
        start("INTERNAL_ADMIN_TOKEN", ADMIN_TOKEN, "ADMIN_EMAILS", "someone@example.test, OPS@example.test");
        assertEquals(NOT_ADMIN, get("/api/admin/users", session(USER_SESSION)));
        assertEquals(NOT_ADMIN, get("/api/admin/stats", session(USER_SESSION)));
        assertEquals(200, get("/api/admin/users", session(FLAGGED_SESSION)).status());
        assertEquals(200, get("/api/admin/users", session(LISTED_SESSION)).status());
        assertEquals(new Response(401, "{\"error\":\"Invalid or expired session\"}"),
                get("/api/admin/users", session("no-such-session")));
        // A session token is a session credential, never a Bearer admin token.
        assertEquals(NEEDS_AUTH, get("/api/admin/users", bearer(USER_SESSION)));
        assertTrue(rows.contains("admin.access_denied {\"reason\":\"not_admin\"}"), rows.toString());
    }

    @Test
    void withoutInternalAdminTokenNoBearerIsAccepted() throws IOException {
        start("ADMIN_EMAILS", "ops@example.test");
        for (String token : List.of("undefined", "null", "x", ADMIN_TOKEN)) {
            assertEquals(NEEDS_AUTH, get("/api/admin/users", bearer(token)), token);
        }
        assertEquals(NEEDS_AUTH, get("/api/admin/users", "Authorization", "Bearer"));
        assertEquals(200, get("/api/admin/users", session(LISTED_SESSION)).status(), "admin sessions still work");
    }

    @Test
    void theIpAllowlistTableGuardsTheSecurityRoutesOnly() throws IOException {
        start("INTERNAL_ADMIN_TOKEN", ADMIN_TOKEN);
        assertEquals(new Response(200, "{\"entries\":[],\"count\":0}"),
                get("/api/admin/security/ip-allowlist", bearer(ADMIN_TOKEN)), "no rows, no restriction");

        data.allow("10.0.0.0/8");
        data.allow("2001:db8::/32");
        // The test client is 127.0.0.1, in neither range; rows are read on every request.
        for (String path : List.of("/api/admin/security/ip-allowlist", "/API/ADMIN/SECURITY/ip-allowlist/",
                "/api/admin/security", "/api/admin/security/no/such/route")) {
            assertEquals(IP_REFUSED, get(path, bearer(ADMIN_TOKEN)), path);
            assertEquals(IP_REFUSED, get(path), path + ": the allowlist comes before the admin check");
        }
        assertEquals(200, get("/api/admin/users", bearer(ADMIN_TOKEN)).status(), "OCMT: no allowlist on /api/admin/users");
        assertEquals(200, get("/api/admin/stats", bearer(ADMIN_TOKEN)).status());
        assertTrue(rows.contains("admin.access_denied {\"reason\":\"ip_not_allowed\"}"), rows.toString());

        data.allow("127.0.0.0/8");
        assertEquals(new Response(200, "{\"entries\":["
                        + "{\"id\":1,\"cidr\":\"10.0.0.0/8\",\"description\":\"test 10.0.0.0/8\",\"createdAt\":\"2026-01-01T00:00:00.000Z\"},"
                        + "{\"id\":2,\"cidr\":\"2001:db8::/32\",\"description\":\"test 2001:db8::/32\",\"createdAt\":\"2026-01-01T00:00:00.000Z\"},"
                        + "{\"id\":3,\"cidr\":\"127.0.0.0/8\",\"description\":\"test 127.0.0.0/8\",\"createdAt\":\"2026-01-01T00:00:00.000Z\"}"
                        + "],\"count\":3}"),
                get("/api/admin/security/ip-allowlist", bearer(ADMIN_TOKEN)));
        assertEquals(NEEDS_AUTH, get("/api/admin/security/ip-allowlist"), "an allowed address still needs to be admin");
    }

    @Test
    void breakAdminIpAllowlistIgnoresTheRowsButNotTheAdminCheck() throws IOException {
        start(Map.of(Switch.ADMIN_IP_ALLOWLIST, "1"), "INTERNAL_ADMIN_TOKEN", ADMIN_TOKEN);
        data.allow("10.0.0.0/8");
        assertEquals(200, get("/api/admin/security/ip-allowlist", bearer(ADMIN_TOKEN)).status());
        assertEquals(NEEDS_AUTH, get("/api/admin/security/ip-allowlist"));
    }

    @Test
    void breakAdminGuardLetsEveryoneInButTheAllowlistStillApplies() throws IOException {
        start(Map.of(Switch.ADMIN_GUARD, "1"), "INTERNAL_ADMIN_TOKEN", ADMIN_TOKEN);
        assertEquals(200, get("/api/admin/users").status());
        assertEquals(200, get("/api/admin/stats", session(USER_SESSION)).status());
        assertEquals(200, get("/api/admin/security/ip-allowlist").status());
        data.allow("10.0.0.0/8");
        assertEquals(IP_REFUSED, get("/api/admin/security/ip-allowlist"));
    }

    @Test
    void theInternalApiAnswersTheAgentServerTokenAsBearerOnly() throws IOException {
        start("AGENT_SERVER_TOKEN", AGENT_TOKEN);
        String known = "/api/internal/users/" + LISTED.id();
        for (String path : List.of("/api/internal/metrics/wake", known, "/api/internal/no/such/route", "/API/Internal/Metrics/Wake/")) {
            assertEquals(UNAUTHORIZED, get(path), path + " without a token");
            assertEquals(UNAUTHORIZED, get(path, bearer("wrong-" + AGENT_TOKEN)), path + " with a wrong token");
            assertEquals(UNAUTHORIZED, get(path, "x-auth-token", AGENT_TOKEN), path + ": the agent server's header is not this API's");
        }
        assertEquals(new Response(200, "{\"totalRequests\":0,\"alreadyRunning\":0,\"successfulWakes\":0,\"failedWakes\":0,"
                + "\"timeouts\":0,\"avgWakeLatencyMs\":0}"), get("/api/internal/metrics/wake", bearer(AGENT_TOKEN)));
        assertEquals(new Response(200, "{\"id\":\"" + LISTED.id() + "\",\"email\":\"ops@example.test\",\"status\":\"pending\","
                + "\"isAdmin\":false,\"createdAt\":\"2026-01-02T03:04:05.678Z\"}"), get(known, bearer(AGENT_TOKEN)));
        Response notFound = new Response(404, "{\"error\":\"User not found\"}");
        assertEquals(notFound, get("/api/internal/users/" + UUID.randomUUID(), bearer(AGENT_TOKEN)));
        assertEquals(notFound, get("/api/internal/users/not-a-uuid", bearer(AGENT_TOKEN)));
        assertEquals(404, get("/internal/containers", "x-auth-token", AGENT_TOKEN).status(), "the old internal API is gone");
        String events = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(events.contains("\"event\":\"internal.access_denied\""), events);
        assertFalse(events.contains(AGENT_TOKEN), "a presented token is never logged");
    }

    @Test
    void withoutAgentServerTokenTheInternalApiRefusesEveryone() throws IOException {
        start("INTERNAL_ADMIN_TOKEN", ADMIN_TOKEN);
        for (String token : List.of("undefined", "null", AGENT_TOKEN, ADMIN_TOKEN)) {
            assertEquals(UNAUTHORIZED, get("/api/internal/metrics/wake", bearer(token)), token);
        }
    }

    @Test
    void anOpenInternalGuardAnswersEveryoneAndTheAdminApiStaysGuarded() throws IOException {
        start(Map.of(Switch.INTERNAL_GUARD, "1"), "AGENT_SERVER_TOKEN", AGENT_TOKEN, "INTERNAL_ADMIN_TOKEN", ADMIN_TOKEN);
        for (String[] headers : List.of(new String[0], bearer("wrong-" + AGENT_TOKEN), new String[] {"x-auth-token", "wrong"})) {
            assertEquals(200, get("/api/internal/metrics/wake", headers).status(), String.join(" ", headers));
        }
        assertEquals(200, get("/api/internal/users/" + LISTED.id()).status());
        assertEquals(NEEDS_AUTH, get("/api/admin/users"), "only the internal guard is open");
    }

    @Test
    void settingsNameTheVariablesAndKeepSecretsOutOfTheLog() {
        Map<String, String> env = new HashMap<>(ApiSettingsTest.env("INTERNAL_ADMIN_TOKEN", ADMIN_TOKEN,
                "AGENT_SERVER_TOKEN", AGENT_TOKEN, "ADMIN_EMAILS", "a@example.test,b@example.test"));
        String describe = ApiSettings.fromEnvironment(env, Switches.none()).describe();
        assertTrue(describe.contains("INTERNAL_ADMIN_TOKEN set, 2 ADMIN_EMAILS"), describe);
        assertTrue(describe.contains("AGENT_SERVER_TOKEN set"), describe);
        assertFalse(describe.contains(ADMIN_TOKEN) || describe.contains(AGENT_TOKEN), describe);
        String unset = ApiSettings.fromEnvironment(ApiSettingsTest.env(), Switches.of(Map.of(Switch.ADMIN_IP_ALLOWLIST, "1")))
                .describe();
        assertTrue(unset.contains("INTERNAL_ADMIN_TOKEN NOT SET (no Bearer is accepted)"), unset);
        assertTrue(unset.contains("NOT ENFORCED (BREAK_ADMIN_IP_ALLOWLIST)"), unset);
        assertTrue(unset.contains("AGENT_SERVER_TOKEN NOT SET (/api/internal refuses everyone)"), unset);
    }
}
