package io.ocmt.verify.tls.probe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every registry suite the server accepts in one protocol.
 *
 * @param accepted    ordered by code; empty when the protocol is refused
 * @param serverOrder whether the server picks by its own preference
 * @param notes       anything odd the server did (a suite it was not offered, another version)
 * @param connections TCP connections this protocol's enumeration made
 * @param offers      how they were answered: an unanswered offer may hide accepted suites
 */
public record CipherSuiteResult(
        TlsProtocol protocol,
        List<CipherSuite> accepted,
        ServerOrder serverOrder,
        List<String> notes,
        int connections,
        Duration wallTime,
        OfferCounts offers) {

    public CipherSuiteResult {
        Objects.requireNonNull(protocol, "protocol");
        accepted = List.copyOf(accepted);
        Objects.requireNonNull(serverOrder, "serverOrder");
        notes = List.copyOf(notes);
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(offers, "offers");
    }

    public List<AcceptedSuite> pairs() {
        return accepted.stream().map(s -> new AcceptedSuite(protocol, s)).toList();
    }

    /**
     * Found by offering two accepted suites in both orders: the same pick both times means the
     * server enforces its own preference.
     */
    public enum ServerOrder {
        /** The server picks by its own preference, whatever the client's order. */
        SERVER,
        /** The server takes the client's first acceptable suite. */
        CLIENT,
        /** Fewer than two suites accepted, or the check was switched off. */
        NOT_APPLICABLE,
        /** The two answers fit neither pattern (a refusal, or a third suite). */
        UNKNOWN
    }
}
