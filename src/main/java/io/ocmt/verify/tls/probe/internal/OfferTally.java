package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.OfferCounts;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the answers to one protocol's offers as they come in, from any number of threads. */
public final class OfferTally {

    private final AtomicInteger serverHellos = new AtomicInteger();
    private final AtomicInteger alerts = new AtomicInteger();
    private final AtomicInteger silent = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();

    public void record(ServerResponse response) {
        // Java 17: no pattern switch over the sealed interface yet.
        if (response instanceof ServerResponse.Hello) {
            serverHellos.incrementAndGet();
        } else if (response instanceof ServerResponse.Alert) {
            alerts.incrementAndGet();
        } else if (response instanceof ServerResponse.Silent) {
            silent.incrementAndGet();
        } else if (response instanceof ServerResponse.Closed c) {
            (c.reset() ? resets : closes).incrementAndGet();
        } else {
            throw new IllegalStateException("unknown response " + response);
        }
    }

    public boolean answeredAny() {
        return serverHellos.get() + alerts.get() > 0;
    }

    public int unanswered() {
        return silent.get() + resets.get() + closes.get();
    }

    public OfferCounts snapshot() {
        return new OfferCounts(serverHellos.get(), alerts.get(), silent.get(), resets.get(), closes.get());
    }
}
