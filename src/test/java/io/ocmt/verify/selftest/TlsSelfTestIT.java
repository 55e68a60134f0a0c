package io.ocmt.verify.selftest;

import io.qameta.allure.Epic;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import static io.ocmt.verify.selftest.BrokenStack.assertThat;
import static io.ocmt.verify.selftest.BrokenStack.run;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each TLS control broken alone in nginx or in the certificate: the TLS suite names the exact pair, group or property. */
@SelfTest
@Epic(SelfTest.EPIC)
@Severity(SeverityLevel.MINOR)
@DisplayName("Self-test: TLS checks fail naming the offending protocol, suite, group or certificate property")
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
    void extraKeyExchangeGroups() {
        // OpenSSL takes secp224r1 only up to TLS 1.2 and ffdhe2048 as a named group only in TLS 1.3.
        assertThat(run(SUITE, "tls-extra-groups")).failedOnly("keyExchangeGroups")
                .withMessage("keyExchangeGroups", "TLSv1.2 secp521r1 is accepted", "TLSv1.3 secp521r1 is accepted",
                        "TLSv1.2 x448 is accepted", "TLSv1.3 x448 is accepted", "TLSv1.3 ffdhe2048 is accepted",
                        "TLSv1.2 secp224r1 is accepted", "not in policy.tls.allowedGroups [x25519, secp256r1, secp384r1]",
                        "ECDH 224-bit, below policy.tls.minEcdhBits 256");
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
