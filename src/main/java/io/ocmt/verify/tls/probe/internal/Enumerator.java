package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.CipherSuiteResult.ServerOrder;
import io.ocmt.verify.tls.probe.OfferCounts;
import io.ocmt.verify.tls.probe.ProtocolResult;
import io.ocmt.verify.tls.probe.TlsProbeException;
import io.ocmt.verify.tls.probe.TlsProtocol;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds accepted protocols and suites the way testssl.sh does: offer every candidate, note the
 * server's pick, remove it, offer the rest again, until the server refuses.
 *
 * <p>The candidates of a protocol are dealt round-robin into disjoint chunks, and every chunk runs
 * that loop on its own connection sequence. Whether a server accepts a suite does not depend on
 * what else is offered, so the union over chunks is the same set one long loop would find, while
 * up to {@code maxParallel} connections are in flight. Chunks also cap the size of a ClientHello,
 * which some servers cannot take with more than 128 suites.
 */
public final class Enumerator {

    /**
     * What one protocol's scan found. {@code firstOffers} answer "is the protocol accepted at all";
     * {@code offers} counts how every offer of this protocol was answered, or not.
     */
    public record ProtocolScan(
            TlsProtocol protocol,
            List<Offer> firstOffers,
            List<CipherSuite> accepted,
            ServerOrder serverOrder,
            List<String> notes,
            int connections,
            long wallNanos,
            OfferCounts offers) {

        public boolean protocolAccepted() {
            return firstOffers.stream().anyMatch(o -> o.verdict() == Offer.Verdict.ACCEPTED);
        }

        /**
         * Accepted when any chunk's first offer was; otherwise unanswered when any chunk's first
         * offer got no answer (its suites may be the ones the server takes); refused only when
         * every chunk was answered with a refusal.
         */
        public ProtocolResult.Status status() {
            if (protocolAccepted()) {
                return ProtocolResult.Status.ACCEPTED;
            }
            return firstOffers.stream().anyMatch(o -> o.verdict() == Offer.Verdict.UNANSWERED)
                    ? ProtocolResult.Status.UNANSWERED
                    : ProtocolResult.Status.REFUSED;
        }

        /** The offer that best explains the status: an acceptance, an unanswered offer, else the first refusal. */
        public Offer deciding() {
            ProtocolResult.Status status = status();
            if (status == ProtocolResult.Status.REFUSED) {
                return firstOffers.get(0);
            }
            Offer.Verdict wanted = status == ProtocolResult.Status.ACCEPTED ? Offer.Verdict.ACCEPTED : Offer.Verdict.UNANSWERED;
            return firstOffers.stream()
                    .filter(o -> o.verdict() == wanted)
                    .findFirst()
                    .orElse(firstOffers.get(0));
        }
    }

    private final Connector connector;
    private final HelloFactory hellos;
    private final int maxParallel;
    private final int maxSuitesPerHello;

    public Enumerator(Connector connector, HelloFactory hellos, int maxParallel, int maxSuitesPerHello) {
        this.connector = connector;
        this.hellos = hellos;
        this.maxParallel = maxParallel;
        this.maxSuitesPerHello = maxSuitesPerHello;
    }

    /** Registry suites a server may select in the protocol, in code order. */
    public static List<Integer> candidates(TlsProtocol protocol) {
        return CipherSuite.registry().stream()
                .filter(s -> s.negotiableIn(protocol))
                .map(CipherSuite::code)
                .toList();
    }

    /**
     * Scans the protocols concurrently.
     *
     * @param enumerate  false: only the first offer per chunk (is the protocol accepted?)
     * @param checkOrder whether to spend two more connections per protocol on the preference check
     */
    public List<ProtocolScan> scan(List<TlsProtocol> protocols, boolean enumerate, boolean checkOrder) {
        ExecutorService pool = pool(maxParallel, "tls-probe");
        try {
            long start = System.nanoTime();
            // Protocol detection needs no parallelism within a protocol, enumeration does.
            int minChunks = enumerate ? ceilDiv(maxParallel, protocols.size()) : 1;
            List<CompletableFuture<ProtocolScan>> scans = new ArrayList<>();
            for (TlsProtocol p : protocols) {
                Counter counter = new Counter();
                List<CompletableFuture<ChunkResult>> chunks = chunks(candidates(p), minChunks).stream()
                        .map(chunk -> CompletableFuture.supplyAsync(() -> runChunk(p, chunk, enumerate, counter), pool))
                        .toList();
                // The preference check starts as soon as this protocol's chunks are done, not all of them.
                scans.add(CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new))
                        .thenApplyAsync(done -> finish(p, chunks.stream().map(CompletableFuture::join).toList(),
                                checkOrder, counter, start), pool));
            }
            return scans.stream().map(Enumerator::await).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Connections made for one protocol, and how its offers were answered. */
    private static final class Counter {
        final AtomicInteger connections = new AtomicInteger();
        final OfferTally tally = new OfferTally();
    }

