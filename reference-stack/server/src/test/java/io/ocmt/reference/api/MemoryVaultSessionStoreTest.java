package io.ocmt.reference.api;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryVaultSessionStoreTest {

    /** A clock the test moves by hand, so no test waits for real time to pass. */
    static final class ManualClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    final ManualClock clock = new ManualClock();
    final MemoryVaultSessionStore store = new MemoryVaultSessionStore(clock);
    final UUID user = UUID.randomUUID();

    @Test
    void backoffDoublesFromTheBaseAndIsCapped() {
        assertEquals(1000, VaultSessionStore.window(1, 1000, 300_000));
        assertEquals(2000, VaultSessionStore.window(2, 1000, 300_000));
        assertEquals(4000, VaultSessionStore.window(3, 1000, 300_000));
        assertEquals(256_000, VaultSessionStore.window(9, 1000, 300_000));
        assertEquals(300_000, VaultSessionStore.window(10, 1000, 300_000));
        assertEquals(300_000, VaultSessionStore.window(10_000, 1000, 300_000));
        assertEquals(Long.MAX_VALUE / 2, VaultSessionStore.window(200, Long.MAX_VALUE / 4, Long.MAX_VALUE / 2));
    }

    @Test
    void failuresStartWindowsThatExpire() {
        assertEquals(0, store.backoffRemainingMs(user));
        assertEquals(1000, store.recordFailure(user, 1000, 300_000));
        assertEquals(1000, store.backoffRemainingMs(user));
        clock.millis += 400;
        assertEquals(600, store.backoffRemainingMs(user));
        clock.millis += 600;
        assertEquals(0, store.backoffRemainingMs(user));
        assertEquals(2000, store.recordFailure(user, 1000, 300_000));
        clock.millis += 2000;
        assertEquals(4000, store.recordFailure(user, 1000, 300_000));
        store.clearFailures(user);
        assertEquals(0, store.backoffRemainingMs(user));
        assertEquals(1000, store.recordFailure(user, 1000, 300_000));
    }

    @Test
    void failuresAreForgottenLongAfterTheLastWindow() {
        store.recordFailure(user, 1000, 300_000);
        store.recordFailure(user, 1000, 300_000);
        clock.millis += 2000 + VaultSessionStore.FORGET_AFTER_MS;
        assertEquals(1000, store.recordFailure(user, 1000, 300_000));
    }

    @Test
    void oneUnlockAttemptAtATimePerUser() {
        assertTrue(store.beginAttempt(user, 30_000));
        assertFalse(store.beginAttempt(user, 30_000));
        assertTrue(store.beginAttempt(UUID.randomUUID(), 30_000), "other users are not held up");
        store.endAttempt(user);
        assertTrue(store.beginAttempt(user, 30_000));
        clock.millis += 30_000;
        assertTrue(store.beginAttempt(user, 30_000), "a slot left by a crashed attempt expires");
    }

    @Test
    void sessionsExpireAndCanBeDeleted() {
        byte[] key = new byte[32];
        key[0] = 42;
        String token = store.create(user, key, 10);
        assertTrue(token.matches("[0-9a-f]{64}"));
        assertArrayEquals(key, store.find(token).orElseThrow().key());
        assertEquals(user, store.find(token).orElseThrow().userId());
        clock.millis += 9_999;
        assertTrue(store.find(token).isPresent());
        clock.millis += 1;
        assertTrue(store.find(token).isEmpty());
        String other = store.create(user, key, 10);
        store.delete(other);
        assertTrue(store.find(other).isEmpty());
        assertTrue(store.find("nope").isEmpty());
    }
}
