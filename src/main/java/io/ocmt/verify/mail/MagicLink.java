package io.ocmt.verify.mail;

import io.ocmt.verify.report.Redactor;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The sign-in link of a login mail, {@code <USER_UI_URL>/verify?token=<hex>} on OCMT. The token is
 * a credential for fifteen minutes: it is registered with the {@link Redactor} as soon as it is
 * read, and neither {@link #toString()} nor any exception of this class shows it.
 */
public final class MagicLink {

    /** OCMT's path; the prefix a caller passes is the environment's UI URL followed by this, unless configured otherwise. */
    public static final String DEFAULT_PATH = "/verify";

    private static final String TOKEN_PARAMETER = "token";

    private final URI uri;
    private final String token;

    private MagicLink(URI uri, String token) {
        this.uri = uri;
        this.token = token;
    }

    /**
     * The one link in the mail whose URL starts with {@code expectedPrefix}, e.g.
     * {@code "https://app.ocmt.test/verify"}, and its {@code token} query parameter.
     *
     * @throws MailboxException when no link or more than one distinct link matches, or the link has
     *                          no single non-empty token
     */
    public static MagicLink from(MailMessage message, String expectedPrefix) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(expectedPrefix, "expectedPrefix");
        List<URI> links = message.links();
        List<URI> matching = new ArrayList<>();
        for (URI link : links) {
            if (startsWithPrefix(link.toString(), expectedPrefix)) {
                matching.add(link);
            }
        }
        if (matching.isEmpty()) {
            throw new MailboxException("No link starting with " + expectedPrefix + " in the mail to " + message.recipient()
                    + " (subject '" + message.subject() + "'); its links lead to " + withoutQueries(links));
        }
        if (matching.size() > 1) {
            // Two different sign-in links in one mail: picking one would make the check depend on order.
            throw new MailboxException(matching.size() + " different links starting with " + expectedPrefix
                    + " in the mail to " + message.recipient() + "; expected exactly one");
        }
        URI link = matching.get(0);
        List<String> tokens = queryValues(link, TOKEN_PARAMETER);
        if (tokens.size() != 1 || tokens.get(0).isEmpty()) {
            throw new MailboxException("The magic link " + withoutQuery(link) + " in the mail to " + message.recipient()
                    + " has " + (tokens.isEmpty() ? "no" : tokens.size() == 1 ? "an empty" : tokens.size())
                    + " '" + TOKEN_PARAMETER + "' parameter" + (tokens.size() > 1 ? "s" : ""));
        }
        String token = tokens.get(0);
        // From here on the token may surface in a response body or a URL the suite records; the
        // Redactor masks registered values wherever they appear.
        Redactor.registerSecret(token);
        return new MagicLink(link, token);
    }

    /** The whole link, token included: for sending, never for printing. */
    public URI uri() {
        return uri;
    }

    /** The raw token, for {@code GET /api/auth/verify?token=}: for sending, never for printing. */
    public String token() {
        return token;
    }

    @Override
    public String toString() {
        return "MagicLink[" + Redactor.url(uri.toString().replace(token, Redactor.MASK)) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MagicLink other && uri.equals(other.uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    /** "…/verify" must not also accept "…/verify-email" or "…/verifyx". */
    private static boolean startsWithPrefix(String url, String prefix) {
        if (!url.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        if (url.length() == prefix.length() || prefix.endsWith("/") || prefix.endsWith("?")) {
            return true;
        }
        char next = url.charAt(prefix.length());
        return next == '?' || next == '#' || next == '/';
    }

    private static List<String> queryValues(URI uri, String name) {
        List<String> values = new ArrayList<>();
        String query = uri.getRawQuery();
        if (query == null) {
            return values;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.toLowerCase(Locale.ROOT).equals(name)) {
                values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return values;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Where the links lead, enough to see the mismatch; a query may hold a token under any name. */
    private static Set<String> withoutQueries(List<URI> links) {
        Set<String> shown = new LinkedHashSet<>();
        links.forEach(l -> shown.add(withoutQuery(l)));
        return shown;
    }

    private static String withoutQuery(URI link) {
        // Host and port only: user-info in a link would be a credential too.
        String host = link.getHost() == null ? "" : link.getHost() + (link.getPort() < 0 ? "" : ":" + link.getPort());
        String path = link.getRawPath() == null ? "" : link.getRawPath();
        return link.getScheme() + "://" + host + path + (link.getRawQuery() == null ? "" : "?…");
    }
}
