package io.ocmt.reference.api;

import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Security events (failed logins, refused admin and internal calls, CSRF refusals, vault unlock
 * failures) as one JSON line each on stdout, marked {"type":"security_event"} so a log shipper can
 * pick them out, and as rows of security_events. Callers pass only non-secret details: never a
 * token, a link, a password or a cookie; the path is logged without its query string for the
 * same reason.
 */
final class SecurityEvents {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityEvents.class);

    /** Where the row goes: {@link Store#securityEvent} in production. */
    interface Table {
        void insert(String type, String severity, UUID userId, String ip, String method, String path, String detailsJson);
    }

    private final Table table;
    private final PrintStream out;

    SecurityEvents(Table table, PrintStream out) {
        this.table = table;
        this.out = out;
    }

    void record(Context ctx, String event, String severity, UUID userId, Map<String, Object> details) {
        String ip = Http.clientIp(ctx);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "security_event");
        line.put("event", event);
        line.put("severity", severity);
        line.put("timestamp", Http.iso(Instant.now()));
        line.put("ip", ip);
        line.put("method", ctx.method().name());
        line.put("path", ctx.path());
        if (userId != null) {
            line.put("userId", userId.toString());
        }
        line.put("details", details == null ? Map.of() : details);
        out.println(new String(Http.bytes(line), java.nio.charset.StandardCharsets.UTF_8));
        try {
            table.insert(event, severity, userId, ip, ctx.method().name(), ctx.path(),
                    new String(Http.bytes(details == null ? Map.of() : details), java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // The refusal itself must still be answered; the stdout line above already has the event.
            LOG.warn("Could not store security event {}: {}", event, e.getMessage());
        }
    }
}
