package io.ocmt.verify.tls.probe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a full probe found, with its cost and how far its offers were answered.
 *
 * <p>Only alerts are refusals. An enumeration is {@link #complete()} when at most
 * {@code maxUnansweredOffers} offers went unanswered (silence, reset, close) in all, and no
 * protocol that answered some offers left others unanswered. An incomplete one still lists what
 * was accepted, but an absent protocol or suite may be one a firewall or IPS kept the probe from
 * seeing: judge it as "not verified", never as "refused".
 *
 * @param cipherSuites        one entry per accepted protocol, oldest protocol first
 * @param connections         TCP connections made in total
 * @param maxUnansweredOffers how many unanswered offers (in protocols that never answered) the
 *                            caller tolerates as a server hanging up instead of alerting
 */
public record EnumerationResult(
        String host,
        int port,
        List<ProtocolResult> protocols,
        List<CipherSuiteResult> cipherSuites,
        int connections,
        Duration wallTime,
        int maxUnansweredOffers) {

    public EnumerationResult {
        Objects.requireNonNull(host, "host");
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        Objects.requireNonNull(wallTime, "wallTime");
        if (maxUnansweredOffers < 0) {
            throw new IllegalArgumentException("maxUnansweredOffers must not be negative: " + maxUnansweredOffers);
        }
    }

    /** Every accepted (protocol, suite) pair. */
    public List<AcceptedSuite> accepted() {
        return cipherSuites.stream().flatMap(r -> r.pairs().stream()).toList();
    }

    public List<TlsProtocol> acceptedProtocols() {
        return protocols.stream().filter(ProtocolResult::accepted).map(ProtocolResult::protocol).toList();
    }

    public Optional<CipherSuiteResult> cipherSuites(TlsProtocol protocol) {
        return cipherSuites.stream().filter(r -> r.protocol() == protocol).findFirst();
    }

    /** How every offer of the enumeration was answered, summed over the protocols. */
    public OfferCounts offers() {
        return OfferCounts.sum(protocols.stream().map(ProtocolResult::offers).toList());
    }

    /** More offers went unanswered than the caller tolerates. */
    public boolean tooManyUnanswered() {
        return offers().unanswered() > maxUnansweredOffers;
    }

    /**
     * Protocols that answered some offers and left others unanswered: a server is consistent in
     * how it refuses, so this is something in the way, whatever the tolerance.
     */
    public List<ProtocolResult> answeredThenUnanswered() {
        return protocols.stream().filter(p -> p.offers().answered() > 0 && p.offers().unanswered() > 0).toList();
    }

    /** Every offer answered, or the unanswered ones few enough to take for a server that hangs up to refuse. */
    public boolean complete() {
        return !tooManyUnanswered() && answeredThenUnanswered().isEmpty();
    }
}
