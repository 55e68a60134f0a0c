package io.ocmt.reference.api;

import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/** Applies {@link CsrfRules} to every request, before any route, and records each refusal. */
final class CsrfGuard {

    private final CsrfRules rules;
    private final SecurityEvents events;

    CsrfGuard(CsrfRules rules, SecurityEvents events) {
        this.rules = rules;
        this.events = events;
    }

    void check(Context ctx) {
        String origin = ctx.header("Origin");
        String referer = ctx.header("Referer");
        CsrfRules.Verdict verdict = rules.judge(ctx.method().name(), ctx.path(), origin, referer,
                ctx.cookie(CsrfRules.COOKIE), ctx.header(CsrfRules.HEADER));
        switch (verdict) {
            case PASS:
                return;
            case ORIGIN_INVALID: {
                Map<String, Object> details = new LinkedHashMap<>();
                // The origin is not a secret; a full Referer might carry one, so only its origin is kept.
                details.put("origin", origin != null && !origin.isEmpty() ? origin : CsrfRules.origin(referer));
                events.record(ctx, "csrf.origin_rejected", "warning", null, details);
                throw Reply.error(403, "CSRF validation failed", "CSRF_ORIGIN_INVALID");
            }
            default: {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("headerPresent", ctx.header(CsrfRules.HEADER) != null);
                events.record(ctx, "csrf.token_rejected", "warning", null, details);
                throw Reply.error(403, "CSRF token invalid", "CSRF_TOKEN_INVALID");
            }
        }
    }
}
