package io.ocmt.reference.net;

import io.ocmt.reference.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyTrustTest {

    /** nginx at 172.30.5.130 on a Docker network whose containers live in 172.30.5.128/25. */
    private static final ProxyTrust BEHIND_NGINX = ProxyTrust.of(true, "172.30.5.128/25", false);
    private static final String NGINX = "172.30.5.130";

    private static List<String> xff(String... values) {
        return List.of(values);
    }

    @Test
    void withoutTrustProxyThePeerIsTheClientWhateverTheHeadersSay() {
        ProxyTrust off = ProxyTrust.of(false, ProxyTrust.DEFAULT_TRUSTED_PROXIES, false);
        assertEquals("10.0.0.5", off.resolve("10.0.0.5", xff("203.0.113.7"), "203.0.113.8"));
        assertEquals("10.0.0.5", ProxyTrust.none().resolve("10.0.0.5", xff("203.0.113.7"), null));
    }

    @Test
    void anUntrustedPeerCannotForwardAnything() {
        assertEquals("203.0.113.50", BEHIND_NGINX.resolve("203.0.113.50", xff("198.51.100.1"), "198.51.100.2"));
        // The Docker gateway (how loopback traffic reaches a published port) is not a proxy.
        assertEquals("172.30.5.1", BEHIND_NGINX.resolve("172.30.5.1", xff("198.51.100.1"), null));
    }

    @Test
    void theAddressNginxAppendedIsTheClient() {
        assertEquals("198.51.100.1", BEHIND_NGINX.resolve(NGINX, xff("198.51.100.1"), "198.51.100.1"));
    }

    @Test
    void spoofedLeftMostValuesNeverWin() {
        // The client sent "X-Forwarded-For: 1.2.3.4, 10.0.0.1"; nginx appended the real peer.
        assertEquals("198.51.100.1",
                BEHIND_NGINX.resolve(NGINX, xff("1.2.3.4, 10.0.0.1, 198.51.100.1"), null));
        // ... also when the client sends its own header line and nginx's comes second.
        assertEquals("198.51.100.1",
                BEHIND_NGINX.resolve(NGINX, xff("1.2.3.4", "198.51.100.1"), null));
        // ... and a spoofed value that happens to be a trusted proxy address is skipped only if it
        // is to the right of the real client, which a client cannot arrange.
        assertEquals("198.51.100.1",
                BEHIND_NGINX.resolve(NGINX, xff("172.30.5.131, 198.51.100.1"), null));
    }

    @Test
    void trustedHopsAreSkippedFromTheRight() {
        ProxyTrust chain = ProxyTrust.of(true, "10.0.0.0/8", false);
        assertEquals("198.51.100.1",
                chain.resolve("10.0.0.3", xff("6.6.6.6, 198.51.100.1, 10.0.0.1, 10.0.0.2"), null));
    }

    @Test
    void whenEveryHopIsTrustedTheLeftMostHopIsTheClient() {
        ProxyTrust chain = ProxyTrust.of(true, "10.0.0.0/8", false);
        assertEquals("10.0.0.1", chain.resolve("10.0.0.3", xff("10.0.0.1, 10.0.0.2"), null));
    }

    @Test
    void anUnparseableHopStopsTheWalkAtTheLastTrustedAddress() {
        assertEquals(NGINX, BEHIND_NGINX.resolve(NGINX, xff("198.51.100.1, not-an-ip"), null));
        assertEquals(NGINX, BEHIND_NGINX.resolve(NGINX, xff("unknown"), null));
    }

    @Test
    void realIpCountsOnlyWithoutForwardedFor() {
        assertEquals("198.51.100.9", BEHIND_NGINX.resolve(NGINX, xff(), "198.51.100.9"));
        assertEquals("198.51.100.1", BEHIND_NGINX.resolve(NGINX, xff("198.51.100.1"), "198.51.100.9"));
        assertEquals(NGINX, BEHIND_NGINX.resolve(NGINX, xff(), "garbage"));
        assertEquals("203.0.113.50", BEHIND_NGINX.resolve("203.0.113.50", xff(), "198.51.100.9"));
    }

    @Test
    void hopsWithPortsAndIpv6AreCanonical() {
        ProxyTrust v6 = ProxyTrust.of(true, "::1/128,fd00::/8", false);
        assertEquals("2001:db8::1", v6.resolve("[::1]", xff("[2001:DB8:0::1]:5555"), null));
        assertEquals("2001:db8::1", v6.resolve("0:0:0:0:0:0:0:1", xff("2001:db8::1, fd00::7"), null));
        assertEquals("198.51.100.1", BEHIND_NGINX.resolve("::ffff:" + NGINX, xff("198.51.100.1:1234"), null));
    }

    @Test
    void theBrokenSwitchBelievesTheLeftMostValueFromAnyone() {
        ProxyTrust broken = ProxyTrust.of(false, "172.30.5.128/25", true);
        assertEquals("1.2.3.4", broken.resolve("203.0.113.50", xff("1.2.3.4, 198.51.100.1"), null));
        assertEquals("203.0.113.50", broken.resolve("203.0.113.50", xff(), null));
    }

    @Test
    void environmentDefaultsAreTheChecklistRangesWithTrustOff() {
        ProxyTrust env = ProxyTrust.fromEnvironment(Map.of());
        assertEquals("192.168.1.1", env.resolve("192.168.1.1", xff("1.2.3.4"), null));
        assertTrue(env.isTrusted(IpAddress.parse("172.20.0.1").orElseThrow()));
        assertTrue(env.isTrusted(IpAddress.parse("::1").orElseThrow()));
        ProxyTrust on = ProxyTrust.fromEnvironment(Map.of("TRUST_PROXY", "1"));
        assertEquals("1.2.3.4", on.resolve("192.168.1.1", xff("1.2.3.4"), null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRUST_PROXY=yes", "TRUSTED_PROXIES=10.0.0.0/33", "TRUSTED_PROXIES=proxy.local",
            "BREAK_TRUST_ANY_PROXY=on"})
    void malformedEnvironmentIsRefused(String assignment) {
        String[] kv = assignment.split("=", 2);
        assertThrows(ConfigurationException.class, () -> ProxyTrust.fromEnvironment(Map.of(kv[0], kv[1])));
    }
}
