package io.ocmt.reference.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {

    private static IpAddress ip(String text) {
        return IpAddress.parse(text).orElseThrow(() -> new AssertionError("not an address: " + text));
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.255.1.2, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "172.16.0.0/12, 172.31.255.255, true",
            "172.16.0.0/12, 172.32.0.1, false",
            "172.16.0.0/12, 172.15.255.255, false",
            "192.168.0.0/16, 192.168.200.7, true",
            "127.0.0.1/32, 127.0.0.1, true",
            "127.0.0.1/32, 127.0.0.2, false",
            "127.0.0.1, 127.0.0.1, true",
            "0.0.0.0/0, 203.0.113.9, true",
            "172.30.5.128/25, 172.30.5.129, true",
            "172.30.5.128/25, 172.30.5.1, false",
            // host bits in the block are masked off
            "192.168.1.5/24, 192.168.1.77, true",
            "::1/128, ::1, true",
            "::1/128, ::2, false",
            "fd00::/8, fd12:3456::1, true",
            "fd00::/8, fe80::1, false",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            // an IPv4-mapped peer is its IPv4 address
            "10.0.0.0/8, ::ffff:10.1.2.3, true",
            "::ffff:10.0.0.0/104, 10.9.9.9, true",
            // families never match each other
            "0.0.0.0/0, ::1, false",
            "::/0, 127.0.0.1, false",
    })
    void containment(String cidr, String address, boolean expected) {
        assertEquals(expected, Cidr.parse(cidr).contains(ip(address)), cidr + " ∋ " + address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x",
            "example.com/8", "10.0.0.0/8/8", "300.0.0.0/8", "1::2::3/64"})
    void malformedBlocksAreRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @Test
    void listParsesTheDefaultTrustedProxies() {
        assertEquals("[127.0.0.1/32, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]",
                Cidr.parseList(ProxyTrust.DEFAULT_TRUSTED_PROXIES).toString());
        assertTrue(Cidr.parseList(" , ").isEmpty());
    }
}
