package io.ocmt.verify.referencestack;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import io.ocmt.verify.config.EmbeddedStack;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.StackEndpoints;
import io.ocmt.verify.config.Targets;
import io.ocmt.verify.docker.LocalImage;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;

/**
 * The embedded target: nginx terminating TLS in front of two replicas of the OCMT reference server,
 * with PostgreSQL, Redis, a mail server and a backup job behind them, all built from the Dockerfiles under
 * {@code reference-stack/} and started on a private network, and egress proxies at addresses of their own,
 * outside the admin IP allowlist. Every URL is derived from the ports it publishes on 127.0.0.1;
 * {@link #close()} removes every container and the network.
 */
public final class ReferenceStack implements EmbeddedStack {

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceStack.class);
    static final String LABEL = "io.ocmt.verify.stack";
    private static final Duration STARTUP = Duration.ofMinutes(3);
    static final int BACKUP_INTERVAL_S = 30;
    /**
     * How many egress proxies, each a client address of its own. OCMT allows 5 magic-link
     * verifications per 15 minutes per client address and a run needs about 20: five proxies carry
     * 25, and the host's own address 5 more, so a run stays within the limits without waiting out a
     * window. The addresses 10.231.N.100 onwards must stay below the containers' .128/25 range.
     */
    static final int EGRESS_PROXIES = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final Policy policy;
    private final Set<Switch> switches;
    private final Path workDir;
    private int subnetThirdOctet;
    private Network network;
    private final List<GenericContainer<?>> containers = new ArrayList<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    /** The containers the containers grant names: OCMT's own, not the stack's test machinery. */
    private final List<String> appContainers = new ArrayList<>();
    private StackEndpoints endpoints;

    private ReferenceStack(Policy policy, Set<Switch> switches, Path projectDir) {
        this.id = secret(4);
        this.policy = policy;
        this.switches = switches;
        this.workDir = projectDir.resolve("target").resolve("reference-stack").resolve(id);
        // A random /24 can collide with a network another stack (or a crashed run) still holds: try a few.
        RuntimeException last = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            int third = RANDOM.nextInt(256);
            Network candidate = privateNetwork(third);
            try {
                candidate.getId(); // creates it now, so a collision shows here
                this.subnetThirdOctet = third;
                this.network = candidate;
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("Cannot create a Docker network in 10.231.0.0/16 for the reference stack: "
                + last.getMessage() + ". Remove stale networks with `docker network prune`.", last);
    }

    /**
     * A network whose containers get addresses from the upper half of its subnet only, so the servers
     * can trust exactly their proxy's range. The gateway, from which every host-side client arrives,
     * stays outside it: trusting it would let a client's own X-Forwarded-For pick its rate-limit key.
     */
    private static Network privateNetwork(int third) {
        String subnet = "10.231." + third + ".0/24";
        return Network.builder().createNetworkCmdModifier(cmd -> cmd.withIpam(new com.github.dockerjava.api.model.Network.Ipam()
                .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config()
                        .withSubnet(subnet).withIpRange("10.231." + third + ".128/25").withGateway("10.231." + third + ".1"))))
                .build();
    }

    /** The containers' own range: the servers believe forwarding headers from nginx and from nothing else. */
    private String trustedProxies() {
        return "10.231." + subnetThirdOctet + ".128/25";
    }

    /** Where every host-side client (the suite) arrives from: the network's gateway. */
    private String gateway() {
        return "10.231." + subnetThirdOctet + ".1";
    }

    /**
     * The fixed address of egress proxy {@code i} (from 0): in the subnet but below the containers'
     * range, so Docker never gives it to another container, and outside the admin allowlist (the
     * gateway alone).
     */
    private String egressAddress(int i) {
        return "10.231." + subnetThirdOctet + "." + (100 + i);
    }

    /**
     * Builds the images (cached by Docker after the first time) and starts the stack; returns once
     * nginx serves. The servers take their session and magic-link lifetimes from the environment's
     * policy (so a run can wait one out) and keep OCMT's own rate limits, which the policy judges.
     */
    public static ReferenceStack start(Policy policy, Set<Switch> switches, Path projectDir) {
        for (int attempt = 1; ; attempt++) {
            ReferenceStack stack = new ReferenceStack(policy, switches, projectDir);
            try {
                stack.startAll(projectDir);
                return stack;
            } catch (RuntimeException e) {
                stack.close();
                if (attempt >= START_ATTEMPTS || !portTaken(e)) {
                    throw e;
                }
                LOG.warn("Reference stack {}: a loopback port chosen for it was taken before Docker bound it (another build on "
                        + "this Docker engine); starting it again on other ports (attempt {} of {})", stack.id, attempt + 1, START_ATTEMPTS);
            }
        }
    }

    /** A stack whose chosen port another process took first is started again on fresh ports, at most this often in all. */
    static final int START_ATTEMPTS = 3;

    /**
     * Whether a start failed because a host port chosen free ({@link #freePort}) was bound by someone
     * else before Docker published it: a race with other builds on a shared machine, not a fault of the stack.
     */
    static boolean portTaken(Throwable failure) {
        java.util.Deque<Throwable> todo = new java.util.ArrayDeque<>(List.of(failure));
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("port is already allocated") || message.contains("address already in use")) {
                return true;
            }
            if (t.getCause() != null) {
                todo.push(t.getCause());
            }
            java.util.Arrays.stream(t.getSuppressed()).forEach(todo::push);
        }
        return false;
    }

    private void startAll(Path projectDir) {
        long t0 = System.nanoTime();
        Images images = Images.build(projectDir.resolve("reference-stack"));
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String dbPassword = secret(16);
        String redisPassword = secret(16);
        secrets.put("adminToken", secret(24));
        secrets.put("agentServerToken", secret(32));
        // The key the servers get; a switch that sets ENCRYPTION_KEY (a placeholder) gives it to the suite as well.
        secrets.put("encryptionKey", serverSetting("ENCRYPTION_KEY").orElse(secret(32)));
        secrets.put("databasePassword", dbPassword);
        secrets.put("redisPassword", redisPassword);
        secrets.put("databaseReadonlyUser", "ocmt_readonly");
        secrets.put("backupPassphrase", secret(24));
        secrets.put("databaseReadonlyPassword", secret(16));
        secrets.put("databaseWriterUser", "ocmt_session_ager");
        secrets.put("databaseWriterPassword", secret(16));
        secrets.values().forEach(Redactor::registerSecret);

        int httpsPort = freePort();
        int httpPort = freePort();
        // The public host is where nginx is published (127.0.0.1); its ports are the stack's own choice,
        // so the ports a database would be published on there are chosen per stack too, and named
        // to the privatenetwork suite as its policy. Nothing listens on them unless a switch publishes.
        int publicPostgresPort = freePort();
        int publicRedisPort = freePort();

        GenericContainer<?> postgres = container(images.postgres(), "postgres")
                .withEnv("POSTGRES_USER", "ocmt").withEnv("POSTGRES_PASSWORD", dbPassword).withEnv("POSTGRES_DB", "ocmt")
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 1).withStartupTimeout(STARTUP));
        GenericContainer<?> redis = container(images.redis(), "redis")
                .withEnv("REDIS_PASSWORD", redisPassword)
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1).withStartupTimeout(STARTUP));
        GenericContainer<?> mail = container(images.java(), "mail")
                .withCommand("java", "-cp", "/app/ocmt-reference.jar", "io.ocmt.reference.mail.MailServerMain")
                .waitingFor(Wait.forLogMessage(".*OCMT reference mail server ready.*", 1).withStartupTimeout(STARTUP));
        // The environment's grants: the suite may read the database, the mailbox and Redis, on loopback only.
        if (switches.contains(Switch.POSTGRES_PUBLIC)) {
            postgres.withExposedPorts(5432).withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                    new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(5432)),
                    new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", publicPostgresPort), ExposedPort.tcp(5432))));
        } else {
            loopbackOnly(postgres, 5432);
        }
        loopbackOnly(redis, 6379);
        loopbackOnly(mail, 3143);
        apply(Switch.Component.POSTGRES, postgres);
        apply(Switch.Component.REDIS, redis);
        harden(postgres, "postgres", 512, List.of("CMD-SHELL", "pg_isready -q -h 127.0.0.1 -p 5432"));
        harden(redis, "redis", 512, List.of("CMD-SHELL", "redis-cli --no-auth-warning -a \"$REDIS_PASSWORD\" ping | grep -q PONG"));
        Startables.deepStart(postgres, redis, mail).join();

        String publicUrl = "https://localhost:" + httpsPort;
        // The security log both replicas append to (the checklist's /var/log/ocmt/security.log), on this
        // machine: the file the environment's log grant names. Created here, writable by the servers' user.
        Path securityLogDir = workDir.resolve("security-log");
        Path securityLog = securityLogDir.resolve("security.log");
        createSharedFile(securityLogDir, securityLog);
        List<GenericContainer<?>> servers = new ArrayList<>();
        for (String alias : List.of("server-1", "server-2")) {
            GenericContainer<?> server = container(images.java(), alias)
                    .withEnv("PORT", "3000")
                    .withEnv("NODE_ENV", "production")
                    .withEnv("RELEASE", Targets.referenceStackRelease())
                    .withEnv("DATABASE_URL", databaseUrl(dbPassword))
                    .withEnv("REDIS_URL", "redis://:" + redisPassword + "@redis:6379")
                    .withEnv("REDIS_PASSWORD", redisPassword)
                    .withEnv("ENCRYPTION_KEY", secrets.get("encryptionKey"))
                    .withEnv("INTERNAL_ADMIN_TOKEN", secrets.get("adminToken"))
                    .withEnv("AGENT_SERVER_TOKEN", secrets.get("agentServerToken"))
                    .withEnv("SMTP_HOST", "mail").withEnv("SMTP_PORT", "3025")
                    .withEnv("APP_URL", publicUrl).withEnv("USER_UI_URL", publicUrl)
                    .withEnv("TRUST_PROXY", "1")
                    .withEnv("TRUSTED_PROXIES", trustedProxies())
                    .withEnv(fromPolicy())
                    .withEnv("SECURITY_LOG_FILE", "/var/log/ocmt/security.log")
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                            .withBinds(new Bind(securityLogDir.toString(), new Volume("/var/log/ocmt"))))
                    .waitingFor(Wait.forLogMessage(".*OCMT reference server listening.*", 1).withStartupTimeout(STARTUP));
            apply(Switch.Component.SERVER, server);
            // The server answers plain HTTP on 3000 inside its network; bash's /dev/tcp, since the image has no curl.
            harden(server, alias, 1024, List.of("CMD-SHELL", "bash -c 'exec 3<>/dev/tcp/127.0.0.1/3000 && printf \"GET /health HTTP/1.1\\r\\n"
                    + "Host: localhost\\r\\nX-Forwarded-Proto: https\\r\\nConnection: close\\r\\n\\r\\n\" >&3 && head -c 12 <&3 | grep -q \"HTTP/1.1 2\"'"));
            servers.add(server);
        }
        Startables.deepStart(servers).join();
        grantSuiteRoles(postgres);

        // Backups go to a directory on this machine: the backup store the environment grants read access to.
        Path backups = workDir.resolve("backups");
        createOwnedDirectory(backups);
        GenericContainer<?> backup = container(images.backup(), "backup")
                .withEnv("DATABASE_URL", databaseUrl(dbPassword))
                .withEnv("BACKUP_PASSPHRASE", secrets.get("backupPassphrase"))
                // Every half minute, so the newest backup is close to the live database the backup
                // suite compares it with, whichever suites ran before it.
                .withEnv("BACKUP_INTERVAL_S", Integer.toString(BACKUP_INTERVAL_S))
                // A plain Docker bind: Testcontainers' own bind helper first probes mount support by
                // pulling a helper image, which a registry-less engine cannot do.
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withUser(owner(backups));
                    cmd.getHostConfig().withBinds(new Bind(backups.toString(), new Volume("/backups")));
                })
                .waitingFor(Wait.forLogMessage(".*OCMT backup ready.*", 1).withStartupTimeout(STARTUP));
        apply(Switch.Component.BACKUP, backup);

        ThrowawayCa ca = new ThrowawayCa();
        ThrowawayCa.Issued cert = issueCertificate(ca);
        Path caPem = workDir.resolve("ca.pem");
        write(caPem, ca.certificatePem());

        GenericContainer<?> nginx = container(images.nginx(), "nginx")
                .withEnv("UPSTREAMS", "server-1:3000,server-2:3000")
                // The host in publicUrl: the redirect names it, never the Host a client sends.
                .withEnv("PUBLIC_HOST", "localhost")
                .withEnv("HTTPS_PUBLIC_PORT", Integer.toString(httpsPort))
                .withCopyToContainer(Transferable.of(cert.certificatePem()), "/etc/nginx/tls/server.crt")
                .withCopyToContainer(Transferable.of(cert.privateKeyPem(), 0600), "/etc/nginx/tls/server.key")
                .withExposedPorts(443, 80)
                // Fixed ports, chosen free just now, so the port-80 redirect can name the public HTTPS port.
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", httpsPort), ExposedPort.tcp(443)),
                        new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", httpPort), ExposedPort.tcp(80))))
                .waitingFor(Wait.forListeningPorts(443, 80).withStartupTimeout(STARTUP));
        apply(Switch.Component.NGINX, nginx);

        // Egress proxies: client addresses outside the admin allowlist, and more addresses to spread
        // logins over. The suite sends each an ordinary CONNECT localhost:<httpsPort>, exactly as it
        // would to a real deployment's host through a real proxy; inside the container that name
        // would be the container itself, so a loopback relay makes localhost:<httpsPort> there what
        // it is on the host: nginx's 443. The relay runs in the proxy's container, so nginx and the
        // servers see the tunnel come from egressAddress(i). (The alternatives: pointing "localhost"
        // at nginx in /etc/hosts, which Docker owns and lists 127.0.0.1 first, or a second nginx
        // listener on the published port number, which changes the target for a test's sake.)
        List<GenericContainer<?>> egress = new ArrayList<>();
        for (int i = 0; i < EGRESS_PROXIES; i++) {
            String address = egressAddress(i);
            GenericContainer<?> proxy = container(images.egress(), "egress-" + (i + 1))
                    .withEnv("ALLOW", gateway())
                    .withEnv("CONNECT_PORTS", Integer.toString(httpsPort))
                    .withEnv("RELAY", httpsPort + "=nginx:443")
                    .withCreateContainerCmdModifier(cmd -> cmd.withIpv4Address(address))
                    .waitingFor(Wait.forListeningPorts(8888).withStartupTimeout(STARTUP));
            loopbackOnly(proxy, 8888);
            egress.add(proxy);
        }
        // None of these waits for another (nginx needs only the servers, a relay connects when used),
        // so they start together: the proxies then add about nothing to the stack's start time.
        List<GenericContainer<?>> last = new ArrayList<>(List.of(backup, nginx));
        last.addAll(egress);
        Startables.deepStart(last).join();
        List<String> egressUrls = new ArrayList<>();
        for (int i = 0; i < EGRESS_PROXIES; i++) {
            requireAddress(egress.get(i), egressAddress(i));
            egressUrls.add("http://localhost:" + egress.get(i).getMappedPort(8888));
        }

        Map<String, String> derived = new LinkedHashMap<>();
        derived.put("grants.destructive", "true");
        derived.put("grants.mailbox.type", "imap");
        derived.put("grants.mailbox.host", "localhost");
        derived.put("grants.mailbox.port", Integer.toString(mail.getMappedPort(3143)));
        derived.put("grants.mailbox.tls", "false");
        derived.put("grants.mailbox.loginAsRecipient", "true");
        derived.put("grants.mailbox.baseAddress", "ocmt-verify@ocmt.test");
        derived.put("grants.database.jdbcUrl", "jdbc:postgresql://localhost:" + postgres.getMappedPort(5432) + "/ocmt?sslmode=require");
        derived.put("grants.database.usernameSecret", "databaseReadonlyUser");
        derived.put("grants.database.passwordSecret", "databaseReadonlyPassword");
        derived.put("grants.database.writerUsernameSecret", "databaseWriterUser");
        derived.put("grants.database.writerPasswordSecret", "databaseWriterPassword");
        derived.put("grants.redis.host", "localhost");
        derived.put("grants.redis.port", Integer.toString(redis.getMappedPort(6379)));
        derived.put("grants.redis.passwordSecret", "redisPassword");
        derived.put("grants.postgres.host", "localhost");
        derived.put("grants.postgres.port", Integer.toString(postgres.getMappedPort(5432)));
        derived.put("grants.backups.directory", backups.toString());
        derived.put("grants.backups.passphraseSecret", "backupPassphrase");
        derived.put("grants.outsideProxy.url", egressUrls.get(0));
        derived.put("grants.egressProxies.urls", yamlList(egressUrls));
        derived.put("policy.auth.uiUrl", publicUrl);
        derived.put("grants.containers.engineUrl", org.testcontainers.DockerClientFactory.instance().getTransportConfig().getDockerHost().toString());
        derived.put("grants.containers.names", yamlList(appContainers));
        derived.put("grants.securityLog.file", securityLog.toString());
        derived.put("policy.privateNetwork.ports", yamlList(List.of(Integer.toString(publicPostgresPort), Integer.toString(publicRedisPort))));
        endpoints = new StackEndpoints(publicUrl + "/", "http://localhost:" + httpPort + "/", "localhost", httpsPort, caPem,
                switches.stream().map(Switch::id).collect(Collectors.toCollection(TreeSet::new)), derived);
        LOG.info("Reference stack {} up in {} s at {}{}", id, String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9),
                endpoints.httpsUrl(), switches.isEmpty() ? "" : " with broken " + endpoints.switches());
    }

    /**
     * A derived setting is read as YAML, so a list is a flow sequence. No spaces: the setting also
     * lands in target/reference-stack.env, which a shell sources, and a space there would end the
     * assignment.
     */
    static String yamlList(List<String> values) {
        return "[" + String.join(",", values) + "]";
    }

    /** PostgreSQL refuses connections without TLS (pg_hba hostssl only), so every client asks for it. */
    private static String databaseUrl(String password) {
        return "postgresql://ocmt:" + password + "@postgres:5432/ocmt?sslmode=require";
    }

    /**
     * The server's lifetimes, taken from the policy the suite will judge them by. Not its rate
     * limits: those are OCMT's own (or the checklist's, with the checklist-limits switch), so the
     * policy is judged against what the server does rather than the server fitted to the policy.
     */
    private Map<String, String> fromPolicy() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("USER_SESSION_TIMEOUT_MS", Long.toString(policy.session().absoluteLifetimeSeconds() * 1000));
        env.put("MAX_SESSIONS_PER_USER", Integer.toString(policy.session().maxPerUser()));
        env.put("MAGIC_LINK_TTL_MS", Long.toString(policy.auth().magicLinkTtlSeconds() * 1000));
        return env;
    }

    /**
     * The roles a real environment would grant the suite: one that can read every table and change
     * nothing, and one that can change only the sessions table, so the session suite can age its
     * own session instead of waiting out the lifetime. And the admin allowlist an operator would
     * keep: the network's gateway, where every host-side client (the suite) arrives from, and not
     * the egress proxies, so the allowlist check has both sides. The servers create these tables
     * at start, hence after they are up.
     */
    private void grantSuiteRoles(GenericContainer<?> postgres) {
        String sql = role("ocmt_readonly", secrets.get("databaseReadonlyPassword"))
                + "GRANT SELECT ON ALL TABLES IN SCHEMA public TO ocmt_readonly; "
                + "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ocmt_readonly; "
                + role(secrets.get("databaseWriterUser"), secrets.get("databaseWriterPassword"))
                + "GRANT SELECT, UPDATE ON sessions TO " + secrets.get("databaseWriterUser") + "; "
                + "INSERT INTO admin_ip_allowlist (cidr, description) VALUES ('" + gateway() + "/32', "
                + "'reference stack: the Docker network gateway, where host-side clients arrive from') "
                + "ON CONFLICT (cidr) DO NOTHING;";
        try {
            var result = postgres.execInContainer("psql", "-v", "ON_ERROR_STOP=1", "-U", "ocmt", "-d", "ocmt", "-c", sql);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException("Cannot create the suite's database roles and admin allowlist: "
                        + Redactor.text(result.getStderr()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String role(String name, String password) {
        return "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + name + "') THEN "
                + "CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'; END IF; END $$; "
                + "GRANT CONNECT ON DATABASE ocmt TO " + name + "; GRANT USAGE ON SCHEMA public TO " + name + "; ";
    }

    /**
     * OCMT's own containers as a hardened deployment runs them (checklist "Container Security"): named,
     * so the containers grant can list them, with memory and CPU limits, a health check and json-file log
     * rotation; their images already run as non-root users. The container-defaults switch leaves
     * server-2 as a bare {@code docker run} would: root, no limits, no health check, no rotation.
     */
    private void harden(GenericContainer<?> container, String alias, long memoryMb, List<String> healthcheck) {
        String name = "ocmt-ref-" + id + "-" + alias;
        appContainers.add(name);
        boolean bare = switches.contains(Switch.CONTAINER_DEFAULTS) && alias.equals(Switch.CONTAINER_DEFAULTS.value(Switch.Component.DOCKER));
        container.withCreateContainerCmdModifier(cmd -> {
            cmd.withName(name);
            if (bare) {
                cmd.withUser("0:0");
                return;
            }
            cmd.withHealthcheck(new HealthCheck().withTest(healthcheck).withInterval(Duration.ofSeconds(30).toNanos())
                    .withTimeout(Duration.ofSeconds(5).toNanos()).withRetries(3).withStartPeriod(Duration.ofSeconds(20).toNanos()));
            cmd.getHostConfig().withMemory(memoryMb * 1024 * 1024).withNanoCPUs(2_000_000_000L)
                    .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "3")));
        });
    }

    /**
     * A file the servers (uid 1000 in their image) append to and this runner reads, whoever runs the suite:
     * world-writable, under target/ only.
     */
    private static void createSharedFile(Path dir, Path file) {
        try {
            Files.createDirectories(dir);
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The backup container writes as the directory's owner, whoever runs the suite. */
    private static void createOwnedDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String owner(Path dir) {
        try {
            return Files.getAttribute(dir, "unix:uid") + ":" + Files.getAttribute(dir, "unix:gid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A proxy's address is what the allowlist check and the spreading of logins are about: a
     * different one (or two proxies on one) would make them meaningless.
     */
    private void requireAddress(GenericContainer<?> container, String expected) {
        String actual = container.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
                .map(n -> n.getIpAddress()).findFirst().orElse(null);
        if (!expected.equals(actual)) {
            throw new IllegalStateException("Docker gave the egress proxy " + container.getContainerInfo().getName() + " " + actual
                    + " instead of " + expected + " on the stack's network; the admin allowlist check and the"
                    + " per-address login limits need that address.");
        }
    }

    /** Publishes a container port on 127.0.0.1 only (a random port): never on the machine's other addresses. */
    private static void loopbackOnly(GenericContainer<?> container, int port) {
        container.withExposedPorts(port).withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(port))));
    }

    static final int LEGACY_LIFETIME_DAYS = 825;
    static final int LEGACY_KEY_BITS = 1024;
    static final String LEGACY_SIGNATURE = "SHA1withRSA";

    /**
     * A 90-day certificate for localhost, unless a certificate switch asks for another host, an
     * earlier expiry or a legacy CA's lifetime, key and signature.
     */
    private ThrowawayCa.Issued issueCertificate(ThrowawayCa ca) {
        List<String> hosts = List.of("localhost");
        List<String> ips = List.of("127.0.0.1");
        Instant notBefore = Instant.now().minus(Duration.ofMinutes(5));
        Duration lifetime = Duration.ofDays(90);
        for (Switch s : switches) {
            if (s == Switch.CERT_WRONG_HOST) {
                hosts = List.of(s.value(Switch.Component.CERTIFICATE));
                ips = List.of();
            } else if (s == Switch.CERT_EXPIRING) {
                // Issued 80 days ago, so the lifetime stays ordinary and only the expiry is close.
                notBefore = Instant.now().minus(Duration.ofDays(80));
                lifetime = Duration.ofDays(80 + Long.parseLong(s.value(Switch.Component.CERTIFICATE))).plus(Duration.ofHours(12));
            } else if (s == Switch.CERT_LEGACY) {
                // What an internal CA set up years ago still issues: two years and more, RSA 1024, SHA-1;
                // issued a while ago, so its expiry is far and only these three are wrong.
                notBefore = Instant.now().minus(Duration.ofDays(100));
                return ca.issueServer(hosts, ips, notBefore, Duration.ofDays(LEGACY_LIFETIME_DAYS).plus(Duration.ofHours(12)),
                        LEGACY_KEY_BITS, LEGACY_SIGNATURE);
            }
        }
        return ca.issueServer(hosts, ips, notBefore, lifetime);
    }

    private GenericContainer<?> container(String image, String alias) {
        GenericContainer<?> c = new GenericContainer<>(image)
                .withNetwork(network)
                .withNetworkAliases(alias)
                .withLabel(LABEL, id)
                .withLogConsumer(logFile(alias));
        containers.add(c);
        return c;
    }

    /** The value a switch sets on the servers for {@code variable}, if any switch does. */
    private java.util.Optional<String> serverSetting(String variable) {
        return switches.stream().flatMap(s -> s.settings().stream())
                .filter(s -> s.component() == Switch.Component.SERVER && s.variable().equals(variable))
                .map(Switch.Setting::value).findFirst();
    }

    private void apply(Switch.Component component, GenericContainer<?> container) {
        switches.stream().flatMap(s -> s.settings().stream()).filter(s -> s.component() == component)
                .forEach(s -> container.withEnv(s.variable(), s.value()));
    }

    /** Container output goes to target/reference-stack/<id>/<alias>.log, redacted: a magic link in a server log is still a secret. */
    private Consumer<OutputFrame> logFile(String alias) {
        Path file = workDir.resolve(alias + ".log");
        return frame -> {
            String line = frame.getUtf8StringWithoutLineEnding();
            if (line == null) {
                return;
            }
            try {
                Files.createDirectories(workDir);
                Files.writeString(file, Redactor.text(line) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                LOG.debug("cannot write {}", file, e);
            }
        };
    }

    public String id() {
        return id;
    }

    @Override
    public StackEndpoints endpoints() {
        return endpoints;
    }

    @Override
    public Map<String, String> secrets() {
        return Map.copyOf(secrets);
    }

    @Override
    public void close() {
        for (int i = containers.size() - 1; i >= 0; i--) {
            try {
                containers.get(i).stop();
            } catch (RuntimeException e) {
                LOG.warn("cannot stop a container of stack {}: {}", id, e.getMessage());
            }
        }
        containers.clear();
        try {
            network.close();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the network of stack {}: {}", id, e.getMessage());
        }
    }

    private static String secret(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The stack's images, built in parallel from reference-stack/<name>/Dockerfile and tagged by content
     * ({@link LocalImage}); Docker's layer cache makes rebuilds quick.
     */
    record Images(String java, String nginx, String postgres, String redis, String backup, String egress) {

        static Images build(Path dir) {
            CompletableFuture<String> java = build(dir, "server");
            CompletableFuture<String> nginx = build(dir, "nginx");
            CompletableFuture<String> postgres = build(dir, "postgres");
            CompletableFuture<String> redis = build(dir, "redis");
            CompletableFuture<String> backup = build(dir, "backup");
            CompletableFuture<String> egress = build(dir, "egress");
            return new Images(java.join(), nginx.join(), postgres.join(), redis.join(), backup.join(), egress.join());
        }

        /**
         * Networks that inspect TLS (corporate proxies, sandboxes) need their CA inside the server's
         * Maven build stage to reach Maven Central; the host's extra CAs are passed as a build
         * argument that only that stage trusts.
         */
        private static String extraCaCerts() {
            Path dir = Path.of("/usr/local/share/ca-certificates");
            if (!Files.isDirectory(dir)) {
                return "";
            }
            try (var files = Files.walk(dir)) {
                StringBuilder pem = new StringBuilder();
                for (Path f : files.filter(f -> f.toString().endsWith(".crt")).sorted().toList()) {
                    pem.append(Files.readString(f)).append('\n');
                }
                return pem.toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static CompletableFuture<String> build(Path dir, String name) {
            return LocalImage.build("ocmt-verify/" + name, dir.resolve(name),
                    name.equals("server") ? Map.of("EXTRA_CA_CERTS", extraCaCerts()) : Map.of());
        }
    }
}
