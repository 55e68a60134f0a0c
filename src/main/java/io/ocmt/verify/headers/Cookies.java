package io.ocmt.verify.headers;

import io.ocmt.verify.headers.internal.SetCookieHeader;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges how a response sets the session cookie. Findings show the Set-Cookie header with the
 * cookie's value replaced by {@code <redacted>}: a report must never carry a live session token.
 */
public final class Cookies {

    static final String CONTROL = "Set-Cookie";

    private Cookies() {
    }

    /**
     * Every problem with how {@code response} sets {@code cookieName}: no Set-Cookie for it, or one
     * without Secure, without HttpOnly, without SameSite=Lax/Strict, or without Path=/. Each
     * Set-Cookie for that name is judged; the cookie's value never appears in a finding.
     */
    public static List<Finding> judgeSessionCookie(Exchange response, String cookieName) {
        List<Finding> findings = new ArrayList<>();
        String expected = cookieName + " with Secure, HttpOnly, SameSite=Lax or Strict, Path=/";
        List<SetCookieHeader> all = response.all("Set-Cookie").stream().map(SetCookieHeader::parse).toList();
        // Cookie names are case-sensitive (RFC 6265 §5.3 compares them octet by octet).
        List<SetCookieHeader> session = all.stream().filter(c -> c.name().equals(cookieName)).toList();
        if (session.isEmpty()) {
            findings.add(new Finding(CONTROL, response.describe(), expected, all.isEmpty()
                    ? "no Set-Cookie header"
                    : "no Set-Cookie for " + cookieName + "; set were: "
                      + String.join(" | ", all.stream().map(c -> c.name() + "=" + SetCookieHeader.REDACTED).toList())));
            return findings;
        }
        for (SetCookieHeader cookie : session) {
            List<String> wrong = new ArrayList<>();
            if (!cookie.has("Secure")) {
                wrong.add("no Secure, so it also travels over plain HTTP");
            }
            if (!cookie.has("HttpOnly")) {
                wrong.add("no HttpOnly, so scripts can read it");
            }
            Optional<String> sameSite = cookie.last("SameSite");
            if (sameSite.isEmpty()) {
                wrong.add("no SameSite, so the browser's default applies");
            } else if (sameSite.get().equalsIgnoreCase("None")) {
                wrong.add("SameSite=None, so other sites' requests carry it");
            } else if (!sameSite.get().equalsIgnoreCase("Lax") && !sameSite.get().equalsIgnoreCase("Strict")) {
                wrong.add("SameSite=" + sameSite.get() + " is not a SameSite value, so the browser's default applies");
            }
            Optional<String> path = cookie.last("Path");
            if (path.isEmpty()) {
                wrong.add("no Path, so it is scoped to the directory of the request");
            } else if (!path.get().equals("/")) {
                wrong.add("Path=" + path.get() + " instead of /");
            }
            if (!wrong.isEmpty()) {
                findings.add(new Finding(CONTROL, response.describe(), expected,
                        cookie.redacted() + ": " + String.join("; ", wrong)));
            }
        }
        return findings;
    }

    /**
     * How long {@code response} tells the browser to keep {@code cookieName}: its Max-Age, or its
     * Expires measured from the response's own Date (not from this machine's clock at reading, which
     * would shrink the lifetime by however long ago the response arrived). Empty for a session cookie
     * without either.
     */
    public static Optional<Duration> lifetime(Exchange response, String cookieName) {
        for (String header : response.all("Set-Cookie")) {
            SetCookieHeader cookie = SetCookieHeader.parse(header);
            if (!cookie.name().equals(cookieName)) {
                continue;
            }
            Optional<Long> maxAge = cookie.last("Max-Age").flatMap(Cookies::seconds);
            if (maxAge.isPresent()) {
                return Optional.of(Duration.ofSeconds(maxAge.get()));
            }
            Optional<Instant> expires = cookie.last("Expires").flatMap(Cookies::httpDate);
            Optional<Instant> date = response.single("Date").flatMap(Cookies::httpDate);
            if (expires.isPresent() && date.isPresent()) {
                return Optional.of(Duration.between(date.get(), expires.get()));
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> seconds(String value) {
        try {
            return Optional.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
