package io.ocmt.verify.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counters as the reference stores them (an integer) and as OCMT does (JSON), and what counts as risen. */
class RedisCountersTest {

    @Test
    void readsAnIntegerOrOcmtsJsonEntry() {
        assertThat(RedisCounters.count("7")).hasValue(7);
        assertThat(RedisCounters.count("{\"count\":3,\"windowStart\":1764580000000}")).hasValue(3);
        assertThat(RedisCounters.count("{\"windowStart\":1}")).isEmpty();
        assertThat(RedisCounters.count("not a counter")).isEmpty();
        assertThat(RedisCounters.count(null)).isEmpty();
    }

    @Test
    void risenAreTheCountersThatGrewOrAppeared() {
        Map<String, RedisCounters.Counter> before = Map.of(
                "ocmt:ratelimit:management:login:10.0.0.1", new RedisCounters.Counter("ocmt:ratelimit:management:login:10.0.0.1", 2, 500),
                "ocmt:ratelimit:management:login:10.0.0.2", new RedisCounters.Counter("ocmt:ratelimit:management:login:10.0.0.2", 4, 500));
        Map<String, RedisCounters.Counter> after = Map.of(
                "ocmt:ratelimit:management:login:10.0.0.1", new RedisCounters.Counter("ocmt:ratelimit:management:login:10.0.0.1", 5, 400),
                "ocmt:ratelimit:management:login:10.0.0.2", new RedisCounters.Counter("ocmt:ratelimit:management:login:10.0.0.2", 4, 400),
                "ocmt:ratelimit:management:strict-auth:10.0.0.1",
                new RedisCounters.Counter("ocmt:ratelimit:management:strict-auth:10.0.0.1", 1, 900));
        assertThat(RedisCounters.risen(before, after)).containsExactlyInAnyOrder(
                new RedisCounters.Counter("ocmt:ratelimit:management:login:10.0.0.1", 3, 400),
                new RedisCounters.Counter("ocmt:ratelimit:management:strict-auth:10.0.0.1", 1, 900));
        assertThat(RedisCounters.risen(after, after)).isEmpty();
    }
}
