package io.ocmt.verify.tls.probe;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether the server accepted a protocol when offered every suite the registry allows in it.
 *
 * @param status what the first offers of the protocol showed
 * @param detail what the server did, e.g. "ServerHello TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
 *               "alert fatal protocol_version(70)" or "no answer within 5000 ms"
 * @param alert  the alert that refused it, if the refusal was an alert
 * @param offers how every offer in this protocol was answered, or not
 */
public record ProtocolResult(TlsProtocol protocol, Status status, String detail, Optional<TlsAlert> alert,
                             OfferCounts offers) {

    public enum Status {
        /** A ServerHello in this protocol with an offered suite. */
        ACCEPTED,
        /** Every first offer was answered with a refusal (an alert, or a hello in another version). */
        REFUSED,
        /**
         * Not accepted, and at least one first offer got silence, a reset or a close: the server
         * never said no to the suites in it. Only the enumeration's completeness can make this a
         * refusal (a server that hangs up instead of alerting, within what the caller tolerates).
         */
        UNANSWERED
    }

    public ProtocolResult {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(offers, "offers");
    }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }

    public boolean unanswered() {
        return status == Status.UNANSWERED;
    }

    @Override
    public String toString() {
        return protocol + " " + status.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail;
    }
}
