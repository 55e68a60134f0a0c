package io.ocmt.verify.tls.probe;

/**
 * The probe could not get a usable answer: the peer is not a TLS server, sent malformed or
 * truncated data, could not be reached, or the connection budget ran out. The message says which,
 * with enough detail (host, bytes, limits) to act on without a debugger.
 *
 * <p>A server that refuses an offer is not an error: that is a result.
 */
public class TlsProbeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TlsProbeException(String message) {
        super(message);
    }

    public TlsProbeException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * No TCP connection came about (the host does not resolve, nothing listens, a filter drops or
     * refuses the SYN): nothing about TLS could be asked, let alone judged.
     */
    public static final class Unreachable extends TlsProbeException {

        private static final long serialVersionUID = 1L;

        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
