package io.ocmt.reference.net;

import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address parsed from its text form without any DNS lookup.
 *
 * <p>Parsing is strict on purpose: addresses come from request headers, and a lenient parser
 * (InetAddress accepts "10.1" or octal-looking "010.0.0.1") would let one client spell one address
 * many ways, each a separate rate-limit key. IPv4-mapped IPv6 addresses become IPv4 for the same
 * reason, and {@link #toString()} is the one canonical spelling (RFC 5952 for IPv6).
 */
public final class IpAddress {

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A bare address literal: "192.0.2.1", "2001:db8::1", "[2001:db8::1]", "fe80::1%eth0". */
    public static Optional<IpAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        byte[] parsed = s.indexOf(':') >= 0 ? parseV6(s) : parseV4(s);
        if (parsed == null) {
            return Optional.empty();
        }
        return Optional.of(new IpAddress(unmap(parsed)));
    }

    /**
     * A hop as proxies write it in X-Forwarded-For: a bare address, or one with a port
     * ("192.0.2.1:4711", "[2001:db8::1]:4711").
     */
    public static Optional<IpAddress> parseHop(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
                return Optional.empty();
            }
            return parse(s.substring(0, close + 1));
        }
        int colon = s.indexOf(':');
        if (colon >= 0 && colon == s.lastIndexOf(':') && s.indexOf('.') >= 0) {
            if (!s.substring(colon + 1).matches("[0-9]{1,5}")) {
                return Optional.empty();
            }
            return parse(s.substring(0, colon));
        }
        return parse(s);
    }

    public boolean isV4() {
        return bytes.length == 4;
    }

    byte[] bytes() {
        return bytes.clone();
    }

    private static byte[] unmap(byte[] b) {
        if (b.length != 16) {
            return b;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return b;
            }
        }
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return b;
        }
        return Arrays.copyOfRange(b, 12, 16);
    }

    static byte[] parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            // A leading zero reads as octal to some parsers and decimal to others.
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    static byte[] parseV6(String input) {
        String s = input;
        int zone = s.indexOf('%');
        if (zone >= 0) {
            // The zone only picks a local interface; the address is the same host either way.
            if (zone == s.length() - 1) {
                return null;
            }
            s = s.substring(0, zone);
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        byte[] tailV4 = null;
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.') >= 0) {
            tailV4 = parseV4(s.substring(lastColon + 1));
            if (tailV4 == null) {
                return null;
            }
            s = s.substring(0, lastColon + 1);
            if (s.endsWith("::")) {
                // fine: "::ffff:1.2.3.4" style with the gap right before the IPv4 tail
            } else if (s.endsWith(":")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        int maxGroups = tailV4 == null ? 8 : 6;
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (s.startsWith(":")) {
            return null;
        }
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && s.charAt(i) != ':') {
                i++;
            }
            String group = s.substring(start, i);
            if (group.isEmpty() || group.length() > 4) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < group.length(); k++) {
                int d = Character.digit(group.charAt(k), 16);
                if (d < 0) {
                    return null;
                }
                v = v * 16 + d;
            }
            if (count == maxGroups) {
                return null;
            }
            groups[count++] = v;
            if (i < s.length()) {
                i++; // the ':'
                if (i < s.length() && s.charAt(i) == ':') {
                    if (gap >= 0) {
                        return null;
                    }
                    gap = count;
                    i++;
                } else if (i == s.length()) {
                    return null; // trailing single ':'
                }
            }
        }
        if (gap < 0 && count != maxGroups) {
            return null;
        }
        if (gap >= 0 && count == maxGroups) {
            return null; // "::" must stand for at least one group
        }
        byte[] out = new byte[16];
        int zeros = maxGroups - count;
        int g = 0;
        for (int k = 0; k < count; k++) {
            if (k == gap) {
                g += zeros;
            }
            out[2 * g] = (byte) (groups[k] >> 8);
            out[2 * g + 1] = (byte) groups[k];
            g++;
        }
        if (tailV4 != null) {
            System.arraycopy(tailV4, 0, out, 12, 4);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] g = new int[8];
        for (int k = 0; k < 8; k++) {
            g[k] = ((bytes[2 * k] & 0xff) << 8) | (bytes[2 * k + 1] & 0xff);
        }
        // RFC 5952: compress the longest run (first on a tie) of two or more zero groups.
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - start > bestLen) {
                bestStart = start;
                bestLen = k - start;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[k]));
        }
        return sb.toString();
    }
}
