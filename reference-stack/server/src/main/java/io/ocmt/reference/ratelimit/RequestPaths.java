package io.ocmt.reference.ratelimit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Maps a request path to the limiters that guard it.
 *
 * <p>The router is case-insensitive and ignores trailing slashes, and Jetty or a proxy in front may
 * decode, collapse or resolve parts of a path. A limiter that compared raw paths could be walked
 * around with {@code /API/auth/verify}, {@code /api/auth/verify/}, {@code //api/auth/verify} or
 * {@code /api/auth/%76erify}, so every spelling is first reduced to one canonical form. Reducing
 * more aggressively than any router would (decoding {@code %2F}, dropping {@code ;params}) only
 * ever counts a request that would not have been served, never misses one that would.
 */
public final class RequestPaths {

    private static final String API = "/api";
    private static final String SESSIONS = "/api/auth/sessions";

    private RequestPaths() {
    }

    /**
     * The limiters for a raw request target (path, maybe with query), in the order OCMT's
     * middleware runs them: the general API limiter mounted on /api first, then the route's own.
     */
    public static List<String> limitersFor(String rawTarget) {
        String path = normalize(rawTarget);
        List<String> out = new ArrayList<>(2);
        if (!path.equals(API) && !path.startsWith(API + "/")) {
            return out;
        }
        out.add(Limiter.GENERAL_API);
        switch (path) {
            case "/api/auth/verify" -> out.add(Limiter.STRICT_AUTH);
            case "/api/auth/login" -> out.add(Limiter.LOGIN);
            case "/api/vault/unlock" -> out.add(Limiter.VAULT_UNLOCK);
            case "/api/vault/recover" -> out.add(Limiter.RECOVERY);
            default -> {
                // OCMT mounts its session limiter on the whole router, so every path below counts.
                if (path.equals(SESSIONS) || path.startsWith(SESSIONS + "/")) {
                    out.add(Limiter.SESSIONS);
                }
            }
        }
        return out;
    }

    /** Lower case, decoded, no query, no empty or dot segments, no trailing slash; "/" at least. */
    public static String normalize(String rawTarget) {
        if (rawTarget == null) {
            return "/";
        }
        String s = rawTarget;
        int cut = indexOfAny(s, '?', '#');
        if (cut >= 0) {
            s = s.substring(0, cut);
        }
        // Double-encoded input ("%252F") is decoded by some stacks twice; follow them to the end.
        for (int round = 0; round < 4; round++) {
            String decoded = percentDecode(s);
            if (decoded.equals(s)) {
                break;
            }
            s = decoded;
        }
        s = s.replace('\\', '/').toLowerCase(Locale.ROOT);
        Deque<String> segments = new ArrayDeque<>();
        for (String raw : s.split("/")) {
            int semicolon = raw.indexOf(';');
            String segment = (semicolon >= 0 ? raw.substring(0, semicolon) : raw).trim();
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(segment);
        }
        return "/" + String.join("/", segments);
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }

    /** UTF-8 percent-decoding that leaves malformed escapes as they are instead of failing. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 3;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(bytes, 0, bytes.length);
                i++;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
