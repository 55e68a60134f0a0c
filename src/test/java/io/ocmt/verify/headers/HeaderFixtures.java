package io.ocmt.verify.headers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shipped default policy and a response shaped like a real OCMT deployment's. */
final class HeaderFixtures {

    static final String HEALTH = "https://ocmt.example/health";

    /** OCMT's helmet CSP as read from its code, with USER_UI_URL filled in. */
    static final String OCMT_CSP = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; "
            + "font-src 'self' https://fonts.gstatic.com data:; img-src 'self' data: blob:; "
            + "connect-src 'self' wss: https://app.ocmt.example; frame-ancestors 'none'; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-src 'none'; upgrade-insecure-requests";

    static final String OCMT_HSTS = "max-age=31536000; includeSubDomains; preload";

    private static Policy policy;

    private HeaderFixtures() {
    }

    /** defaults.yaml's policy subtree; the rest of the file (target, secrets) is not ours to read. */
    static synchronized Policy defaults() {
        if (policy == null) {
            try (InputStream in = HeaderFixtures.class.getResourceAsStream("/io/ocmt/verify/config/defaults.yaml")) {
                ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
                JsonNode root = yaml.readTree(in);
                policy = yaml.treeToValue(root.get("policy"), Policy.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return policy;
    }

    static Policy.HeaderPolicy headerPolicy() {
        return defaults().headers();
    }

    /** Every header helmet sends on an OCMT response behind Caddy; a mutable copy per call. */
    static Map<String, List<String>> ocmtHeaders() {
        Map<String, List<String>> h = new LinkedHashMap<>();
        put(h, "Content-Security-Policy", OCMT_CSP);
        put(h, "Cross-Origin-Opener-Policy", "same-origin");
        put(h, "Cross-Origin-Resource-Policy", "same-origin");
        put(h, "Origin-Agent-Cluster", "?1");
        put(h, "Referrer-Policy", "strict-origin-when-cross-origin");
        put(h, "Strict-Transport-Security", OCMT_HSTS);
        put(h, "X-Content-Type-Options", "nosniff");
        put(h, "X-DNS-Prefetch-Control", "off");
        put(h, "X-Download-Options", "noopen");
        put(h, "X-Frame-Options", "DENY");
        put(h, "X-Permitted-Cross-Domain-Policies", "none");
        put(h, "X-XSS-Protection", "0");
        put(h, "Content-Type", "application/json; charset=utf-8");
        put(h, "Server", "Caddy");
        return h;
    }

    static void put(Map<String, List<String>> headers, String name, String... values) {
        headers.put(name, new ArrayList<>(List.of(values)));
    }

    static Exchange response(Map<String, List<String>> headers) {
        return new Exchange("GET", HEALTH, 200, headers, "{\"status\":\"ok\"}");
    }

    /** OCMT's response with one header replaced (no values = removed). */
    static Exchange ocmtWith(String name, String... values) {
        Map<String, List<String>> h = ocmtHeaders();
        h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        if (values.length > 0) {
            put(h, name, values);
        }
        return response(h);
    }
}
