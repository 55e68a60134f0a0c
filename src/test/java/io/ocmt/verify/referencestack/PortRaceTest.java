package io.ocmt.verify.referencestack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The stack chooses its host ports free and Docker binds them a moment later; another build on the
 * same engine can take one in between. Only that failure, however deeply Testcontainers wraps it,
 * starts the stack again.
 */
class PortRaceTest {

    @Test
    void aPortTakenBeforeDockerBoundItIsRecognisedThroughTheWrapping() {
        RuntimeException docker = new RuntimeException("Status 500: {\"message\":\"driver failed programming external connectivity on "
                + "endpoint x: Bind for 127.0.0.1:35085 failed: port is already allocated\"}");
        RuntimeException launch = new IllegalStateException("Container startup failed for image ocmt-verify/nginx:a873a22b7c62",
                new IllegalStateException("Could not create/start container", docker));
        assertThat(ReferenceStack.portTaken(new CompletionException(launch))).isTrue();
        RuntimeException suppressed = new RuntimeException("stop failed");
        suppressed.addSuppressed(new RuntimeException("listen tcp 127.0.0.1:40001: bind: address already in use"));
        assertThat(ReferenceStack.portTaken(suppressed)).isTrue();
    }

    @Test
    void anyOtherFailureIsNotRetried() {
        assertThat(ReferenceStack.portTaken(new IllegalStateException("Container startup failed",
                new RuntimeException("ocmt-nginx: TLS_PROFILE must be hardened (default) …")))).isFalse();
        RuntimeException loop = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", loop);
        loop.initCause(other);
        assertThat(ReferenceStack.portTaken(loop)).isFalse();
    }
}
