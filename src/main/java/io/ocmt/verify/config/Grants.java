package io.ocmt.verify.config;

import java.net.URI;
import java.util.List;

/**
 * What an environment lets the suite touch besides the public HTTPS interface. Secret values are
 * never here: the {@code *Secret} fields name keys of {@code secrets:}.
 *
 * @param destructive whether tests may use up the runner's rate-limit budget or lock accounts out
 */
public record Grants(boolean destructive, Mailbox mailbox, Database database, Backups backups, Redis redis,
                     Postgres postgres, OutsideProxy outsideProxy, EgressProxies egressProxies,
                     Containers containers, SecurityLog securityLog) {

    public record Mailbox(String type, String host, int port, boolean tls, String username, String passwordSecret,
                          boolean loginAsRecipient, String baseAddress, String mailpitUrl) {
        public boolean granted() {
            return type != null && !type.equals("none");
        }
    }

    /**
     * @param writerUsernameSecret a second role, on the same database, that may UPDATE the sessions
     *                             table: the only way to see a days-long session lifetime enforced
     *                             without waiting days. Optional; everything else reads only.
     */
    public record Database(String jdbcUrl, String usernameSecret, String passwordSecret,
                           String writerUsernameSecret, String writerPasswordSecret) {
        public boolean granted() {
            return jdbcUrl != null;
        }

        public boolean writeGranted() {
            return granted() && writerUsernameSecret != null;
        }
    }

    public record Backups(String directory, String passphraseSecret) {
        public boolean granted() {
            return directory != null;
        }
    }

    public record Redis(String host, int port, String passwordSecret) {
        public boolean granted() {
            return host != null;
        }
    }

    public record Postgres(String host, int port) {
        public boolean granted() {
            return host != null;
        }
    }

    /**
     * An HTTP proxy that tunnels with CONNECT and leaves from an address the target's admin IP
     * allowlist does not contain: requests sent through it show what the admin API does for a client
     * outside the allowlist. Checked when the environment loads (see {@link Environments}).
     *
     * @param url {@code http://host:port} of the proxy, e.g. {@code http://egress-test.internal:3128}
     */
    public record OutsideProxy(String url) {
        public boolean granted() {
            return url != null;
        }

        /** The proxy's address; only for a granted, validated grant. */
        public URI uri() {
            return URI.create(url.trim());
        }
    }

    /**
     * HTTP proxies that tunnel with CONNECT, each leaving from an address of its own. A target limits
     * logins and magic-link verifications per client address (OCMT: 10 and 5 per 15 minutes), fewer
     * than one run needs; the suite spreads them over this runner's address and these. Checked when
     * the environment loads, like {@link OutsideProxy}.
     *
     * @param urls {@code http://host:port} of each proxy; empty: only this runner's own address
     */
    public record EgressProxies(List<String> urls) {
        public EgressProxies {
            urls = urls == null ? List.of() : List.copyOf(urls);
        }

        public List<URI> uris() {
            return urls.stream().map(u -> URI.create(u.trim())).toList();
        }
    }

    /**
     * A Docker Engine API the suite may read containers' settings from, and which containers: those
     * named, and those carrying one of the labels. Only {@code GET /containers/json} and
     * {@code GET /containers/{id}/json} are ever sent; the operator should still hand over a read-only
     * proxy (e.g. a docker socket proxy that allows only GET /containers), never the daemon itself.
     *
     * @param engineUrl {@code unix:///path/to/socket} or {@code tcp://host:port}
     * @param names     container names (or ids) to judge
     * @param labels    {@code key} or {@code key=value}: every running container with one of them is judged too
     */
    public record Containers(String engineUrl, List<String> names, List<String> labels) {
        public Containers {
            names = names == null ? List.of() : List.copyOf(names);
            labels = labels == null ? List.of() : List.copyOf(labels);
        }

        public boolean granted() {
            return engineUrl != null;
        }
    }

    /**
     * Where the target's security events can be read: a file on this runner (a mounted log, or a copy
     * a shipper keeps), or an HTTP URL that answers the log's recent lines ({@code {since}} in it is
     * replaced by the ISO-8601 instant the test started, for a log query API).
     */
    public record SecurityLog(String file, String url) {
        public boolean granted() {
            return file != null || url != null;
        }
    }
}
