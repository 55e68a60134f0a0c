package io.ocmt.verify.mail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Mailpit's API v1 as far as the mailbox uses it, on 127.0.0.1, answering with JSON of the shape
 * Mailpit 1.2x sends (Go's encoding of its MessagesSummary and Message structs). Like Mailpit,
 * {@code to:} is a case-insensitive substring match on the JSON of the To list, and DELETE
 * /api/v1/messages with no IDs deletes everything.
 */
final class FakeMailpit implements AutoCloseable {

    record Stored(String id, String toName, String to, String subject, OffsetDateTime created, String text, String html,
                  int visibleFromSearch) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OffsetDateTime EPOCH = OffsetDateTime.of(2026, 3, 5, 10, 15, 0, 0, ZoneOffset.ofHours(13));

    private final HttpServer server;
    private final List<Stored> store = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger searches = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile String requiredAuthorization;
    private volatile Function<HttpExchange, String[]> override;

    FakeMailpit() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A message visible from the {@code visibleFromSearch}-th search on, so "arrives later" needs no clock. */
    Stored add(String to, String subject, String text, String html, int visibleFromSearch) {
        return add("", to, subject, text, html, visibleFromSearch);
    }

    Stored add(String toName, String to, String subject, String text, String html, int visibleFromSearch) {
        int n = ids.incrementAndGet();
        // Mailpit's IDs are 22 base-62 characters.
        Stored s = new Stored(String.format("Fk%020d", n), toName, to, subject, EPOCH.plusSeconds(n), text, html, visibleFromSearch);
        store.add(s);
        return s;
    }

    List<Stored> stored() {
        return List.copyOf(store);
    }

    int searches() {
        return searches.get();
    }

    void requireBasicAuth(String authorizationHeader) {
        requiredAuthorization = authorizationHeader;
    }

    /** Answers every request with {@code {status, content type, body}} instead. */
    void answerAll(Function<HttpExchange, String[]> answer) {
        override = answer;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + (body.isEmpty() ? "" : " " + body));
            if (override != null) {
                String[] a = override.apply(ex);
                reply(ex, Integer.parseInt(a[0]), a[1], a[2]);
                return;
            }
            if (requiredAuthorization != null && !requiredAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Login\"");
                reply(ex, 401, "text/plain; charset=utf-8", "Unauthorised.\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (method.equals("GET") && path.equals("/api/v1/search")) {
                search(ex);
            } else if (method.equals("GET") && path.startsWith("/api/v1/message/")) {
                message(ex, path.substring("/api/v1/message/".length()));
            } else if (method.equals("DELETE") && path.equals("/api/v1/messages")) {
                List<String> doomed = new ArrayList<>();
                JSON.readTree(body.isEmpty() ? "{}" : body).path("IDs").forEach(id -> doomed.add(id.asText()));
                store.removeIf(s -> doomed.isEmpty() || doomed.contains(s.id()));
                reply(ex, 200, "text/plain", "ok");
            } else {
                reply(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
            }
        } catch (RuntimeException e) {
            reply(ex, 500, "text/plain", e.toString());
        }
    }

    private void search(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String term = q.getOrDefault("query", "");
        if (!term.startsWith("to:")) {
            reply(ex, 400, "text/plain", "this fake only knows to: searches");
            return;
        }
        String needle = term.substring(3).replace("\"", "").toLowerCase(Locale.ROOT);
        int round = searches.incrementAndGet();
        List<Stored> hits = store.stream()
                .filter(s -> s.visibleFromSearch() <= round)
                .filter(s -> toJson(s).toString().toLowerCase(Locale.ROOT).contains(needle))
                .sorted(Comparator.comparing(Stored::created).reversed())
                .collect(Collectors.toList());
        int start = Integer.parseInt(q.getOrDefault("start", "0"));
        int limit = Integer.parseInt(q.getOrDefault("limit", "50"));
        List<Stored> page = hits.subList(Math.min(start, hits.size()), Math.min(start + limit, hits.size()));

        ObjectNode res = JSON.createObjectNode();
        res.put("total", store.size());
        res.put("unread", store.size());
        res.put("count", page.size());
        res.put("messages_count", hits.size());
        res.put("messages_unread", hits.size());
        res.put("start", start);
        res.putArray("tags");
        ArrayNode messages = res.putArray("messages");
        for (Stored s : page) {
            ObjectNode m = messages.addObject();
            m.put("ID", s.id());
            m.put("MessageID", s.id() + "@ocmt.test");
            m.put("Read", false);
            m.set("From", address("OCMT", "no-reply@ocmt.test"));
            m.set("To", toJson(s));
            m.putArray("Cc");
            m.putNull("Bcc");
            m.putArray("ReplyTo");
            m.put("Subject", s.subject());
            m.put("Created", s.created().toString());
            m.put("Username", "");
            m.putArray("Tags");
            m.put("Size", 1834);
            m.put("Attachments", 0);
            m.put("Snippet", s.text().length() > 250 ? s.text().substring(0, 250) : s.text());
        }
        reply(ex, 200, "application/json", res.toString());
    }

    private void message(HttpExchange ex, String id) throws IOException {
        Stored s = store.stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
        if (s == null) {
            reply(ex, 404, "text/plain; charset=utf-8", "Message not found\n");
            return;
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("ID", s.id());
        m.put("MessageID", s.id() + "@ocmt.test");
        m.set("From", address("OCMT", "no-reply@ocmt.test"));
        m.set("To", toJson(s));
        m.putArray("Cc");
        m.putArray("Bcc");
        m.putArray("ReplyTo");
        m.put("ReturnPath", "no-reply@ocmt.test");
        m.put("Subject", s.subject());
        ObjectNode unsubscribe = m.putObject("ListUnsubscribe");
        unsubscribe.put("Header", "");
        unsubscribe.putArray("Links");
        unsubscribe.put("Errors", "");
        unsubscribe.put("HeaderPost", "");
        m.put("Date", s.created().minusSeconds(1).toString());
        m.putArray("Tags");
        m.put("Username", "");
        m.put("Text", s.text());
        m.put("HTML", s.html());
        m.put("Size", 1834);
        m.putArray("Inline");
        m.putArray("Attachments");
        reply(ex, 200, "application/json", m.toString());
    }

    private static ArrayNode toJson(Stored s) {
        ArrayNode to = JSON.createArrayNode();
        to.add(address(s.toName(), s.to()));
        return to;
    }

    private static ObjectNode address(String name, String address) {
        ObjectNode a = JSON.createObjectNode();
        a.put("Name", name);
        a.put("Address", address);
        return a;
    }

    private static Map<String, String> query(String raw) {
        if (raw == null) {
            return Map.of();
        }
        return java.util.Arrays.stream(raw.split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(
                        p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "",
                        (a, b) -> b));
    }

    static void reply(HttpExchange ex, int status, String contentType, String body) {
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                ex.getResponseBody().write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
