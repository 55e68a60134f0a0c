package io.ocmt.verify.ratelimit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * How the suite asks one limited endpoint for something its limiter counts: OCMT's request shape
 * for the route, with values the route refuses (a bad magic-link token, a wrong vault password, a
 * wrong recovery code), because limiters count refused requests too and a rate-limit check must
 * change nothing on the target. Login is the exception: OCMT answers 200 to every valid address, so
 * it gets an identity reserved for this suite.
 */
public final class LimitedEndpoint {

    public static final String LOGIN = "/api/auth/login";
    public static final String VERIFY = "/api/auth/verify";
    public static final String VAULT_UNLOCK = "/api/vault/unlock";
    public static final String VAULT_RECOVER = "/api/vault/recover";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One way of sending the same request: as it is, or dressed up as another client or another
     * spelling of the path, which must all spend the same budget.
     *
     * @param name    how findings name it, e.g. "X-Forwarded-For: 203.0.113.7"
     * @param path    turns the policy's path into the one sent
     * @param query   a query string to add, or null
     * @param headers headers to add
     */
    public record Variant(String name, UnaryOperator<String> path, String query, Map<String, String> headers) {

        public static final Variant AS_IS = new Variant("as is", UnaryOperator.identity(), null, Map.of());

        /** Whether this variant claims to be another client, so what it shows is not the runner's own budget. */
        public boolean forwarding() {
            return headers.keySet().stream().map(h -> h.toLowerCase(Locale.ROOT))
                    .anyMatch(h -> h.equals("x-forwarded-for") || h.equals("x-real-ip") || h.equals("forwarded"));
        }
    }

    private final Policy.RateLimit limit;
    private final Supplier<String> identity;

    /**
     * @param identity where login requests ask a link to be sent: an address whose mail only this
     *                 suite reads, or one that cannot receive mail
     */
    public LimitedEndpoint(Policy.RateLimit limit, Supplier<String> identity) {
        this.limit = limit;
        this.identity = identity;
    }

    public Policy.RateLimit limit() {
        return limit;
    }

    /** "authentication (POST /api/auth/login)": how findings and the report name it. */
    public String describe() {
        return describe(limit);
    }

    public static String describe(Policy.RateLimit limit) {
        return limit.name() + " (" + limit.method().toUpperCase(Locale.ROOT) + " " + limit.path() + ")";
    }

    /**
     * Every limited route but the two login steps is sent with a session: OCMT's vault routes answer
     * only a session, and its general limit counts only successful requests, so a request without
     * one is never counted and shows neither the count drop nor a 429.
     */
    public boolean needsSession() {
        String path = canonical(limit.path());
        return !path.equals(LOGIN) && !path.equals(VERIFY);
    }

    /** A vault route: its checks share the vault the suite sets up for them. */
    public boolean isVault() {
        return canonical(limit.path()).startsWith("/api/vault/");
    }

    /** Sends one request as OCMT's clients shape it, with {@code credentials} (a session header) when given. */
    public Exchange send(Http http, Map<String, String> credentials, Variant variant) {
        String path = variant.path().apply(limit.path());
        String query = switch (canonical(limit.path())) {
            case VERIFY -> "token=" + hex(32);
            default -> null;
        };
        if (variant.query() != null) {
            query = query == null ? variant.query() : query + "&" + variant.query();
        }
        Map<String, String> headers = new LinkedHashMap<>(credentials);
        String body = body();
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        if (canonical(limit.path()).equals(VERIFY)) {
            headers.put("Accept", "application/json");
        }
        headers.putAll(variant.headers());
        URI uri = http.target().https(query == null ? path : path + "?" + query);
        String method = limit.method().toUpperCase(Locale.ROOT);
        var spec = http.spec().headers(headers);
        if (body != null) {
            spec.body(body);
        }
        return Http.exchange(method, uri, spec.request(method, uri));
    }

    private String body() {
        return switch (canonical(limit.path())) {
            case LOGIN -> json(Map.of("email", identity.get()));
            case VAULT_UNLOCK -> json(Map.of("password", wrongPassword()));
            case VAULT_RECOVER -> json(Map.of("recoveryCode", wrongRecoveryCode(), "newPassword", "rl-" + hex(12)));
            default -> null;
        };
    }

    /** A password that is not the vault's: random, so no two runs guess alike. */
    public static String wrongPassword() {
        return "wrong-" + hex(12);
    }

    /** Shaped like OCMT's recovery codes (eight groups of four hex digits), and not the vault's. */
    static String wrongRecoveryCode() {
        String hex = hex(16);
        return java.util.stream.IntStream.range(0, 8).mapToObj(i -> hex.substring(i * 4, i * 4 + 4))
                .collect(Collectors.joining("-"));
    }

    /**
     * The ways a client could try to get a fresh budget from the same address, one request each:
     * claiming another address in each forwarding header a proxy may honour (values from the
     * documentation ranges, RFC 5737, so no real host is named), and spelling the path differently.
     */
    public static List<Variant> bypassVariants() {
        String xff = "203.0.113." + (1 + RANDOM.nextInt(254));
        String realIp = "198.51.100." + (1 + RANDOM.nextInt(254));
        String forwarded = "192.0.2." + (1 + RANDOM.nextInt(254));
        return List.of(
                new Variant("X-Forwarded-For: " + xff, UnaryOperator.identity(), null, Map.of("X-Forwarded-For", xff)),
                new Variant("X-Real-IP: " + realIp, UnaryOperator.identity(), null, Map.of("X-Real-IP", realIp)),
                new Variant("Forwarded: for=" + forwarded, UnaryOperator.identity(), null, Map.of("Forwarded", "for=" + forwarded)),
                new Variant("the path in other case", LimitedEndpoint::otherCase, null, Map.of()),
                new Variant("a trailing slash", p -> p.endsWith("/") ? p : p + "/", null, Map.of()),
                new Variant("a query string", UnaryOperator.identity(), "rl=" + hex(4), Map.of()));
    }

    /** /api/auth/login → /API/Auth/Login: a router that matches case-insensitively serves it, a limiter keyed on the raw path would not count it. */
    static String otherCase(String path) {
        String[] segments = path.split("/", -1);
        boolean first = true;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                continue;
            }
            segments[i] = first ? segment.toUpperCase(Locale.ROOT)
                    : segment.substring(0, 1).toUpperCase(Locale.ROOT) + segment.substring(1);
            first = false;
        }
        return String.join("/", segments);
    }

    /** Lower case, no query, no trailing slash: how a path is compared with the policy's. */
    public static String canonical(String path) {
        String p = path;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        p = p.toLowerCase(Locale.ROOT);
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String json(Map<String, String> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
