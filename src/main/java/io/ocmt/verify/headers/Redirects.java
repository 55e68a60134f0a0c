package io.ocmt.verify.headers;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.headers.internal.HeaderText;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Judges the first response to a plain-HTTP request: it must be a permanent redirect to the same
 * URL on https. Only the first hop counts: a chain that reaches https later has already sent the
 * first request, and any cookie on it, in clear text.
 */
public final class Redirects {

    static final String CONTROL = "HTTP→HTTPS redirect";

    private Redirects() {
    }

    /**
     * Every problem with {@code firstHop}, the response to the plain-HTTP request {@code requested}:
     * a status outside {@code policy.statuses()}, and for a redirect a Location that is missing,
     * relative, not https, on another host, or with another path or query than requested.
     */
    public static List<Finding> judgeFirstHop(URI requested, Exchange firstHop, Policy.RedirectPolicy policy) {
        List<Finding> findings = new ArrayList<>();
        String requestedHost = host(requested);
        String target = "https://" + requestedHost + path(requested) + query(requested);
        List<Integer> statuses = policy.statuses() == null ? List.of() : policy.statuses();
        int status = firstHop.status();

        if (!statuses.contains(status)) {
            String wanted = statuses.isEmpty()
                    ? "a redirect"
                    : HeaderText.oneOf(statuses.stream().map(String::valueOf).toList());
            findings.add(new Finding(CONTROL, firstHop.describe(), wanted + " to " + target, statusInWords(status)));
        }
        // A non-redirect has no Location to judge; the status finding above already says it all.
        if (status < 300 || status > 399) {
            return findings;
        }

        String expected = "Location " + target + " (absolute, https, same host, same path and query)";
        List<String> locations = firstHop.all("Location");
        if (locations.isEmpty()) {
            findings.add(new Finding(CONTROL, firstHop.describe(), expected, "no Location header"));
            return findings;
        }
        if (locations.size() > 1) {
            findings.add(new Finding(CONTROL, firstHop.describe(), "one Location header",
                    "sent " + HeaderText.times(locations.size()) + ": " + HeaderText.quotedAll(locations)));
        }
        String location = locations.get(0);
        URI uri;
        try {
            uri = new URI(location.trim());
        } catch (URISyntaxException e) {
            findings.add(new Finding(CONTROL, firstHop.describe(), expected,
                    "Location " + HeaderText.quoted(location) + " is not a valid URI"));
            return findings;
        }
        if (!uri.isAbsolute()) {
            findings.add(new Finding(CONTROL, firstHop.describe(), expected, "Location " + HeaderText.quoted(location)
                    + " is relative, so the browser stays on " + requested.getScheme()));
            return findings;
        }
        List<String> wrong = new ArrayList<>();
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            wrong.add("scheme " + uri.getScheme() + " instead of https");
        }
        String host = host(uri);
        if (host == null || !host.equalsIgnoreCase(requestedHost)) {
            wrong.add("host " + host + " instead of " + requestedHost);
        }
        if (!path(uri).equals(path(requested))) {
            wrong.add("path " + path(uri) + " instead of " + path(requested));
        }
        if (!Objects.equals(uri.getRawQuery(), requested.getRawQuery())) {
            wrong.add(requested.getRawQuery() == null
                    ? "query ?" + uri.getRawQuery() + " added"
                    : uri.getRawQuery() == null
                      ? "query ?" + requested.getRawQuery() + " dropped"
                      : "query ?" + uri.getRawQuery() + " instead of ?" + requested.getRawQuery());
        }
        if (!wrong.isEmpty()) {
            findings.add(new Finding(CONTROL, firstHop.describe(), expected,
                    "Location " + HeaderText.quoted(location) + ": " + String.join(", ", wrong)));
        }
        return findings;
    }

    /**
     * Every problem with {@code firstHop}, the response to the plain-HTTP request {@code requested}
     * sent with {@code header} (Host or X-Forwarded-Host) set to {@code foreignName}, a name that is
     * not the target's: a Location whose host is neither the host of {@code ownUrl} (the target's
     * https address) nor that of {@code requested}. A redirect built from such a header sends whoever
     * gets the response (through a cache one request poisoned, a link with a crafted Host) to a host
     * of the sender's choosing. Refusing the request, or a relative Location, is no finding here:
     * the status and the Location's form are {@link #judgeFirstHop}'s to judge.
     */
    public static List<Finding> judgeForeignHost(URI requested, URI ownUrl, String header, String foreignName,
                                                 Exchange firstHop) {
        String subject = firstHop.method() + " " + firstHop.url() + " with " + header + ": " + foreignName
                + " → " + firstHop.status();
        List<String> own = new ArrayList<>();
        for (URI u : new URI[] {ownUrl, requested}) {
            String h = u == null ? null : host(u);
            if (h != null && own.stream().noneMatch(h::equalsIgnoreCase)) {
                own.add(h);
            }
        }
        String expected = "a Location on the target's own host " + HeaderText.oneOf(own) + " whatever " + header
                + " says, never " + foreignName;
        List<Finding> findings = new ArrayList<>();
        for (String location : firstHop.all("Location")) {
            String host;
            try {
                host = host(new URI(location.trim()));
            } catch (URISyntaxException e) {
                // Unparseable for Java is not unusable for a browser: the name alone shows where it came from.
                host = location.toLowerCase(Locale.ROOT).contains(foreignName.toLowerCase(Locale.ROOT))
                        ? foreignName : null;
            }
            // No host: a relative Location, which the browser resolves against the URL it asked for.
            if (host == null || own.stream().anyMatch(host::equalsIgnoreCase)) {
                continue;
            }
            String why = host.equalsIgnoreCase(foreignName)
                    ? ": the redirect is built from " + header + ", so whoever sets that header chooses where the browser goes"
                    : ": host " + host + " is not the target's";
            findings.add(new Finding(CONTROL, subject, expected, "Location " + HeaderText.quoted(location) + why));
        }
        return findings;
    }

    private static String statusInWords(int status) {
        if (status >= 200 && status < 300) {
            return status + ": plain HTTP serves the content instead of redirecting to https";
        }
        return switch (status) {
            case 302, 303, 307 -> status + ": a temporary redirect, so browsers and caches do not learn "
                    + "that the site lives on https and keep asking over plain HTTP";
            case 301, 308 -> status + ", a permanent redirect, but the policy does not accept it";
            default -> String.valueOf(status);
        };
    }

    /** The empty path and "/" name the same resource, so they compare equal. */
    private static String path(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static String query(URI uri) {
        return uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    }

    /** URI.getHost() is null for hosts it dislikes (underscores); the authority still names them. */
    private static String host(URI uri) {
        if (uri.getHost() != null) {
            return uri.getHost();
        }
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 && !hostPort.endsWith("]") ? hostPort.substring(0, colon) : hostPort;
    }
}
