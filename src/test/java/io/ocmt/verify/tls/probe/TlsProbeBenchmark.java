package io.ocmt.verify.tls.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Enumerates one server's suites, then its key-exchange groups, several times and prints wall time
 * and TCP connections of each. Not a
 * test: timings belong in a report, not in an assertion that flakes on a busy machine.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.ocmt.verify.tls.probe.TlsProbeBenchmark -Dexec.args="127.0.0.1 4433 10"
 * </pre>
 *
 * The first run warms the JIT and is reported separately.
 */
public final class TlsProbeBenchmark {

    private TlsProbeBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: TlsProbeBenchmark <host> <port> [runs=10] [maxParallel=8]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int parallel = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        TlsProbe probe = TlsProbe.builder().host(host).port(port).maxParallelConnections(parallel).build();

        EnumerationResult warmup = probe.enumerate();
        System.out.printf(Locale.ROOT, "%s:%d  warm-up: %d ms, %d connections%n", host, port,
                warmup.wallTime().toMillis(), warmup.connections());
        for (ProtocolResult p : warmup.protocols()) {
            int suites = warmup.cipherSuites(p.protocol()).map(r -> r.accepted().size()).orElse(0);
            System.out.printf(Locale.ROOT, "  %-8s %-10s %3d suites  %s  (%s)%n", p.protocol(),
                    p.status().name().toLowerCase(Locale.ROOT), suites, p.detail(), p.offers());
        }
        System.out.printf(Locale.ROOT, "  %s: %d of %d offers unanswered (%s)%n", warmup.complete() ? "complete" : "INCOMPLETE",
                warmup.offers().unanswered(), warmup.offers().offers(), warmup.offers().describeUnanswered());

        GroupEnumerationResult groupWarmup = probe.groups(warmup);
        System.out.printf(Locale.ROOT, "groups warm-up: %d ms, %d connections%n", groupWarmup.wallTime().toMillis(),
                groupWarmup.connections());
        for (GroupResult g : groupWarmup.results()) {
            System.out.printf(Locale.ROOT, "  %-8s %2d of %2d groups  %s  (%s)%n", g.protocol(), g.accepted().size(),
                    g.offered().size(), g.accepted(), g.offers());
        }
        System.out.printf(Locale.ROOT, "  %s: %d of %d offers unanswered%n", groupWarmup.complete() ? "complete" : "INCOMPLETE",
                groupWarmup.offers().unanswered(), groupWarmup.offers().offers());

        List<Long> millis = new ArrayList<>();
        List<Integer> connections = new ArrayList<>();
        List<Long> groupMillis = new ArrayList<>();
        List<Integer> groupConnections = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            EnumerationResult r = probe.enumerate();
            millis.add(r.wallTime().toMillis());
            connections.add(r.connections());
            // Against the warm-up's suites, so both series measure the same work every run.
            GroupEnumerationResult g = probe.groups(warmup);
            groupMillis.add(g.wallTime().toMillis());
            groupConnections.add(g.connections());
        }
        summary("suites", runs, parallel, millis, connections);
        summary("groups", runs, parallel, groupMillis, groupConnections);
        System.out.printf(Locale.ROOT, "accepted (protocol, suite) pairs: %d, (protocol, group) pairs: %d%n",
                warmup.accepted().size(), groupWarmup.accepted().size());
        Duration total = Duration.ofMillis(millis.stream().mapToLong(Long::longValue).sum());
        System.out.printf(Locale.ROOT, "total %d ms for %d enumerations%n", total.toMillis(), runs);
    }

    private static void summary(String what, int runs, int parallel, List<Long> millis, List<Integer> connections) {
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "%s: %d runs, parallel %d: wall min %d ms, median %d ms, max %d ms; connections %s%n",
                what, runs, parallel, sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1),
                connections.stream().distinct().toList());
    }
}
