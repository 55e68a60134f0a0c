package io.ocmt.verify.selftest;

import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each TLS control broken alone in nginx or in the certificate: the TLS suite names the exact pair or property. */
@SelfTest
@DisplayName("Self-test: TLS checks fail naming the offending protocol, suite or certificate property")
class TlsSelfTestIT {

    private static final Class<?> SUITE = io.ocmt.verify.suites.TlsIT.class;

    @Test
    void legacyProtocols() {
        // TLS 1.0 and 1.1 have no AEAD suites, so turning them on brings CBC suites with them.
        assertThat(run(SUITE, "tls-legacy-protocols")).failedOnly("protocols", "cipherSuites")
                .withMessage("protocols", "TLSv1.0 is accepted", "TLSv1.1 is accepted")
                .withMessage("cipherSuites", "TLSv1.0 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "CBC mode");
    }

    @Test
    void cbcSuites() {
        assertThat(run(SUITE, "tls-cbc")).failedOnly("cipherSuites")
                .withMessage("cipherSuites", "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "CBC mode");
    }

    @Test
    void staticRsaKeyExchange() {
        assertThat(run(SUITE, "tls-static-rsa")).failedOnly("cipherSuites")
                .withMessage("cipherSuites", "TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256", "static RSA key exchange: no forward secrecy");
    }

    @Test
    void ariaSuites() {
        assertThat(run(SUITE, "tls-aria")).failedOnly("cipherSuites")
                .withMessage("cipherSuites", "TLSv1.2 TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "ARIA");
    }

    @Test
    void certificateExpiringWithinThirtyDays() {
        assertThat(run(SUITE, "cert-expiring")).failedOnly("certificate")
                .withMessage("certificate", "Certificate expiry", "expires in 10 days");
    }

    @Test
    void certificateForAnotherHostStopsTheRunWithTheReason() {
        assertThat(run(SUITE, "cert-wrong-host")).failedAllWith("target.tlsHost must be a name the certificate is issued for");
    }
}
