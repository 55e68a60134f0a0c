package io.ocmt.verify.tls.probe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The key-exchange groups a server accepts, per protocol it accepts, with the cost of finding out
 * and how far the offers were answered. Complete on the same terms as {@link EnumerationResult}:
 * at most {@code maxUnansweredOffers} unanswered offers, no protocol answering some and not others,
 * and every planned offer sent.
 *
 * @param results     one entry per probed protocol, oldest first
 * @param connections TCP connections made in total
 */
public record GroupEnumerationResult(
        String host,
        int port,
        List<GroupResult> results,
        int connections,
        Duration wallTime,
        int maxUnansweredOffers) {

    public GroupEnumerationResult {
        Objects.requireNonNull(host, "host");
        results = List.copyOf(results);
        Objects.requireNonNull(wallTime, "wallTime");
        if (maxUnansweredOffers < 0) {
            throw new IllegalArgumentException("maxUnansweredOffers must not be negative: " + maxUnansweredOffers);
        }
    }

    /** Every accepted (protocol, group) pair. */
    public List<AcceptedGroup> accepted() {
        return results.stream().flatMap(r -> r.pairs().stream()).toList();
    }

    public Optional<GroupResult> groups(TlsProtocol protocol) {
        return results.stream().filter(r -> r.protocol() == protocol).findFirst();
    }

    public OfferCounts offers() {
        return OfferCounts.sum(results.stream().map(GroupResult::offers).toList());
    }

    public boolean tooManyUnanswered() {
        return offers().unanswered() > maxUnansweredOffers;
    }

    /** Protocols that answered some group offers and left others unanswered. */
    public List<GroupResult> answeredThenUnanswered() {
        return results.stream().filter(r -> r.offers().answered() > 0 && r.offers().unanswered() > 0).toList();
    }

    public int notSent() {
        return results.stream().mapToInt(r -> r.notSent().size()).sum();
    }

    public boolean complete() {
        return !tooManyUnanswered() && answeredThenUnanswered().isEmpty() && notSent() == 0;
    }
}
