package io.ocmt.reference.net;

import io.ocmt.reference.ConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which peers may tell us the client's address, and how to read what they say.
 *
 * <p>Environment: {@code TRUST_PROXY} (1/true to honour forwarding headers, default off),
 * {@code TRUSTED_PROXIES} (comma list of CIDRs, default {@link #DEFAULT_TRUSTED_PROXIES}) and the
 * switch {@code BREAK_TRUST_ANY_PROXY=1}.
 */
public final class ProxyTrust {

    /** Loopback plus the private ranges, as the hardening checklist's example configures. */
    public static final String DEFAULT_TRUSTED_PROXIES =
            "127.0.0.1/32,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16";

    public static final String TRUST_PROXY = "TRUST_PROXY";
    public static final String TRUSTED_PROXIES = "TRUSTED_PROXIES";
    public static final String BREAK_TRUST_ANY_PROXY = "BREAK_TRUST_ANY_PROXY";

    private final boolean enabled;
    private final List<Cidr> trusted;
    private final boolean trustAnyone;

    private ProxyTrust(boolean enabled, List<Cidr> trusted, boolean trustAnyone) {
        this.enabled = enabled;
        this.trusted = List.copyOf(trusted);
        this.trustAnyone = trustAnyone;
    }

    /** @throws ConfigurationException naming the variable when a value is not understood */
    public static ProxyTrust fromEnvironment(Map<String, String> env) {
        boolean enabled = flag(env, TRUST_PROXY);
        String list = env.get(TRUSTED_PROXIES);
        List<Cidr> trusted;
        try {
            trusted = Cidr.parseList(list == null || list.isBlank() ? DEFAULT_TRUSTED_PROXIES : list);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(TRUSTED_PROXIES + ": " + e.getMessage());
        }
        return new ProxyTrust(enabled, trusted, flag(env, BREAK_TRUST_ANY_PROXY));
    }

    /** For tests. */
    public static ProxyTrust of(boolean enabled, String trustedProxies, boolean trustAnyone) {
        return new ProxyTrust(enabled, Cidr.parseList(trustedProxies), trustAnyone);
    }

    /** The hardened default: forwarding headers are ignored, the TCP peer is the client. */
    public static ProxyTrust none() {
        return of(false, DEFAULT_TRUSTED_PROXIES, false);
    }

    /** The same trust with the BREAK_TRUST_ANY_PROXY mistake on. */
    public ProxyTrust withTrustAnyone() {
        return new ProxyTrust(enabled, trusted, true);
    }

    public boolean isTrusted(IpAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address for a request from {@code peer} (the TCP peer) carrying the given
     * X-Forwarded-For header values (in arrival order, each possibly a comma list) and X-Real-IP.
     *
     * <p>Walks X-Forwarded-For from the right: every hop that a trusted proxy appended is the
     * address that proxy saw; the first hop that is not itself a trusted proxy is the client.
     * Everything to its left was written by the client and is never believed.
     */
    public String resolve(String peer, List<String> forwardedFor, String realIp) {
        List<String> hops = hops(forwardedFor);
        if (trustAnyone && !hops.isEmpty()) {
            // The classic mistake: the left-most value is whatever the client chose to send.
            return hops.get(0);
        }
        Optional<IpAddress> parsedPeer = IpAddress.parse(peer);
        if (parsedPeer.isEmpty()) {
            return peer == null ? "unknown" : peer.trim();
        }
        IpAddress current = parsedPeer.get();
        if (!enabled || !isTrusted(current)) {
            return current.toString();
        }
        if (hops.isEmpty()) {
            Optional<IpAddress> real = IpAddress.parseHop(realIp);
            return real.map(IpAddress::toString).orElse(current.toString());
        }
        for (int i = hops.size() - 1; i >= 0 && isTrusted(current); i--) {
            Optional<IpAddress> hop = IpAddress.parseHop(hops.get(i));
            if (hop.isEmpty()) {
                // A trusted proxy forwarded garbage: keep the last address we can vouch for rather
                // than let an unparseable (and client-chosen) string become the key.
                break;
            }
            current = hop.get();
        }
        return current.toString();
    }

    /** For the startup log. */
    public String describe() {
        if (trustAnyone) {
            return "BREAK_TRUST_ANY_PROXY: left-most X-Forwarded-For from anyone";
        }
        return enabled ? "forwarding headers from " + trusted : "forwarding headers ignored (TRUST_PROXY off)";
    }

    private static List<String> hops(List<String> headerValues) {
        List<String> out = new ArrayList<>();
        if (headerValues == null) {
            return out;
        }
        for (String value : headerValues) {
            if (value == null) {
                continue;
            }
            for (String part : value.split(",")) {
                String hop = part.trim();
                if (!hop.isEmpty()) {
                    out.add(hop);
                }
            }
        }
        return out;
    }

    private static boolean flag(Map<String, String> env, String name) {
        String raw = env.get(name);
        String value = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "", "0", "false":
                return false;
            case "1", "true":
                return true;
            default:
                throw new ConfigurationException(name + " must be 1 or 0; got: " + raw);
        }
    }
}
