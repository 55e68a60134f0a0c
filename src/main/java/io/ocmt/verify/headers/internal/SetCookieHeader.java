package io.ocmt.verify.headers.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@code Set-Cookie} header split the way RFC 6265 §5.2 does: the name, then attributes whose
 * names compare case-insensitively and of which the last occurrence wins. The cookie's value is
 * deliberately not kept: nothing built from this object can leak a session token.
 * ({@link java.net.HttpCookie} would do the splitting but drops SameSite.)
 */
public final class SetCookieHeader {

    /** What findings print in place of a cookie value. */
    public static final String REDACTED = "<redacted>";

    private final String name;
    private final List<Attribute> attributes;
    private final String redacted;

    /** An attribute as sent: name as written, value stripped, or null when it had no '='. */
    public record Attribute(String name, String value) {
    }

    private SetCookieHeader(String name, List<Attribute> attributes, String redacted) {
        this.name = name;
        this.attributes = List.copyOf(attributes);
        this.redacted = redacted;
    }

    public static SetCookieHeader parse(String header) {
        String value = header == null ? "" : header;
        int semicolon = value.indexOf(';');
        String pair = semicolon < 0 ? value : value.substring(0, semicolon);
        String rest = semicolon < 0 ? "" : value.substring(semicolon);
        int equals = pair.indexOf('=');
        // RFC 6265bis: a pair without '=' is a nameless cookie whose value is the whole pair.
        String name = equals < 0 ? "" : pair.substring(0, equals).trim();
        List<Attribute> attributes = new ArrayList<>();
        for (String part : rest.split(";", -1)) {
            String attr = part.trim();
            if (attr.isEmpty()) {
                continue;
            }
            int eq = attr.indexOf('=');
            attributes.add(eq < 0
                    ? new Attribute(attr, null)
                    : new Attribute(attr.substring(0, eq).trim(), attr.substring(eq + 1).trim()));
        }
        String leading = equals < 0 ? "" : pair.substring(0, equals + 1);
        return new SetCookieHeader(name, attributes, leading + REDACTED + rest);
    }

    public String name() {
        return name;
    }

    public List<Attribute> attributes() {
        return attributes;
    }

    public boolean has(String attribute) {
        return attributes.stream().anyMatch(a -> a.name().equalsIgnoreCase(attribute));
    }

    /** The value of the last occurrence of the attribute; "" when it was sent without a value. */
    public Optional<String> last(String attribute) {
        Optional<String> found = Optional.empty();
        for (Attribute a : attributes) {
            if (a.name().equalsIgnoreCase(attribute)) {
                found = Optional.of(a.value() == null ? "" : a.value());
            }
        }
        return found;
    }

    /** The header exactly as sent, except the value: {@code ocmt_session=<redacted>; Path=/; ...}. */
    public String redacted() {
        return redacted;
    }

    @Override
    public String toString() {
        return redacted;
    }
}