    private ProtocolScan finish(TlsProtocol p, List<ChunkResult> chunks, boolean checkOrder,
            Counter counter, long start) {
        TreeSet<Integer> found = new TreeSet<>();
        chunks.forEach(c -> found.addAll(c.found()));
        ServerOrder order = ServerOrder.NOT_APPLICABLE;
        if (checkOrder && found.size() >= 2) {
            Iterator<Integer> it = found.iterator();
            order = serverOrder(p, it.next(), it.next(), counter);
        }
        return new ProtocolScan(
                p,
                chunks.stream().map(ChunkResult::first).toList(),
                found.stream().map(c -> CipherSuite.forCode(c).orElseThrow()).toList(),
                order,
                // Chunks meeting the same oddity would repeat it word for word.
                chunks.stream().flatMap(c -> c.notes().stream()).distinct().toList(),
                counter.connections.get(),
                System.nanoTime() - start,
                counter.tally.snapshot());
    }

    private record ChunkResult(Offer first, List<Integer> found, List<String> notes) {
    }

    /** The testssl.sh loop over one chunk: offer, remove the pick, offer again until refused. */
    private ChunkResult runChunk(TlsProtocol p, List<Integer> chunk, boolean enumerate, Counter counter) {
        List<Integer> remaining = new ArrayList<>(chunk);
        List<Integer> found = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Offer first = null;
        // Every round removes one suite, so the loop ends after at most chunk.size() + 1 offers.
        while (!remaining.isEmpty()) {
            Offer offer = offer(p, remaining, counter);
            if (first == null) {
                first = offer;
            }
            switch (offer.verdict()) {
                case ACCEPTED -> {
                    found.add(offer.selectedSuite());
                    remaining.remove(Integer.valueOf(offer.selectedSuite()));
                }
                case UNOFFERED_SUITE -> notes.add(p + ": " + offer.describe());
                case OTHER_VERSION -> {
                    // Expected while probing a protocol the server lacks; odd once it has accepted it.
                    if (!found.isEmpty()) {
                        notes.add(p + ": " + offer.describe());
                    }
                }
                case REFUSED, UNANSWERED -> {
                    // Either ends the chunk; an unanswered offer is counted, and judged with the others.
                }
            }
            if (!enumerate || offer.verdict() != Offer.Verdict.ACCEPTED) {
                break;
            }
        }
        return new ChunkResult(first, found, notes);
    }

    private ServerOrder serverOrder(TlsProtocol p, int a, int b, Counter counter) {
        Offer ab = offer(p, List.of(a, b), counter);
        Offer ba = offer(p, List.of(b, a), counter);
        if (ab.verdict() != Offer.Verdict.ACCEPTED || ba.verdict() != Offer.Verdict.ACCEPTED) {
            return ServerOrder.UNKNOWN;
        }
        if (ab.selectedSuite() == ba.selectedSuite()) {
            return ServerOrder.SERVER;
        }
        return ab.selectedSuite() == a && ba.selectedSuite() == b ? ServerOrder.CLIENT : ServerOrder.UNKNOWN;
    }

    private Offer offer(TlsProtocol p, List<Integer> suites, Counter counter) {
        counter.connections.incrementAndGet();
        ServerResponse response = connector.exchange(hellos.hello(p, suites));
        counter.tally.record(response);
        return new Offer(p, suites, response);
    }

    /**
     * Deals candidates round-robin into at least minChunks chunks, more if needed to keep every
     * ClientHello within maxSuitesPerHello. Round-robin spreads a server's accepted suites (often
     * neighbours in code order) evenly, so chunks take similar numbers of rounds.
     */
    List<List<Integer>> chunks(List<Integer> candidates, int minChunks) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        int n = Math.min(candidates.size(), Math.max(ceilDiv(candidates.size(), maxSuitesPerHello), minChunks));
        List<List<Integer>> chunks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chunks.add(new ArrayList<>());
        }
        for (int i = 0; i < candidates.size(); i++) {
            chunks.get(i % n).add(candidates.get(i));
        }
        return chunks;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Daemon threads, so that a probe abandoned by a failed test cannot keep the JVM alive. */
    static ExecutorService pool(int size, String name) {
        return Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The probe's own exception as it was thrown in a task, anything else wrapped in one. */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TlsProbeException t) {
                throw t;
            }
            throw new TlsProbeException("probe task failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new TlsProbeException("probe cancelled", e);
        }
    }
}
