package io.ocmt.verify.tls;

import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * {@code assertThat(handshake).negotiated("TLSv1.3").withSuiteIn(policy.allowedSuites())}: failures
 * say what was expected, what was negotiated, and with which endpoint.
 */
public final class HandshakeAssert extends AbstractAssert<HandshakeAssert, Handshake> {

    private HandshakeAssert(Handshake actual) {
        super(actual, HandshakeAssert.class);
    }

    public static HandshakeAssert assertThat(Handshake handshake) {
        return new HandshakeAssert(handshake);
    }

    public HandshakeAssert negotiated(String protocol) {
        isNotNull();
        if (!protocol.equals(actual.protocol())) {
            failWithMessage("Expected a modern client to negotiate %s with %s, but it negotiated %s (%s)",
                    protocol, actual.endpoint(), actual.protocol(), actual.cipherSuite());
        }
        return this;
    }

    public HandshakeAssert withSuiteIn(List<String> allowedSuites) {
        isNotNull();
        if (allowedSuites.stream().noneMatch(actual.cipherSuite()::equalsIgnoreCase)) {
            failWithMessage("Expected a modern client to get one of the policy's suites %s from %s, but it got %s over %s",
                    allowedSuites, actual.endpoint(), actual.cipherSuite(), actual.protocol());
        }
        return this;
    }
}
