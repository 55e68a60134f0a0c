package io.ocmt.reference.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ends a request with an OCMT-shaped answer such as {"error":"Authentication required"}.
 * Stackless: it is control flow, never a bug to diagnose.
 */
final class Reply extends RuntimeException {

    private final int status;
    private final Map<String, Object> body;
    private final Map<String, String> headers;

    private Reply(int status, Map<String, Object> body, Map<String, String> headers) {
        super(String.valueOf(body.get("error")), null, false, false);
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    static Reply error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        return new Reply(status, body, new LinkedHashMap<>());
    }

    static Reply error(int status, String message, String code) {
        Reply reply = error(status, message);
        reply.body.put("code", code);
        return reply;
    }

    Reply with(String field, Object value) {
        body.put(field, value);
        return this;
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    int status() {
        return status;
    }

    Map<String, Object> body() {
        return body;
    }

    Map<String, String> headers() {
        return headers;
    }
}
