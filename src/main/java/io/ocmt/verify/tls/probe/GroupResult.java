package io.ocmt.verify.tls.probe;

import java.util.List;
import java.util.Objects;

/**
 * The groups the server accepts in one protocol, each found by a ClientHello offering it alone.
 *
 * @param accepted    ordered by code
 * @param offered     every group that was offered in this protocol, ordered by code
 * @param notes       anything odd (a group it was not offered, another version) and why some
 *                    groups cannot be probed in this protocol
 * @param connections TCP connections spent on this protocol
 */
public record GroupResult(
        TlsProtocol protocol,
        List<KeyExchangeGroup> accepted,
        List<KeyExchangeGroup> offered,
        List<String> notes,
        int connections) {

    public GroupResult {
        Objects.requireNonNull(protocol, "protocol");
        accepted = List.copyOf(accepted);
        offered = List.copyOf(offered);
        notes = List.copyOf(notes);
    }

    public List<AcceptedGroup> pairs() {
        return accepted.stream().map(g -> new AcceptedGroup(protocol, g)).toList();
    }
}
