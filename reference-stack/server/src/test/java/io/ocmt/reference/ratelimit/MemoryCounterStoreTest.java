package io.ocmt.reference.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemoryCounterStoreTest {

    @Test
    void countsWithinTheWindowAndStartsOverAfterIt() {
        AtomicLong now = new AtomicLong(1_000);
        MemoryCounterStore store = new MemoryCounterStore(now::get);
        assertEquals(new CounterStore.Count(1, 10_000), store.hit("k", 10_000));
        now.set(4_000);
        assertEquals(new CounterStore.Count(2, 7_000), store.hit("k", 10_000));
        now.set(11_000);
        assertEquals(new CounterStore.Count(1, 10_000), store.hit("k", 10_000));
    }

    @Test
    void expiredWindowsAreDroppedSoManyClientsCannotGrowMemoryForEver() {
        AtomicLong now = new AtomicLong(0);
        MemoryCounterStore store = new MemoryCounterStore(now::get);
        for (int i = 0; i < 1000; i++) {
            store.hit("client-" + i, 1_000);
        }
        assertEquals(1000, store.size());
        now.set(120_000);
        store.hit("late", 1_000);
        assertEquals(1, store.size());
    }
}
