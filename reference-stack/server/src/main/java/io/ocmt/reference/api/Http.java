package io.ocmt.reference.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.ocmt.reference.ReferenceServer;
import io.ocmt.reference.net.ClientAddress;
import io.ocmt.reference.net.IpAddress;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** Request and response plumbing shared by the API's routes. */
final class Http {

    static final String JSON = "application/json; charset=utf-8";
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** JavaScript's Date.toISOString(), which is what OCMT's JSON carries for timestamps. */
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter COOKIE_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Http() {
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(bytes(body));
    }

    static byte[] bytes(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text field of the JSON body; null when the body, the field or its string type is missing. */
    static String text(Context ctx, String field) {
        JsonNode node = field(ctx, field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    static JsonNode field(Context ctx, String field) {
        JsonNode body = ReferenceServer.jsonBody(ctx);
        if (body == null || !body.isObject()) {
            return null;
        }
        return body.get(field);
    }

    static UUID uuid(String text) {
        return text != null && UUID_TEXT.matcher(text).matches() ? UUID.fromString(text) : null;
    }

    static String iso(Instant instant) {
        return instant == null ? null : ISO_MILLIS.format(instant);
    }

    /** The client address through trusted proxies, as every other control sees it; null unless it is an IP. */
    static String clientIp(Context ctx) {
        String ip = ClientAddress.resolve(ctx);
        return IpAddress.parse(ip).map(IpAddress::toString).orElse(null);
    }

    static String userAgent(Context ctx) {
        String ua = ctx.header("User-Agent");
        return ua == null ? null : ua.length() > 512 ? ua.substring(0, 512) : ua;
    }

    /** Written by hand to get Express's exact attribute order and spelling. */
    static void setCookie(Context ctx, String name, String value, Instant expires, boolean httpOnly, String sameSite) {
        ctx.res().addHeader("Set-Cookie", cookie(name, value, expires, httpOnly, sameSite));
    }

    /** The Set-Cookie value Express writes for res.cookie(name, value, {expires, httpOnly, secure: true, sameSite}). */
    static String cookie(String name, String value, Instant expires, boolean httpOnly, String sameSite) {
        StringBuilder c = new StringBuilder(name).append('=').append(value).append("; Path=/");
        if (expires != null) {
            c.append("; Expires=").append(cookieDate(expires));
        }
        if (httpOnly) {
            c.append("; HttpOnly");
        }
        c.append("; Secure; SameSite=").append(sameSite);
        return c.toString();
    }

    static String cookieDate(Instant instant) {
        return COOKIE_DATE.format(instant);
    }

    static void setCookie(Context ctx, String name, String value, long maxAgeSeconds, boolean httpOnly, String sameSite) {
        StringBuilder c = new StringBuilder(name).append('=').append(value)
                .append("; Max-Age=").append(maxAgeSeconds).append("; Path=/")
                .append("; Expires=").append(COOKIE_DATE.format(Instant.now().plusSeconds(maxAgeSeconds)));
        if (httpOnly) {
            c.append("; HttpOnly");
        }
        c.append("; Secure; SameSite=").append(sameSite);
        ctx.res().addHeader("Set-Cookie", c.toString());
    }

    static void clearCookie(Context ctx, String name, boolean httpOnly, String sameSite) {
        setCookie(ctx, name, "", Instant.EPOCH, httpOnly, sameSite);
    }

    static Map<String, Object> user(Store.User u) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", u.id().toString());
        m.put("email", u.email());
        m.put("status", u.status());
        return m;
    }

    /** What the admin and internal APIs show of a user: the public fields plus the admin flag and creation time. */
    static Map<String, Object> userDetails(Store.User u) {
        Map<String, Object> m = user(u);
        m.put("isAdmin", u.isAdmin());
        m.put("createdAt", iso(u.createdAt()));
        return m;
    }
}
