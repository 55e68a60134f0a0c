package io.ocmt.verify.logs;

import io.ocmt.verify.config.Grants;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The target's security log as the environment grants it, read only: a file on this runner (only what
 * was written after a {@link Mark} counts), or an HTTP URL answering its recent lines (only lines
 * stamped after the mark, less a little clock skew, or not stamped at all, count).
 */
public abstract sealed class SecurityLog permits SecurityLog.FileLog, SecurityLog.UrlLog {

    /** Where a test started reading: the file's length then, and the time. */
    public record Mark(long offset, Instant at) {
    }

    /** How far the log's clock may be behind this runner's and a line still count as written after the mark. */
    static final Duration SKEW = Duration.ofSeconds(5);
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})");
    /** Bounded reads: a busy log must not fill the runner's memory. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    public static SecurityLog open(Grants.SecurityLog grant, Duration timeout) {
        return grant.file() != null ? new FileLog(Path.of(grant.file())) : new UrlLog(grant.url(), timeout);
    }

    /** Where the log is, for the report. */
    public abstract String where();

    public abstract Mark mark();

    /** The lines written since {@code mark}, redacted: a log may hold what this suite must never print. */
    public abstract List<String> linesSince(Mark mark);

    static final class FileLog extends SecurityLog {
        private final Path file;

        FileLog(Path file) {
            this.file = file;
        }

        @Override
        public String where() {
            return "file " + file + (Files.exists(file) ? "" : " (which does not exist)");
        }

        @Override
        public Mark mark() {
            try {
                // A log that does not exist yet has nothing old in it: whatever appears in it is new.
                return new Mark(Files.exists(file) ? Files.size(file) : 0, Instant.now());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the security log " + file + " (grants.securityLog.file): " + e.getMessage(), e);
            }
        }

        @Override
        public List<String> linesSince(Mark mark) {
            if (!Files.exists(file)) {
                return List.of();
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                // A log rotated since the mark starts again at 0: everything in it is new.
                long from = size < mark.offset() ? 0 : mark.offset();
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(MAX_BYTES, size - from));
                channel.read(buffer, from);
                return lines(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the security log " + file + ": " + e.getMessage(), e);
            }
        }
    }

    static final class UrlLog extends SecurityLog {
        private final String url;
        private final Duration timeout;
        private final HttpClient client;

        UrlLog(String url, Duration timeout) {
            this.url = url.trim();
            this.timeout = timeout;
            this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        }

        @Override
        public String where() {
            return "URL " + Redactor.url(url);
        }

        @Override
        public Mark mark() {
            return new Mark(0, Instant.now());
        }

        @Override
        public List<String> linesSince(Mark mark) {
            URI uri = URI.create(url.replace("{since}", mark.at().minus(SKEW).toString()));
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("The security log at " + where() + " answered " + response.statusCode());
                }
                String body = response.body();
                return lines(body.length() > MAX_BYTES ? body.substring(body.length() - MAX_BYTES) : body).stream()
                        .filter(line -> stampedAfter(line, mark.at().minus(SKEW))).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the security log at " + where() + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A line with no timestamp counts: only a line known to be older than the mark is left out. */
    static boolean stampedAfter(String line, Instant notBefore) {
        Matcher m = TIMESTAMP.matcher(line);
        if (!m.find()) {
            return true;
        }
        try {
            return !OffsetDateTime.parse(m.group()).toInstant().isBefore(notBefore);
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    static List<String> lines(String text) {
        return Arrays.stream(text.split("\r?\n")).filter(l -> !l.isBlank()).map(Redactor::text).toList();
    }
}
