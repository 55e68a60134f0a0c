package io.ocmt.verify.tls.probe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a full probe found, with its cost.
 *
 * @param cipherSuites one entry per accepted protocol, oldest protocol first
 * @param connections  TCP connections made in total
 */
public record EnumerationResult(
        String host,
        int port,
        List<ProtocolResult> protocols,
        List<CipherSuiteResult> cipherSuites,
        int connections,
        Duration wallTime) {

    public EnumerationResult {
        Objects.requireNonNull(host, "host");
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        Objects.requireNonNull(wallTime, "wallTime");
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
}
