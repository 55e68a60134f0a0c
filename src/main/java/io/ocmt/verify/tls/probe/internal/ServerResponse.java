package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.TlsAlert;

/** What a server did with one ClientHello, as far as the probe reads. */
public sealed interface ServerResponse {

    /** A ServerHello or HelloRetryRequest: the server accepted something in the offer. */
    record Hello(ServerHello hello) implements ServerResponse {
    }

    /** A fatal alert (or close_notify) before any ServerHello. */
    record Alert(TlsAlert alert) implements ServerResponse {
    }

    /** The server closed (or, with {@code reset}, aborted) the connection without an answer. */
    record Closed(boolean reset) implements ServerResponse {
    }

    /** Nothing arrived before the read deadline; many servers go quiet on an offer they dislike. */
    record Silent(long waitedMillis) implements ServerResponse {
    }
}
