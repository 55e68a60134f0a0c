package io.ocmt.verify.tls.probe;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether the server accepted a protocol when offered every suite the registry allows in it.
 *
 * @param detail what the server did, e.g. "ServerHello TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
 *               or "alert fatal protocol_version(70)"
 * @param alert  the alert that refused it, if the refusal was an alert
 */
public record ProtocolResult(TlsProtocol protocol, boolean accepted, String detail, Optional<TlsAlert> alert) {

    public ProtocolResult {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(alert, "alert");
    }

    @Override
    public String toString() {
        return protocol + (accepted ? " accepted: " : " refused: ") + detail;
    }
}
