package io.ocmt.verify.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A route is one line of the run's footprint, whatever ids its requests carried. */
class RequestCountTest {

    @Test
    void idsAreCountedAsOneRoute() {
        assertThat(RequestCount.route("/api/auth/sessions/0b6f1c2e-3a4b-4c5d-8e9f-0123456789ab")).isEqualTo("/api/auth/sessions/{id}");
        assertThat(RequestCount.route("/api/integrations/42")).isEqualTo("/api/integrations/{id}");
        assertThat(RequestCount.route("/API/Auth/Verify/")).isEqualTo("/api/auth/verify");
        assertThat(RequestCount.route("")).isEqualTo("/");
        assertThat(RequestCount.route("/health")).isEqualTo("/health");
    }
}
