package io.ocmt.verify.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocmt.verify.junit.Grant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentsTest {

    @TempDir
    Path project;

    private Environment load(String name, Map<String, String> env, Map<String, String> sys) {
        return Environments.load(name, project, env, sys);
    }

    private void file(String name, String yaml) throws IOException {
        Files.createDirectories(project.resolve("environments"));
        Files.writeString(project.resolve("environments").resolve(name + ".yaml"), yaml);
    }

    private static final String REMOTE = """
            target:
              httpsUrl: https://ocmt.test/
              httpUrl: http://ocmt.test/
              tlsHost: ocmt.test
            secrets:
              adminToken: OCMT_TEST_ADMIN_TOKEN
            policy:
              headers:
                hsts:
                  preload: false
            """;

    @Test
    void shippedEnvironmentsAllLoad() {
        Path repo = Path.of("").toAbsolutePath();
        assertThat(Environments.known(repo)).contains("reference", "staging", "production");
        for (String name : Environments.known(repo)) {
            Environment env = Environments.load(name, repo, Map.of(), Map.of());
            assertThat(env.policy().headers().hsts().minMaxAge()).as(name).isEqualTo(31536000L);
        }
        assertThat(Environments.load("reference", repo, Map.of(), Map.of()).target().embedded()).isTrue();
    }

    @Test
    void unknownEnvironmentListsTheKnownOnes() throws IOException {
        file("staging", REMOTE);
        file("production", REMOTE);
        assertThatThrownBy(() -> load("stagin", Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown environment 'stagin'")
                .hasMessageContaining("Known environments: production, staging")
                .hasMessageContaining("-Denv=");
    }

    @Test
    void fileOverridesDefaultsAndKeepsTheRest() throws IOException {
        file("staging", REMOTE);
        Environment env = load("staging", Map.of(), Map.of());
        assertThat(env.policy().headers().hsts().preload()).isFalse();
        assertThat(env.policy().headers().hsts().includeSubDomains()).isTrue();
        assertThat(env.policy().headers().responses()).extracting(Policy.ResponseSpec::name).containsExactly("health", "api", "error", "ui");
        assertThat(env.secrets()).containsEntry("adminToken", "OCMT_TEST_ADMIN_TOKEN");
    }

    @Test
    void aListInTheFileReplacesTheDefaultList() throws IOException {
        file("staging", REMOTE + """
                  responses:
                    - { name: only, method: GET, path: /only }
                """.replace("  responses", "    responses").replace("    - {", "      - {"));
        assertThat(load("staging", Map.of(), Map.of()).policy().headers().responses())
                .extracting(Policy.ResponseSpec::path).containsExactly("/only");
    }

    @Test
    void precedenceIsSystemPropertyThenVariableThenFileThenDefault() throws IOException {
        file("staging", REMOTE);
        Map<String, String> env = Map.of("OCMT_POLICY_HEADERS_HSTS_MINMAXAGE", "100", "OCMT_TARGET_TLSPORT", "8443");
        Map<String, String> sys = Map.of("ocmt.policy.headers.hsts.minMaxAge", "200");
        Environment loaded = load("staging", env, sys);
        assertThat(loaded.policy().headers().hsts().minMaxAge()).isEqualTo(200);
        assertThat(loaded.target().tlsPort()).isEqualTo(8443);
        assertThat(load("staging", env, Map.of()).policy().headers().hsts().minMaxAge()).isEqualTo(100);
    }

    @Test
    void anOverrideOfAKeyThatDoesNotExistFails() throws IOException {
        file("staging", REMOTE);
        assertThatThrownBy(() -> load("staging", Map.of(), Map.of("ocmt.policy.headers.hsts.maxAge", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("-Docmt.policy.headers.hsts.maxAge");
        assertThatThrownBy(() -> load("staging", Map.of("OCMT_POLICY_HSTS", "1"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OCMT_POLICY_HSTS");
    }

    @Test
    void aMisspelledKeyInTheFileFails() throws IOException {
        file("staging", REMOTE.replace("preload: false", "prelod: false"));
        assertThatThrownBy(() -> load("staging", Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("policy.headers.hsts.prelod");
    }

    @Test
    void aSecretValueInPlaceOfAVariableNameFails() throws IOException {
        file("staging", REMOTE.replace("OCMT_TEST_ADMIN_TOKEN", "'s3cr3t value!'"));
        assertThatThrownBy(() -> load("staging", Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must name an environment variable");
    }

    @Test
    void aMissingSecretNamesTheVariable() throws IOException {
        file("staging", REMOTE);
        Environment env = load("staging", Map.of(), Map.of());
        assertThatThrownBy(() -> new Secrets(env, Map.<String, String>of()::get, Map.of()).requireAll())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Missing secret 'adminToken'")
                .hasMessageContaining("export OCMT_TEST_ADMIN_TOKEN=");
        assertThat(new Secrets(env, Map.of("OCMT_TEST_ADMIN_TOKEN", "abcdef123456")::get, Map.of()).require("adminToken"))
                .isEqualTo("abcdef123456");
    }

    @Test
    void aRemoteEnvironmentNeedsItsAddresses() throws IOException {
        file("staging", "target:\n  httpUrl: http://ocmt.test/\n  tlsHost: ocmt.test\n");
        assertThatThrownBy(() -> load("staging", Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.httpsUrl");
    }

    @Test
    void theOutsideProxyIsNotGrantedUnlessSet() throws IOException {
        file("staging", REMOTE);
        Environment env = load("staging", Map.of(), Map.of());
        assertThat(env.grants().outsideProxy().granted()).isFalse();
        assertThat(Grant.OUTSIDE_PROXY.missing(env)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("grants.outsideProxy.url is not set in environment 'staging'")
                .contains("expected the http://host:port of an HTTP CONNECT proxy")
                .contains("outside the target's admin IP allowlist"));
    }

    @Test
    void anOutsideProxyFromTheFileOrAnOverrideIsGranted() throws IOException {
        file("staging", REMOTE + "grants:\n  outsideProxy:\n    url: http://egress-test.internal:3128\n");
        Environment env = load("staging", Map.of(), Map.of());
        assertThat(env.grants().outsideProxy().granted()).isTrue();
        assertThat(env.grants().outsideProxy().uri()).hasHost("egress-test.internal").hasPort(3128);
        assertThat(Grant.OUTSIDE_PROXY.missing(env)).isEmpty();
        assertThat(load("staging", Map.of("OCMT_GRANTS_OUTSIDEPROXY_URL", "http://127.0.0.1:8888/"), Map.of())
                .grants().outsideProxy().uri()).hasHost("127.0.0.1").hasPort(8888);
    }

    @Test
    void containersAndTheSecurityLogAreNotGrantedUnlessSetAndTheSkipNamesTheKey() throws IOException {
        file("staging", REMOTE);
        Environment env = load("staging", Map.of(), Map.of());
        assertThat(Grant.CONTAINERS.missing(env)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("grants.containers.engineUrl is not set in environment 'staging'").contains("read-only"));
        assertThat(Grant.SECURITY_LOG.missing(env)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("grants.securityLog.file and grants.securityLog.url are not set in environment 'staging'"));
        assertThat(env.policy().privateNetwork().ports()).containsExactly(5432, 6379);
    }

    @Test
    void aContainersGrantNeedsAnEngineUrlAndSomethingToJudge() throws IOException {
        file("staging", REMOTE + "grants:\n  containers:\n    engineUrl: tcp://docker-ro.internal:2375\n    labels: [com.docker.compose.project=ocmt]\n");
        Environment env = load("staging", Map.of(), Map.of());
        assertThat(Grant.CONTAINERS.missing(env)).isEmpty();
        assertThat(env.grants().containers().labels()).containsExactly("com.docker.compose.project=ocmt");
        assertThatThrownBy(() -> load("staging", Map.of(), Map.of("ocmt.grants.containers.labels", "[]")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("grants.containers names no container");
        assertThatThrownBy(() -> load("staging", Map.of(), Map.of("ocmt.grants.containers.engineUrl", "http://docker:2375")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not a unix:///path or tcp://host:port URL");
        assertThatThrownBy(() -> load("staging", Map.of(), Map.of("ocmt.grants.securityLog.url", "ftp://logs")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("grants.securityLog.url 'ftp://logs' is not an http");
    }

    @Test
    void aMalformedOutsideProxyUrlFailsWithOneMessageNamingTheKey() throws IOException {
        file("staging", REMOTE);
        Map<String, String> cases = Map.of(
                "egress-test.internal:3128", "is not an http://host:port URL",
                "https://egress-test.internal:3128", "is not an http://host:port URL",
                "http://egress test:3128", "is not an http://host:port URL",
                "http://egress-test.internal", "has no port",
                "http://egress-test.internal:3128/proxy", "has a path, query or fragment",
                "http://egress-test.internal:3128?x=1", "has a path, query or fragment");
        cases.forEach((url, problem) -> assertThatThrownBy(() -> load("staging", Map.of(), Map.of("ocmt.grants.outsideProxy.url", url)))
                .as(url)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("grants.outsideProxy.url '" + url + "' " + problem)
                .hasMessageContaining(project.resolve("environments").resolve("staging.yaml").toString())
                .hasMessageContaining("Fix: the http://host:port of an HTTP CONNECT proxy"));
    }

    @Test
    void anOutsideProxyUrlWithCredentialsIsRefusedWithoutEchoingThem() throws IOException {
        file("staging", REMOTE);
        assertThatThrownBy(() -> load("staging", Map.of("OCMT_GRANTS_OUTSIDEPROXY_URL", "http://qa:s3cr3t-proxy@egress.test:3128"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("grants.outsideProxy.url 'http://<redacted>@egress.test:3128' carries credentials")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-proxy").doesNotContain("qa:"));
    }

    @Test
    void everyOverrideIsRememberedWithWhatItReplacedAndWhatSetIt() throws IOException {
        file("staging", REMOTE);
        Environment env = load("staging",
                Map.of("OCMT_POLICY_HEADERS_HSTS_MINMAXAGE", "100", "OCMT_STAGING_ADMIN_TOKEN", "not-a-key", "PATH", "/bin"),
                Map.of("ocmt.policy.headers.hsts.minMaxAge", "200", "ocmt.policy.run.allowUnverified", "[ratelimit, backup]",
                        "ocmt.project.dir", "/somewhere", "user.home", "/root"));
        assertThat(env.overrides()).containsExactly(
                new AppliedOverride("policy.headers.hsts.minMaxAge", "environment variable OCMT_POLICY_HEADERS_HSTS_MINMAXAGE", "100", "31536000"),
                new AppliedOverride("policy.headers.hsts.minMaxAge", "system property -Docmt.policy.headers.hsts.minMaxAge", "200", "100"),
                new AppliedOverride("policy.run.allowUnverified", "system property -Docmt.policy.run.allowUnverified",
                        "[\"ratelimit\",\"backup\"]", "[]"));
        assertThat(env.overrides().get(0).describe()).isEqualTo(
                "policy.headers.hsts.minMaxAge = 100 (was 31536000; environment variable OCMT_POLICY_HEADERS_HSTS_MINMAXAGE)");
        assertThat(env.policy().run().allowUnverified()).containsExactly("ratelimit", "backup");
        assertThat(load("staging", Map.of(), Map.of()).overrides()).isEmpty();
    }

    @Test
    void anOverrideThatSetsTheValueItHadSaysSo() throws IOException {
        file("staging", REMOTE);
        AppliedOverride same = load("staging", Map.of(), Map.of("ocmt.target.tlsPort", "443")).overrides().get(0);
        assertThat(same.changed()).isFalse();
        assertThat(same.describe()).isEqualTo("target.tlsPort = 443 (unchanged; system property -Docmt.target.tlsPort)");
    }

    @Test
    void anOverrideNeverShowsASecretValueTheRunHasRead() throws IOException {
        file("staging", REMOTE);
        // A secret value typed where a variable name belongs: it still loads (it looks like a name), but never shows.
        io.ocmt.verify.report.Redactor.registerSecret("Zq8SecretValueNeverShown");
        Environment env = load("staging", Map.of(), Map.of("ocmt.secrets.adminToken", "Zq8SecretValueNeverShown"));
        assertThat(env.overrides()).singleElement().satisfies(o -> {
            assertThat(o.key()).isEqualTo("secrets.adminToken");
            assertThat(o.describe()).doesNotContain("Zq8SecretValueNeverShown").contains("<redacted>").contains("was OCMT_TEST_ADMIN_TOKEN");
        });
    }

    @Test
    void everyRunHasARequestBudgetUnlessItsEnvironmentSaysOtherwise() throws IOException {
        file("staging", REMOTE);
        assertThat(load("staging", Map.of(), Map.of()).policy().run().maxRequests()).isEqualTo(2000);
        assertThat(load("staging", Map.of(), Map.of()).policy().run().limitsRequests()).isTrue();
        file("lab", REMOTE + "  run:\n    maxRequests: null\n");
        assertThat(load("lab", Map.of(), Map.of()).policy().run().limitsRequests()).isFalse();
        assertThat(load("staging", Map.of("OCMT_POLICY_RUN_MAXREQUESTS", "0"), Map.of()).policy().run().limitsRequests()).isFalse();
        assertThat(load("staging", Map.of(), Map.of("ocmt.policy.run.maxRequests", "50")).policy().run().maxRequests()).isEqualTo(50);
        assertThatThrownBy(() -> load("staging", Map.of(), Map.of("ocmt.policy.run.maxRequests", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("policy.run.maxRequests is -1 in ")
                .hasMessageContaining("null or 0 for no limit");
    }

    @Test
    void theShippedBudgetsFitWhatTheirRunsSend() {
        Path repo = Path.of("").toAbsolutePath();
        for (String name : Environments.known(repo)) {
            assertThat(Environments.load(name, repo, Map.of(), Map.of()).policy().run().limitsRequests()).as(name).isTrue();
        }
        // The reference stack grants the ratelimit tag, whose requests alone are Σ(limit + 1) + 19 (README).
        Policy reference = Environments.load("reference", repo, Map.of(), Map.of()).policy();
        int rateLimitTag = reference.rateLimits().stream().mapToInt(l -> l.limit() + 1).sum() + 19;
        assertThat(rateLimitTag).isEqualTo(1047);
        assertThat(reference.run().maxRequests()).isGreaterThan(2 * rateLimitTag);
        // Production runs nightly without destructive tests: a budget well below the default's.
        Environment production = Environments.load("production", repo, Map.of(), Map.of());
        assertThat(production.grants().destructive()).isFalse();
        assertThat(production.policy().run().maxRequests()).isLessThan(2000);
    }

    @Test
    void allowUnverifiedIsEmptyByDefault() {
        Path repo = Path.of("").toAbsolutePath();
        for (String name : Environments.known(repo)) {
            assertThat(Environments.load(name, repo, Map.of(), Map.of()).policy().run().allowUnverified()).as(name).isEmpty();
        }
        assertThat(Environments.load("reference", repo, Map.of("OCMT_POLICY_RUN_ALLOWUNVERIFIED", "[datastore]"), Map.of())
                .policy().run().allowUnverified()).containsExactly("datastore");
    }

    @Test
    void theEffectivePolicyIsThePolicyTreeAsYamlThatReadsBackToTheSamePolicy() throws IOException {
        file("staging", REMOTE);
        Environment env = load("staging", Map.of(), Map.of("ocmt.policy.headers.hsts.minMaxAge", "15552000"));
        String yaml = env.policyYaml();
        assertThat(yaml).startsWith("policy:\n").contains("minMaxAge: 15552000").contains("allowUnverified: []")
                .doesNotContain("target:").doesNotContain("secrets:").doesNotContain("grants:");
        var mapper = Environments.mapper();
        assertThat(mapper.treeToValue(mapper.readTree(yaml).get("policy"), Policy.class)).isEqualTo(env.policy());
        Path repo = Path.of("").toAbsolutePath();
        for (String name : Environments.known(repo)) {
            Environment shipped = Environments.load(name, repo, Map.of(), Map.of());
            assertThat(mapper.treeToValue(mapper.readTree(shipped.policyYaml()).get("policy"), Policy.class)).as(name)
                    .isEqualTo(shipped.policy());
        }
    }

    /** An empty list would let every check over it pass without a request: one line naming the key stops the run. */
    @Test
    void anEmptyPolicyListStopsTheRunNamingTheKey() throws IOException {
        file("staging", REMOTE);
        for (String key : List.of("policy.headers.responses", "policy.redirect.paths", "policy.admin.paths", "policy.admin.internalPaths",
                "policy.rateLimits", "policy.encryption.encryptedColumns", "policy.backup.expectedTables", "policy.tls.allowedSuites")) {
            assertThatThrownBy(() -> load("staging", Map.of(), Map.of("ocmt." + key, "[]")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(key + " is empty in ")
                    .hasMessageContaining("would judge nothing and pass");
        }
    }
}
