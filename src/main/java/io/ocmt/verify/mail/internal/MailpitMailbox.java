package io.ocmt.verify.mail.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.mail.MailMessage;
import io.ocmt.verify.mail.MailboxConfig;
import io.ocmt.verify.mail.MailboxException;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Mail read from Mailpit over its HTTP API v1: {@code GET /api/v1/search} to find, {@code GET
 * /api/v1/message/{ID}} for the body, {@code DELETE /api/v1/messages} to delete. Mailpit catches
 * all mail of a deployment in one store, so exact recipient matching is what keeps runs apart.
 */
public final class MailpitMailbox extends PollingMailbox {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int PAGE = 50;
    /** Recipients are unique per run and purpose; more than this many matches means a wrong query, not mail. */
    private static final int MAX_PAGES = 20;
    private static final int SHOWN_BODY_CHARS = 200;

    private final String root;
    private final String authorization;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public MailpitMailbox(MailboxConfig config, Recipients recipients) {
        super(recipients);
        String url = config.mailpitUrl().trim();
        this.root = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = config.username() == null || config.username().isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(
                        (config.username() + ":" + (config.password() == null ? "" : config.password())).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    protected List<MailMessage> find(String recipient) {
        List<MailMessage> found = new ArrayList<>();
        for (JsonNode summary : summaries(recipient)) {
            String id = summary.path("ID").asText();
            JsonNode message = get("/api/v1/message/" + URLEncoder.encode(id, StandardCharsets.UTF_8), true);
            if (message == null) {
                continue; // deleted between the search and now
            }
            String text = message.path("Text").asText("");
            String html = message.path("HTML").asText("");
            found.add(new MailMessage(id, recipient, summary.path("From").path("Address").asText(""),
                    summary.path("Subject").asText(""), received(summary, message),
                    !text.isBlank() || html.isBlank() ? text : BodyText.fromHtml(html)));
        }
        // Mailpit lists newest first; callers get arrival order.
        Collections.reverse(found);
        return found;
    }

    @Override
    public void delete(MailMessage message) {
        deleteIds(List.of(message.id()));
    }

    @Override
    public void deleteAll(String recipient) {
        checkRecipient(recipient);
        List<String> ids = new ArrayList<>();
        summaries(recipient).forEach(s -> ids.add(s.path("ID").asText()));
        deleteIds(ids);
    }

    @Override
    public void close() {
        // java.net.http.HttpClient holds no connection worth closing before Java 21.
    }

    @Override
    protected String describe() {
        return "Mailpit at " + Redactor.url(root);
    }

    /** The search results whose To holds exactly this address; Mailpit's to: is a substring match. */
    private List<JsonNode> summaries(String recipient) {
        String query = URLEncoder.encode("to:\"" + recipient + "\"", StandardCharsets.UTF_8);
        List<JsonNode> exact = new ArrayList<>();
        for (int page = 0, start = 0; page < MAX_PAGES; page++) {
            JsonNode result = get("/api/v1/search?query=" + query + "&start=" + start + "&limit=" + PAGE, false);
            JsonNode messages = result.path("messages");
            for (JsonNode summary : messages) {
                if (addressedTo(summary, recipient)) {
                    exact.add(summary);
                }
            }
            start += messages.size();
            if (messages.size() == 0 || start >= result.path("messages_count").asInt(0)) {
                return exact;
            }
        }
        throw new MailboxException("More than " + MAX_PAGES * PAGE + " messages match to:\"" + recipient + "\" in " + describe()
                + "; recipients are meant to be unique per run");
    }

    private static boolean addressedTo(JsonNode summary, String recipient) {
        for (JsonNode to : summary.path("To")) {
            if (recipient.equalsIgnoreCase(to.path("Address").asText())) {
                return true;
            }
        }
        return false;
    }

    private void deleteIds(List<String> ids) {
        // Mailpit deletes EVERY message when the list is empty: other runs' mail included.
        if (ids.isEmpty()) {
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(Map.of("IDs", ids));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write a list of ids as JSON", e);
        }
        send(request("/api/v1/messages").method("DELETE", HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), "DELETE /api/v1/messages", false);
    }

    /** The parsed JSON answer, or null for a 404 when {@code missingIsNull}. */
    private JsonNode get(String pathAndQuery, boolean missingIsNull) {
        HttpResponse<String> response = send(request(pathAndQuery).GET().header("Accept", "application/json").build(),
                "GET " + pathAndQuery, missingIsNull);
        if (response == null) {
            return null;
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new MailboxException(describe() + " answered GET " + pathAndQuery + " with something other than JSON: "
                    + excerpt(response.body()));
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + pathAndQuery)).timeout(REQUEST_TIMEOUT);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request, String what, boolean missingIsNull) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MailboxException("Cannot reach " + describe() + " for " + what + ": " + e, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailboxException("Interrupted while asking " + describe() + " for " + what);
        }
        if (missingIsNull && response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() / 100 != 2) {
            throw new MailboxException(describe() + " answered " + response.statusCode() + " to " + what
                    + (response.statusCode() == 401 ? " (set the Mailpit username and password)" : "") + ": "
                    + excerpt(response.body()));
        }
        return response;
    }

    /** Created is when Mailpit received it; Date, the message's own, is only the fallback. */
    private static Instant received(JsonNode summary, JsonNode message) {
        for (String value : new String[] {summary.path("Created").asText(""), message.path("Date").asText("")}) {
            try {
                if (!value.isEmpty()) {
                    return OffsetDateTime.parse(value).toInstant();
                }
            } catch (DateTimeParseException e) {
                // try the next one
            }
        }
        return Instant.EPOCH;
    }

    /** Redacted before it is cut: a token cut short no longer looks like one to the Redactor. */
    private static String excerpt(String body) {
        String oneLine = body == null ? "" : Redactor.text(body.replaceAll("\\s+", " ").strip());
        return oneLine.length() <= SHOWN_BODY_CHARS ? oneLine : oneLine.substring(0, SHOWN_BODY_CHARS) + "…";
    }
}
