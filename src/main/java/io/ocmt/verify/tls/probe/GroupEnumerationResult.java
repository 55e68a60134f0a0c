package io.ocmt.verify.tls.probe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The key-exchange groups a server accepts, per protocol it accepts, with the cost of finding out.
 *
 * @param results     one entry per probed protocol, oldest first
 * @param connections TCP connections made in total
 */
public record GroupEnumerationResult(
        String host,
        int port,
        List<GroupResult> results,
        int connections,
        Duration wallTime) {

    public GroupEnumerationResult {
        Objects.requireNonNull(host, "host");
        results = List.copyOf(results);
        Objects.requireNonNull(wallTime, "wallTime");
    }

    /** Every accepted (protocol, group) pair. */
    public List<AcceptedGroup> accepted() {
        return results.stream().flatMap(r -> r.pairs().stream()).toList();
    }

    public Optional<GroupResult> groups(TlsProtocol protocol) {
        return results.stream().filter(r -> r.protocol() == protocol).findFirst();
    }
}
