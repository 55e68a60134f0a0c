package io.ocmt.verify.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Secrets;
import io.ocmt.verify.config.Target;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** What the TLS suite's handshake says when there is nothing to shake hands with. */
class HandshakeTest {

    @Test
    void aClosedPortAbortsAsNotVerifiedNamingHostAndPort() throws IOException {
        int closed = LoopbackTlsServer.closedPort();
        Environment env = Environments.load("reference", Path.of("").toAbsolutePath(), Map.of(), Map.of());
        Target target = new Target(env, URI.create("https://localhost:" + closed + "/"), URI.create("http://localhost:" + closed + "/"),
                "localhost", closed, Trust.system(), new Secrets(env, k -> null, Map.of()), Set.of());

        assertThatThrownBy(() -> Handshake.modernClient(target)).isInstanceOf(TestAbortedException.class)
                .hasMessageStartingWith("Not verified: cannot connect to localhost:" + closed + ": Connection refused")
                .hasCauseInstanceOf(TlsSockets.NotConnected.class);
    }
}
