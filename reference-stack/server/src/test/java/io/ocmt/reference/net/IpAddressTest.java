package io.ocmt.reference.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "192.0.2.1, 192.0.2.1",
            "' 192.0.2.1 ', 192.0.2.1",
            "0.0.0.0, 0.0.0.0",
            "::1, ::1",
            "[::1], ::1",
            "0:0:0:0:0:0:0:1, ::1",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "fe80::1%eth0, fe80::1",
            "::, ::",
            "1::, 1::",
            "::ffff:192.0.2.1, 192.0.2.1",
            "::ffff:c000:201, 192.0.2.1",
            "64:ff9b::192.0.2.1, 64:ff9b::c000:201",
    })
    void oneCanonicalSpellingPerAddress(String text, String canonical) {
        assertEquals(canonical, IpAddress.parse(text).orElseThrow().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.1", "1.2.3", "010.0.0.1", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1",
            "localhost", "example.com", "1::2::3", ":1", "1:", "1:2:3:4:5:6:7:8:9", "12345::",
            "1:2:3:4:5:6:7::8", "g::1", "fe80::1%", "::ffff:1.2.3", "[::1", "unknown"})
    void ambiguousOrNonAddressesAreRefused(String text) {
        assertTrue(IpAddress.parse(text).isEmpty(), text);
    }

    @ParameterizedTest
    @CsvSource({
            "192.0.2.1:4711, 192.0.2.1",
            "[2001:db8::1]:4711, 2001:db8::1",
            "[2001:db8::1], 2001:db8::1",
            "2001:db8::1, 2001:db8::1",
    })
    void forwardedHopsMayCarryAPort(String hop, String canonical) {
        assertEquals(canonical, IpAddress.parseHop(hop).orElseThrow().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1:", "192.0.2.1:x", "[::1]x", "[::1]:", "[::1", "_hidden"})
    void malformedHopsAreRefused(String hop) {
        assertTrue(IpAddress.parseHop(hop).isEmpty(), hop);
    }
}
