package io.ocmt.reference;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.ocmt.reference.api.ApiModule;
import io.ocmt.reference.ratelimit.RateLimits;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The hardened stand-in for OCMT's management server, with its switches applied. */
public final class ReferenceServer {

    /** express.json()'s default limit, "100kb", is 100 * 1024 bytes. */
    static final int BODY_LIMIT_BYTES = 100 * 1024;

    static final String SESSION_COOKIE = "ocmt_session";
    static final String SESSION_HEADER = "X-Session-Token";

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceServer.class);
    private static final String BODY_ATTRIBUTE = "ocmt.body";
    private static final String JSON_ATTRIBUTE = "ocmt.json";
    // Reflecting an arbitrary Host into Location would let a client aim the redirect anywhere odd.
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    private final ServerSettings settings;
    private final SecurityPolicy policy;
    private final Javalin app;

    public ReferenceServer(ServerSettings settings) {
        this(settings, null, app -> { });
    }

    /** With {@code api} (started, may be null) the server also serves OCMT's stateful API. */
    public ReferenceServer(ServerSettings settings, ApiModule api) {
        this(settings, api, app -> { });
    }

    /** extraRoutes lets tests add routes that fail on purpose; production passes none. */
    ReferenceServer(ServerSettings settings, Consumer<Javalin> extraRoutes) {
        this(settings, null, extraRoutes);
    }

    private ReferenceServer(ServerSettings settings, ApiModule api, Consumer<Javalin> extraRoutes) {
        this.settings = settings;
        this.policy = settings.policy();
        JsonErrorHandler jettyErrors = new JsonErrorHandler(policy);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            // Express routing: case-insensitive, trailing slash optional, unknown method is a 404.
            config.router.caseInsensitiveRoutes = true;
            config.router.ignoreTrailingSlashes = true;
            config.http.prefer405over404 = false;
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
                // Jetty otherwise waits for the first body byte before dispatching, so a request
                // announcing an oversized body would get its 413 only once it started sending it.
                http.setDelayDispatchUntilContent(false);
                // A Jetty customizer runs before any handler, so even responses that never reach
                // Javalin's handlers (and Javalin's own 404s) carry the headers.
                http.addCustomizer((connector, channelConfig, request) ->
                        policy.applyTo(request.getResponse()::setHeader));
            });
            config.jetty.modifyServer(server -> server.setErrorHandler(jettyErrors));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(jettyErrors));
            config.pvt.javaLangErrorHandler((res, error) -> {
                LOG.error("Error while serving a request", error);
                res.setStatus(500);
                policy.applyTo(res::setHeader);
                res.setContentType(Json.CONTENT_TYPE);
                try {
                    res.getOutputStream().write(Json.error(500));
                } catch (IOException e) {
                    LOG.debug("Could not write the error body", e);
                }
            });
            config.requestLogger.http((ctx, ms) ->
                    // Path only: query strings may carry tokens, which must not reach the logs.
                    LOG.info("{} {} {} {}ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms)));
        });

        app.before(this::requireHttps);
        // Ahead of the body checks, so requests refused for their body (413, 400) still count.
        RateLimits.install(app, settings);
        app.before(ReferenceServer::readBody);

        UiShell.install(app);
        app.get("/health", this::health);
        app.head("/health", this::health);
        if (api == null) {
            app.get("/api/auth/me", ReferenceServer::me);
            app.head("/api/auth/me", ReferenceServer::me);
        } else {
            api.install(app, policy);
        }

        extraRoutes.accept(app);

        app.exception(HttpsRedirect.class, (e, ctx) -> {
            ctx.header("Location", e.location());
            respond(ctx, 301, null);
        });
        app.exception(ApiError.class, (e, ctx) -> respond(ctx, e.status(), Json.error(e.code(), e.getMessage())));
        // Javalin's own 404 (EndpointNotFound) and any other HttpResponseException it raises.
        app.exception(HttpResponseException.class, (e, ctx) -> {
            int status = ErrorCatalog.errorStatus(e.getStatus());
            respond(ctx, status, Json.error(status));
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("Unexpected exception while serving {} {}", ctx.method(), ctx.path(), e);
            respond(ctx, 500, Json.error("INTERNAL_ERROR", "Internal server error"));
        });
    }

    /** Starts listening on all interfaces and answers the bound port (useful with port 0). */
    public int start() {
        app.start(settings.port());
        return app.port();
    }

    public void stop() {
        app.stop();
    }

    private void respond(Context ctx, int status, byte[] json) {
        // Re-applied because an error path may follow a response reset; set-style, so still once.
        policy.applyTo(ctx::header);
        ctx.status(status);
        if (json == null) {
            ctx.result(new byte[0]);
        } else {
            ctx.contentType(Json.CONTENT_TYPE).result(json);
        }
    }

    /** OCMT in production: anything that did not arrive over HTTPS is sent there, every route included. */
    private void requireHttps(Context ctx) {
        String forwarded = ctx.header("X-Forwarded-Proto");
        String proto = forwarded == null ? "" : forwarded.split(",", 2)[0].trim();
        if (proto.equalsIgnoreCase("https")) {
            return;
        }
        String host = ctx.header("Host");
        if (host == null || !HOST.matcher(host).matches()) {
            throw new ApiError(400, "BAD_REQUEST", "Invalid Host header");
        }
        HttpServletRequest req = ctx.req();
        String query = req.getQueryString();
        throw new HttpsRedirect("https://" + host + req.getRequestURI() + (query == null ? "" : "?" + query));
    }

    /**
     * Enforces the body limit for every request, whatever its content type, and rejects malformed
     * JSON before routing, as express.json() does when it is mounted ahead of the routes.
     */
    private static void readBody(Context ctx) {
        HttpServletRequest req = ctx.req();
        long declared = req.getContentLengthLong();
        if (declared > BODY_LIMIT_BYTES) {
            throw tooLarge();
        }
        boolean hasBody = declared > 0 || req.getHeader("Transfer-Encoding") != null;
        if (!hasBody) {
            ctx.attribute(BODY_ATTRIBUTE, new byte[0]);
            return;
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            // One byte past the limit is enough to know a chunked body is too large.
            body = in.readNBytes(BODY_LIMIT_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw new ApiError(400, "BAD_REQUEST", "Malformed request body");
        }
        if (body.length > BODY_LIMIT_BYTES) {
            throw tooLarge();
        }
        ctx.attribute(BODY_ATTRIBUTE, body);
        if (isJson(ctx.contentType()) && !isBlank(body)) {
            ctx.attribute(JSON_ATTRIBUTE, Json.parseBody(body));
        }
    }

    /**
     * The request's JSON body as parsed before routing (an object or an array), or null when the
     * request had no JSON body: routes read fields from it instead of parsing the body again.
     */
    public static com.fasterxml.jackson.databind.JsonNode jsonBody(Context ctx) {
        return ctx.attribute(JSON_ATTRIBUTE);
    }

    private void health(Context ctx) {
        if (settings.switches().is(Switch.HEALTH, "text")) {
            ctx.contentType("text/plain; charset=utf-8").result("OK");
            return;
        }
        // "degraded": a health route that reports the agent relay and answers 503 while it is down,
        // so an orchestrator restarts a management server that works.
        boolean degraded = settings.switches().is(Switch.HEALTH, "degraded");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", degraded ? "degraded" : "ok");
        body.put("relay", Map.of("connected", !degraded));
        body.put("release", settings.release());
        if (settings.switches().is(Switch.HEALTH, "leaky")) {
            Map<String, Object> versions = new LinkedHashMap<>();
            versions.put("node", "v20.11.1");
            versions.put("express", "4.18.2");
            body.put("versions", versions);
            body.put("redisUrl", "redis://:" + settings.redisPassword() + "@redis:6379");
        }
        ctx.status(degraded ? 503 : 200).contentType(Json.CONTENT_TYPE).result(Json.write(body));
    }

    /** Without a database (no ApiModule) there are no sessions, so every presented token is unknown. */
    private static void me(Context ctx) {
        String cookie = ctx.cookie(SESSION_COOKIE);
        String header = ctx.header(SESSION_HEADER);
        boolean presented = (cookie != null && !cookie.isEmpty()) || (header != null && !header.isEmpty());
        String message = presented ? "Invalid or expired session" : "Authentication required";
        ctx.status(401).contentType(Json.CONTENT_TYPE).result(Json.plainError(message));
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "PAYLOAD_TOO_LARGE", "Request body too large");
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
