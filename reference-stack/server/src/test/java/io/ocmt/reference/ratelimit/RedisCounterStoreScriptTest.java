package io.ocmt.reference.ratelimit;

import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis scripts without Redis (the end-to-end check runs them on a real one): the hardened one
 * counts with INCR, which keeps the window's expiry, and opens a fresh window for a key that has
 * none; BREAK_RATE_LIMIT_EXPIRY=1 writes counts back with a plain SET, which drops it.
 */
class RedisCounterStoreScriptTest {

    @Test
    void hardenedCountsKeepTheWindowsExpiry() {
        String take = RedisCounterStore.takeScript(true);
        assertTrue(take.contains("redis.call('INCR', KEYS[1])"), take);
        assertTrue(take.contains("if count == nil or ttl < 0 then"), "a key without expiry starts a fresh window: " + take);
        assertFalse(take.contains("count + 1"), take);
    }

    @Test
    void brokenCountsAreWrittenBackWithoutExpiry() {
        String take = RedisCounterStore.takeScript(false);
        assertTrue(take.contains("redis.call('SET', KEYS[1], count + 1)\n"), take);
        assertFalse(take.contains("INCR"), take);
        assertTrue(take.contains("redis.call('SET', KEYS[1], 1, 'PX', ARGV[2])"), "only the first count expires: " + take);
    }

    @Test
    void theSwitchIsAnOrdinaryBreakSwitch() {
        assertTrue(Switches.fromEnvironment(Map.of("BREAK_RATE_LIMIT_EXPIRY", "1")).is(Switch.RATE_LIMIT_EXPIRY, "1"));
        assertEquals("BREAK_RATE_LIMIT_EXPIRY=1", Switches.of(Map.of(Switch.RATE_LIMIT_EXPIRY, "1")).describe());
    }
}
