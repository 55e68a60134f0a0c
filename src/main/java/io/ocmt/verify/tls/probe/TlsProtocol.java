package io.ocmt.verify.tls.probe;

import java.util.Optional;

/**
 * The protocol versions the probe can offer. SSLv2 is absent on purpose: its ClientHello has a
 * different framing and no server worth testing still speaks it.
 */
public enum TlsProtocol {
    SSL_3_0(0x0300, "SSLv3"),
    TLS_1_0(0x0301, "TLSv1.0"),
    TLS_1_1(0x0302, "TLSv1.1"),
    TLS_1_2(0x0303, "TLSv1.2"),
    TLS_1_3(0x0304, "TLSv1.3");

    private final int code;
    private final String label;

    TlsProtocol(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The two-byte version number on the wire, e.g. 0x0303 for TLS 1.2. */
    public int code() {
        return code;
    }

    /** The label used in the cipher-suite registry and in reports, e.g. {@code TLSv1.2}. */
    public String label() {
        return label;
    }

    public static Optional<TlsProtocol> fromCode(int code) {
        for (TlsProtocol p : values()) {
            if (p.code == code) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static TlsProtocol fromLabel(String label) {
        for (TlsProtocol p : values()) {
            if (p.label.equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol label: " + label);
    }

    @Override
    public String toString() {
        return label;
    }
}
