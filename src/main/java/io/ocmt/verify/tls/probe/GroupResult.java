package io.ocmt.verify.tls.probe;

import java.util.List;
import java.util.Objects;

/**
 * The groups the server accepts in one protocol, each found by a ClientHello offering it alone.
 *
 * @param accepted    ordered by code
 * @param offered     every group that was to be offered in this protocol, ordered by code
 * @param unanswered  groups whose offer got silence, a reset or a close: neither accepted nor refused
 * @param notSent     groups never offered because the group enumeration was already incomplete
 * @param notes       anything odd (a group it was not offered, another version) and why some
 *                    groups cannot be probed in this protocol
 * @param connections TCP connections spent on this protocol
 * @param offers      how the offers were answered
 */
public record GroupResult(
        TlsProtocol protocol,
        List<KeyExchangeGroup> accepted,
        List<KeyExchangeGroup> offered,
        List<KeyExchangeGroup> unanswered,
        List<KeyExchangeGroup> notSent,
        List<String> notes,
        int connections,
        OfferCounts offers) {

    public GroupResult {
        Objects.requireNonNull(protocol, "protocol");
        accepted = List.copyOf(accepted);
        offered = List.copyOf(offered);
        unanswered = List.copyOf(unanswered);
        notSent = List.copyOf(notSent);
        notes = List.copyOf(notes);
        Objects.requireNonNull(offers, "offers");
    }

    public List<AcceptedGroup> pairs() {
        return accepted.stream().map(g -> new AcceptedGroup(protocol, g)).toList();
    }
}
