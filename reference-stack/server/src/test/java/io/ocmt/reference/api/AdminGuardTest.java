package io.ocmt.reference.api;

import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.net.Cidr;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ADMIN_ALLOWED_IPS matching (and its switch) and Bearer parsing, the pure parts of the admin guard. */
class AdminGuardTest {

    static final List<Cidr> LIST = Cidr.parseList("10.0.0.0/8, 192.168.1.0/24,2001:db8::/32,203.0.113.7");

    @Test
    void emptyAllowlistAllowsEveryone() {
        assertTrue(AdminRoutes.ipAllowed(List.of(), "198.51.100.1"));
        assertTrue(AdminRoutes.ipAllowed(List.of(), "unknown"));
    }

    @Test
    void cidrBlocksAndSingleAddressesMatch() {
        assertTrue(AdminRoutes.ipAllowed(LIST, "10.255.1.2"));
        assertTrue(AdminRoutes.ipAllowed(LIST, "192.168.1.200"));
        assertFalse(AdminRoutes.ipAllowed(LIST, "192.168.2.1"));
        assertTrue(AdminRoutes.ipAllowed(LIST, "203.0.113.7"));
        assertFalse(AdminRoutes.ipAllowed(LIST, "203.0.113.8"));
        assertTrue(AdminRoutes.ipAllowed(LIST, "2001:db8:ffff::1"));
        assertFalse(AdminRoutes.ipAllowed(LIST, "2001:db9::1"));
        // An IPv4-mapped IPv6 client is the IPv4 address it maps.
        assertTrue(AdminRoutes.ipAllowed(LIST, "::ffff:10.1.2.3"));
        assertFalse(AdminRoutes.ipAllowed(LIST, "11.0.0.1"));
    }

    @Test
    void theAllowlistSwitchLetsEveryAddressThroughAndNothingElseDoes() {
        Switches broken = Switches.of(Map.of(Switch.ADMIN_IP_ALLOWLIST, "1"));
        assertTrue(AdminRoutes.ipAllowed(LIST, "11.0.0.1", broken));
        assertTrue(AdminRoutes.ipAllowed(LIST, "unknown", broken));
        assertFalse(AdminRoutes.ipAllowed(LIST, "11.0.0.1", Switches.none()));
        assertTrue(AdminRoutes.ipAllowed(LIST, "10.1.2.3", Switches.none()));
        // The token switch opens the token check only; the allowlist still applies.
        assertFalse(AdminRoutes.ipAllowed(LIST, "11.0.0.1", Switches.of(Map.of(Switch.ADMIN_GUARD, "1"))));
    }

    @Test
    void unparseableClientAddressIsRefused() {
        assertFalse(AdminRoutes.ipAllowed(LIST, "unknown"));
        assertFalse(AdminRoutes.ipAllowed(LIST, ""));
        assertFalse(AdminRoutes.ipAllowed(LIST, "10.0.0.1.evil"));
    }

    @Test
    void bearerTokenParsing() {
        assertEquals("abc", AdminRoutes.bearer("Bearer abc"));
        assertEquals("abc", AdminRoutes.bearer("bearer   abc "));
        assertNull(AdminRoutes.bearer("Basic abc"));
        assertNull(AdminRoutes.bearer("Bearer "));
        assertNull(AdminRoutes.bearer("Bearerabc"));
        assertNull(AdminRoutes.bearer(null));
    }
}
