package io.ocmt.reference.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What the admin and internal routes read: {@link Store} in production, a fake in their tests. */
interface AdminData {

    /** A row of admin_ip_allowlist; {@code cidr} as PostgreSQL prints it, e.g. 10.0.0.0/8. */
    record AllowlistEntry(long id, String cidr, String description, Instant createdAt) {
    }

    /** Read on every guarded request, so a row inserted while the server runs applies at once. */
    List<AllowlistEntry> adminIpAllowlist();

    List<Store.User> users();

    Map<String, Long> stats();

    Optional<Store.User> userById(UUID id);
}
