package io.ocmt.reference.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemoryCounterStoreTest {

    @Test
    void countsBeforeIncrementingAndStartsOverAfterTheWindow() {
        AtomicLong now = new AtomicLong(1_000);
        MemoryCounterStore store = new MemoryCounterStore(now::get);
        assertEquals(new CounterStore.Take(true, 0, 10_000), store.take("k", 2, 10_000));
        now.set(4_000);
        assertEquals(new CounterStore.Take(true, 1, 7_000), store.take("k", 2, 10_000));
        assertEquals(new CounterStore.Take(false, 2, 7_000), store.take("k", 2, 10_000));
        now.set(11_000);
        assertEquals(new CounterStore.Take(true, 0, 10_000), store.take("k", 2, 10_000));
    }

    @Test
    void aRefusalIsNotCounted() {
        AtomicLong now = new AtomicLong(0);
        MemoryCounterStore store = new MemoryCounterStore(now::get);
        store.take("k", 1, 10_000);
        for (int i = 0; i < 5; i++) {
            assertEquals(new CounterStore.Take(false, 1, 10_000), store.take("k", 1, 10_000));
        }
        store.giveBack("k");
        assertEquals(new CounterStore.Take(true, 0, 10_000), store.take("k", 1, 10_000),
                "one give-back frees exactly one place, however many refusals came before");
    }

    @Test
    void giveBackNeverGoesBelowZeroAndKeepsTheWindowsEnd() {
        AtomicLong now = new AtomicLong(0);
        MemoryCounterStore store = new MemoryCounterStore(now::get);
        store.take("k", 5, 10_000);
        now.set(3_000);
        store.giveBack("k");
        store.giveBack("k");
        store.giveBack("never-counted");
        assertEquals(new CounterStore.Take(true, 0, 7_000), store.take("k", 5, 10_000));
    }

    @Test
    void giveBackAfterTheWindowEndedChangesNothing() {
        AtomicLong now = new AtomicLong(0);
        MemoryCounterStore store = new MemoryCounterStore(now::get);
        store.take("k", 5, 1_000);
        now.set(1_000);
        store.giveBack("k");
        assertEquals(new CounterStore.Take(true, 0, 1_000), store.take("k", 5, 1_000));
    }

    @Test
    void expiredWindowsAreDroppedSoManyClientsCannotGrowMemoryForEver() {
        AtomicLong now = new AtomicLong(0);
        MemoryCounterStore store = new MemoryCounterStore(now::get);
        for (int i = 0; i < 1000; i++) {
            store.take("client-" + i, 5, 1_000);
        }
        assertEquals(1000, store.size());
        now.set(120_000);
        store.take("late", 5, 1_000);
        assertEquals(1, store.size());
    }
}
