package io.ocmt.verify.tls.probe;

import io.ocmt.verify.tls.probe.internal.Connector;
import io.ocmt.verify.tls.probe.internal.Enumerator;
import io.ocmt.verify.tls.probe.internal.Enumerator.ProtocolScan;
import io.ocmt.verify.tls.probe.internal.GroupEnumerator;
import io.ocmt.verify.tls.probe.internal.HelloFactory;
import io.ocmt.verify.tls.probe.internal.Offer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the protocol versions and cipher suites a TLS server accepts by sending raw ClientHellos
 * and reading the ServerHello or alert, like testssl.sh and SSL Labs. No handshake is completed,
 * so suites the JDK cannot speak (CAMELLIA, ARIA, CCM, RC4, EXPORT, anonymous...) are found too.
 *
 * <pre>
 * EnumerationResult r = TlsProbe.builder().host("example.org").port(443).build().enumerate();
 * </pre>
 *
 * Each call opens its own connections (counted in the result) and is safe to run concurrently
 * with other calls on the same probe.
 *
 * <p>Fails closed: only an alert is a refusal. Silence, a reset or a close after a ClientHello is
 * counted as unanswered, per protocol, and an enumeration with more of those than
 * {@link Builder#maxUnansweredOffers} allows, or with a protocol that answered some offers and not
 * others, is {@linkplain EnumerationResult#complete() incomplete}: an IPS dropping the scan must
 * not make accepted protocols and suites look refused.
 */
public final class TlsProbe {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String host;
    private final int port;
    private final Optional<String> serverName;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxParallelConnections;
    private final int maxConnections;
    private final int maxSuitesPerHello;
    private final boolean checkServerOrder;
    private final int maxUnansweredOffers;

    private TlsProbe(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.serverName = b.serverName != null ? b.serverName : defaultServerName(b.host);
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxParallelConnections = b.maxParallelConnections;
        this.maxConnections = b.maxConnections;
        this.maxSuitesPerHello = b.maxSuitesPerHello;
        this.checkServerOrder = b.checkServerOrder;
        this.maxUnansweredOffers = b.maxUnansweredOffers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For each of SSLv3 to TLS 1.3: accepted, refused with the alert or reason, or unanswered. */
    public List<ProtocolResult> protocols() {
        return newEnumerator().scan(Arrays.asList(TlsProtocol.values()), false, false).stream()
                .map(TlsProbe::protocolResult)
                .toList();
    }

    /** Every registry suite the server accepts in this protocol (empty if it refuses the protocol). */
    public CipherSuiteResult cipherSuites(TlsProtocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        return suiteResult(newEnumerator().scan(List.of(protocol), true, checkServerOrder).get(0));
    }

    /** All protocols and all their suites in one concurrent pass, with connection count and wall time. */
    public EnumerationResult enumerate() {
        long start = System.nanoTime();
        Connector connector = newConnector();
        List<ProtocolScan> scans = new Enumerator(connector, hellos(), maxParallelConnections, maxSuitesPerHello)
                .scan(Arrays.asList(TlsProtocol.values()), true, checkServerOrder);
        return new EnumerationResult(
                host,
                port,
                scans.stream().map(TlsProbe::protocolResult).toList(),
                scans.stream().filter(ProtocolScan::protocolAccepted).map(TlsProbe::suiteResult).toList(),
                connector.connections(),
                Duration.ofNanos(System.nanoTime() - start),
                maxUnansweredOffers);
    }

    /**
     * The key-exchange groups the server accepts in each protocol the enumeration found accepted,
     * one ClientHello per (protocol, group), offering the suites it found accepted there. Same
     * politeness as {@link #enumerate()}: at most maxParallelConnections at once, and its own
     * budget of maxConnections. Once the group enumeration is known to be incomplete (more than
     * maxUnansweredOffers unanswered, or a protocol that answered going quiet), the offers not yet
     * sent are not sent: their answers could not make it complete, and whatever drops them is
     * better not provoked further.
     */
    public GroupEnumerationResult groups(EnumerationResult enumeration) {
        Objects.requireNonNull(enumeration, "enumeration");
        long start = System.nanoTime();
        List<GroupEnumerator.Plan> plans = enumeration.acceptedProtocols().stream()
                .filter(p -> p != TlsProtocol.SSL_3_0)
                .map(p -> GroupEnumerator.plan(p,
                        enumeration.cipherSuites(p).map(CipherSuiteResult::accepted).orElse(List.of()),
                        maxSuitesPerHello))
                .toList();
        Connector connector = newConnector();
        List<GroupResult> results = new GroupEnumerator(connector, hellos(), maxParallelConnections, maxUnansweredOffers)
                .scan(plans);
        return new GroupEnumerationResult(host, port, results, connector.connections(),
                Duration.ofNanos(System.nanoTime() - start), maxUnansweredOffers);
    }

    private static ProtocolResult protocolResult(ProtocolScan scan) {
        Offer deciding = scan.deciding();
        return new ProtocolResult(scan.protocol(), scan.status(), deciding.describe(), deciding.alert(), scan.offers());
    }

    private static CipherSuiteResult suiteResult(ProtocolScan scan) {
        return new CipherSuiteResult(scan.protocol(), scan.accepted(), scan.serverOrder(), scan.notes(),
                scan.connections(), Duration.ofNanos(scan.wallNanos()), scan.offers());
    }

    private Enumerator newEnumerator() {
        return new Enumerator(newConnector(), hellos(), maxParallelConnections, maxSuitesPerHello);
    }

    private Connector newConnector() {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new TlsProbeException.Unreachable("cannot connect to " + host + ":" + port + ": host " + host
                    + " does not resolve", null);
        }
        return new Connector(address, millis(connectTimeout), millis(readTimeout), maxConnections);
    }

    private HelloFactory hellos() {
        return new HelloFactory(serverName);
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    /** RFC 6066 forbids IP literals in server_name, so an address gets no SNI unless asked. */
    private static Optional<String> defaultServerName(String host) {
        if (IPV4.matcher(host).matches() || host.indexOf(':') >= 0) {
            return Optional.empty();
        }
        return Optional.of(host);
    }

    @Override
    public String toString() {
        return "TlsProbe[" + host + ":" + port + serverName.map(n -> ", SNI " + n).orElse("") + "]";
    }

    public static final class Builder {
        private String host;
        private int port = 443;
        private Optional<String> serverName;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(5);
        private int maxParallelConnections = 8;
        private int maxConnections = 4096;
        private int maxSuitesPerHello = 128;
        private boolean checkServerOrder = true;
        private int maxUnansweredOffers = 2;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            if (port < 1 || port > 0xFFFF) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The SNI name; defaults to the host unless the host is an IP address. */
        public Builder serverName(String serverName) {
            this.serverName = Optional.of(serverName);
            return this;
        }

        /** Sends no SNI even for a host name. */
        public Builder noServerName() {
            this.serverName = Optional.empty();
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long the server has to send its whole answer to one ClientHello. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** Connections open at once; default 8. */
        public Builder maxParallelConnections(int n) {
            this.maxParallelConnections = atLeastOne(n, "maxParallelConnections");
            return this;
        }

        /** Connections one call may make in total before it fails; default 4096. */
        public Builder maxConnections(int n) {
            this.maxConnections = atLeastOne(n, "maxConnections");
            return this;
        }

        /** Suites in one ClientHello; default 128, which every server tested so far takes. */
        public Builder maxSuitesPerHello(int n) {
            this.maxSuitesPerHello = atLeastOne(n, "maxSuitesPerHello");
            return this;
        }

        /** Whether to spend two connections per protocol finding out who orders the suites. */
        public Builder checkServerOrder(boolean check) {
            this.checkServerOrder = check;
            return this;
        }

        /**
         * Unanswered offers (silence, reset, close) an enumeration may have, in protocols that
         * never answered, and still be complete; default 2. A protocol that answers some offers
         * and not others makes it incomplete whatever this says.
         */
        public Builder maxUnansweredOffers(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxUnansweredOffers must not be negative: " + n);
            }
            this.maxUnansweredOffers = n;
            return this;
        }

        public TlsProbe build() {
            if (host == null || host.isBlank()) {
                throw new IllegalStateException("TlsProbe needs a host");
            }
            return new TlsProbe(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        private static int atLeastOne(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1: " + n);
            }
            return n;
        }
    }
}
