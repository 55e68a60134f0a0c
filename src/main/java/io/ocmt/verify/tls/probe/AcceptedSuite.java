package io.ocmt.verify.tls.probe;

import java.util.Objects;

/** One (protocol, suite) pair the server agreed to, with the suite's registry classification. */
public record AcceptedSuite(TlsProtocol protocol, CipherSuite suite) {

    public AcceptedSuite {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(suite, "suite");
    }

    @Override
    public String toString() {
        return protocol + " " + suite;
    }
}
