package io.ocmt.reference.api;

import io.ocmt.reference.net.Cidr;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts of the admin guard: allowlist matching, who is an admin, Bearer parsing, prefixes. */
class AdminGuardTest {

    /** What PostgreSQL prints for cidr values, single addresses included. */
    static final List<Cidr> LIST = Cidr.parseList("10.0.0.0/8,192.168.1.0/24,2001:db8::/32,203.0.113.7/32");

    @Test
    void noRowsAllowEveryone() {
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
    void unparseableClientAddressIsRefused() {
        assertFalse(AdminRoutes.ipAllowed(LIST, "unknown"));
        assertFalse(AdminRoutes.ipAllowed(LIST, ""));
        assertFalse(AdminRoutes.ipAllowed(LIST, "10.0.0.1.evil"));
    }

    @Test
    void anAdminIsFlaggedOrListedInAdminEmails() {
        Store.User flagged = new Store.User(UUID.randomUUID(), "root@example.test", "active", true, Instant.EPOCH);
        Store.User listed = new Store.User(UUID.randomUUID(), "Ops@Example.test", "active", false, Instant.EPOCH);
        Store.User plain = new Store.User(UUID.randomUUID(), "user@example.test", "active", false, Instant.EPOCH);
        Set<String> emails = ApiSettings.adminEmails(" OPS@example.test , ,");
        assertEquals(Set.of("ops@example.test"), emails);
        assertTrue(AdminRoutes.isAdmin(flagged, Set.of()));
        assertTrue(AdminRoutes.isAdmin(listed, emails));
        assertFalse(AdminRoutes.isAdmin(plain, emails));
        assertFalse(AdminRoutes.isAdmin(listed, Set.of()));
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

    @Test
    void prefixesMatchWholeSegments() {
        assertTrue(AdminRoutes.under("/api/admin", AdminRoutes.PREFIX));
        assertTrue(AdminRoutes.under("/api/admin/users", AdminRoutes.PREFIX));
        assertFalse(AdminRoutes.under("/api/administrator", AdminRoutes.PREFIX));
        assertTrue(AdminRoutes.under("/api/admin/security/ip-allowlist", AdminRoutes.SECURITY_PREFIX));
        assertFalse(AdminRoutes.under("/api/admin/securityx", AdminRoutes.SECURITY_PREFIX));
    }
}
