package io.ocmt.verify.tls.probe;

import java.util.Objects;

/** One (protocol, group) pair the server agreed to key-exchange with. */
public record AcceptedGroup(TlsProtocol protocol, KeyExchangeGroup group) {

    public AcceptedGroup {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(group, "group");
    }

    @Override
    public String toString() {
        return protocol + " " + group;
    }
}
