package io.ocmt.verify.config;

import io.ocmt.verify.tls.Trust;
import java.net.URI;
import java.util.Set;

/**
 * The deployment under test as the suites see it: its public addresses, the trust its certificate
 * is judged by, the secrets the environment grants and the policy it is held to. Suites receive it
 * as a parameter and never learn whether it is the embedded reference stack or a real deployment.
 *
 * @param switches controls deliberately broken on an embedded stack (self-tests); empty otherwise
 */
public record Target(
        Environment environment,
        URI httpsUrl,
        URI httpUrl,
        String tlsHost,
        int tlsPort,
        Trust trust,
        Secrets secrets,
        Set<String> switches) {

    public Policy policy() {
        return environment.policy();
    }

    public String name() {
        return environment.name();
    }

    public int connectTimeoutMs() {
        return environment.target().connectTimeoutMs();
    }

    public int readTimeoutMs() {
        return environment.target().readTimeoutMs();
    }

    public URI https(String path) {
        return httpsUrl.resolve(path);
    }

    public URI http(String path) {
        return httpUrl.resolve(path);
    }

    @Override
    public String toString() {
        return name() + " (" + httpsUrl + (switches.isEmpty() ? "" : ", broken: " + String.join(",", switches)) + ")";
    }
}
