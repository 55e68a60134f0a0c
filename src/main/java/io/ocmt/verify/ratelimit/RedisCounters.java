package io.ocmt.verify.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.db.RedisProbe;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.opentest4j.TestAbortedException;

/**
 * The rate limiter's counters as Redis holds them, read through the environment's Redis grant: the
 * evidence that limits are counted in one shared store (checklist: "Configure Redis for distributed
 * rate limiting") rather than in each process, where replicas count apart and a restart forgets.
 * Reads only (SCAN, GET, PTTL); a counter is a plain integer (the reference) or OCMT's JSON
 * {@code {"count":n,"windowStart":ms}}.
 */
public final class RedisCounters implements AutoCloseable {

    /**
     * One counter: its key (which names limiter and client address), its count, its time to live
     * (negative: none), and where the value carries it (OCMT's JSON), when its window began.
     */
    public record Counter(String key, long count, long ttlMs, OptionalLong windowStartMs) {

        public Counter(String key, long count, long ttlMs) {
            this(key, count, ttlMs, OptionalLong.empty());
        }

        /**
         * When the count this counter holds stops counting, seen at {@code at}: its window's start plus
         * {@code windowMs} where the value names its start (OCMT keeps the key twice as long as the
         * window), else when Redis drops the key; empty for a key that never expires.
         */
        public Optional<java.time.Instant> countsUntil(java.time.Instant at, long windowMs) {
            if (windowStartMs.isPresent()) {
                return Optional.of(java.time.Instant.ofEpochMilli(windowStartMs.getAsLong() + windowMs));
            }
            return ttlMs < 0 ? Optional.empty() : Optional.of(at.plusMillis(ttlMs));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bounded work on a production Redis: this many keys at most are looked at. */
    private static final int MAX_KEYS = 10_000;

    private final RedisProbe probe;
    private final String pattern;

    private RedisCounters(RedisProbe probe, String pattern) {
        this.probe = probe;
        this.pattern = pattern;
    }

    /**
     * Connects with the grant's password.
     *
     * @throws TestAbortedException when the password secret is missing or refused: nothing can be read
     */
    public static RedisCounters open(Target target) {
        Grants.Redis grant = target.environment().grants().redis();
        RedisProbe probe = RedisProbe.connect(grant.host(), grant.port(), target.connectTimeoutMs());
        Optional<String> password = grant.passwordSecret() == null ? Optional.empty() : target.secrets().find(grant.passwordSecret());
        if (password.isPresent()) {
            RedisProbe.Reply auth = probe.command("AUTH", password.get());
            if (auth.isError() && !auth.text().contains("without any password configured")) {
                probe.close();
                throw new TestAbortedException("Not verified: Redis at " + probe.where() + " refused the password of secret "
                        + grant.passwordSecret() + " (" + Redactor.text(auth.toString()) + "), so its counters cannot be read");
            }
        }
        return new RedisCounters(probe, target.policy().datastore().rateLimitKeyPattern());
    }

    public String where() {
        return probe.where() + " (keys " + pattern + ")";
    }

    /** Every counter under the pattern now. */
    public Map<String, Counter> snapshot() {
        Map<String, Counter> out = new TreeMap<>();
        String cursor = "0";
        do {
            RedisProbe.Reply page = probe.command("SCAN", cursor, "MATCH", pattern, "COUNT", "500");
            if (page.isError() || page.elements().size() != 2) {
                throw new IllegalStateException("Redis at " + probe.where() + " answered SCAN with " + Redactor.text(page.toString()));
            }
            cursor = page.elements().get(0).text();
            for (RedisProbe.Reply key : page.elements().get(1).elements()) {
                if (out.size() >= MAX_KEYS) {
                    return out;
                }
                String k = key.text();
                String value = probe.command("GET", k).text();
                OptionalLong count = count(value);
                if (count.isPresent()) {
                    long ttl = parseLong(probe.command("PTTL", k).text()).orElse(-2);
                    out.put(k, new Counter(k, count.getAsLong(), ttl, windowStart(value)));
                }
            }
        } while (!"0".equals(cursor));
        return out;
    }

    /** The counters that rose from {@code before} to {@code after}, new ones included. */
    public static List<Counter> risen(Map<String, Counter> before, Map<String, Counter> after) {
        List<Counter> out = new ArrayList<>();
        after.forEach((key, now) -> {
            Counter then = before.get(key);
            if (now.count() > (then == null ? 0 : then.count())) {
                out.add(new Counter(key, now.count() - (then == null ? 0 : then.count()), now.ttlMs(), now.windowStartMs()));
            }
        });
        return out;
    }

    /** An integer counter, or the count of OCMT's JSON entry; empty for anything else. */
    static OptionalLong count(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        OptionalLong plain = parseLong(value);
        if (plain.isPresent()) {
            return plain;
        }
        try {
            JsonNode count = JSON.readTree(value).path("count");
            return count.isIntegralNumber() ? OptionalLong.of(count.asLong()) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** OCMT's JSON entry names when its window began. */
    static OptionalLong windowStart(String value) {
        try {
            JsonNode start = value == null ? null : JSON.readTree(value).path("windowStart");
            return start != null && start.isIntegralNumber() ? OptionalLong.of(start.asLong()) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong parseLong(String s) {
        try {
            return s == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        probe.close();
    }
}
