package io.ocmt.verify.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Opens a TLS connection the way an HTTPS client does: the server name in SNI, and (where asked)
 * the host name checked against the certificate inside the handshake. The preflight and the
 * certificate checks share it so that they judge the same connection a browser would make.
 */
public final class TlsSockets {

    private TlsSockets() {
    }

    /**
     * The TCP connection itself failed, before any TLS: {@link #getCause()} is the JDK's exception
     * ({@code UnknownHostException}, {@code SocketTimeoutException}, {@code ConnectException}, …).
     * Kept apart because a time-out here means "nothing answers" and one in the handshake means
     * "something answers but does not speak TLS", and the fixes differ. The message names host and
     * port, because the JDK's ("Connection refused") does not, and a caller that only passes it on
     * would leave the reader guessing which of the target's addresses failed.
     */
    public static final class NotConnected extends IOException {

        NotConnected(String host, int port, IOException cause) {
            super("cannot connect to " + host + ":" + port + ": " + cause.getMessage()
                    + " (" + cause.getClass().getSimpleName() + ")", cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /**
     * A connected socket whose handshake has finished; the caller closes it.
     *
     * @param factory       decides trust, protocols and suites (an SSLFactory's socket factory
     *                      applies its own protocol and suite choices to every socket it makes)
     * @param checkHostName verify the certificate is issued for {@code host}; off only to look at a
     *                      certificate the check would refuse
     * @throws NotConnected when no TCP connection came about
     * @throws IOException  from the handshake as the JDK reports it ({@code SSLHandshakeException}
     *                      for a refused certificate, {@code SocketTimeoutException} after
     *                      {@code readTimeoutMs} of silence)
     */
    public static SSLSocket open(SSLSocketFactory factory, String host, int port, int connectTimeoutMs, int readTimeoutMs,
                                 boolean checkHostName) throws IOException {
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(host, port), connectTimeoutMs);
        } catch (IOException e) {
            close(raw);
            throw new NotConnected(host, port, e);
        }
        SSLSocket tls = null;
        try {
            tls = (SSLSocket) factory.createSocket(raw, host, port, true);
            tls.setSoTimeout(readTimeoutMs);
            SSLParameters params = tls.getSSLParameters();
            if (checkHostName) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            // SNI carries names only; an address literal in it is a protocol error.
            if (!isAddressLiteral(host)) {
                params.setServerNames(List.of(new SNIHostName(host)));
            }
            tls.setSSLParameters(params);
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            close(tls != null ? tls : raw);
            throw e;
        }
    }

    /** IPv4 dotted quads and IPv6 literals (fe80::1 has letters; no host name has a colon). */
    static boolean isAddressLiteral(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // The failure that led here is the one worth reporting.
        }
    }
}
