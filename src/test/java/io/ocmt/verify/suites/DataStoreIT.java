package io.ocmt.verify.suites;

import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.db.PostgresTlsProbe;
import io.ocmt.verify.db.RedisProbe;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Redis Configuration" (authentication, memory limits, persistence) and "Enable SSL for
 * database connections", judged from the runner over the network the environment grants: what an
 * attacker on that network would get, not what a configuration file claims.
 */
@Epic(Checklist.EPIC)
@OcmtSuite
@Tag("datastore")
@DisplayName("Data stores: Redis and PostgreSQL")
public class DataStoreIT {

    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.REDIS)
    @Story(Checklist.REDIS_AUTH)
    @Link(name = "ASVS 4.0.3 V2 Authentication (V2.10 Service Authentication)", url = References.ASVS_V2)
    @Description("A Redis command without the password must get NOAUTH; without it anyone on the network can reset "
            + "rate limits and read vault sessions. "
            + Remediation.REDIS_CONF)
    @Test
    @Requires(Grant.REDIS)
    @DisplayName("Redis refuses commands without the password (NOAUTH)")
    void redisRequiresPassword(Target target) {
        Grants.Redis redis = target.environment().grants().redis();
        try (RedisProbe probe = RedisProbe.connect(redis.host(), redis.port(), target.connectTimeoutMs())) {
            RedisProbe.Reply ping = probe.command("PING");
            Evidence.attach("PING without a password", "text/plain", probe.where() + " answered " + ping, ".txt");
            if (!ping.errorCode().equals("NOAUTH")) {
                Findings.assertNone(List.of(new Finding("Redis authentication (requirepass)", "PING to " + probe.where() + " without a password",
                        "-NOAUTH Authentication required", "Redis answered " + ping + ": anyone who reaches it reads and writes "
                        + "rate-limit counters and vault sessions")));
            }
        }
    }

    @Severity(SeverityLevel.NORMAL)
    @Feature(Checklist.REDIS)
    @Story(Checklist.REDIS_MEMORY_PERSISTENCE)
    @Link(name = "ASVS 4.0.3 V14 Configuration", url = References.ASVS_V14)
    @Description("Redis must have appendonly yes, maxmemory > 0 and an evicting maxmemory-policy, so it survives "
            + "restarts and cannot exhaust the host. "
            + Remediation.REDIS_CONF)
    @Test
    @Requires(Grant.REDIS)
    @DisplayName("Redis persists (appendonly) and has a memory limit with an evicting policy")
    void redisPersistenceAndMemoryLimits(Target target, Policy policy) {
        Grants.Redis redis = target.environment().grants().redis();
        Optional<String> password = redis.passwordSecret() == null ? Optional.empty() : target.secrets().find(redis.passwordSecret());
        Policy.DataStorePolicy ds = policy.datastore();
        try (RedisProbe probe = RedisProbe.connect(redis.host(), redis.port(), target.connectTimeoutMs())) {
            if (password.isPresent()) {
                RedisProbe.Reply auth = probe.command("AUTH", password.get());
                // A Redis without requirepass refuses AUTH; that is the other test's finding, and this one can still look.
                boolean noPasswordConfigured = auth.isError() && auth.text().contains("without any password configured");
                NotVerified.unless(!auth.isError() || noPasswordConfigured, () -> "Not verified: Redis at " + probe.where()
                        + " refused the granted password (" + auth + "); grants.redis.passwordSecret must name Redis's password");
            }
            Map<String, String> config = settings(probe);
            NotVerified.unless(config != null, () -> "Not verified: Redis at " + probe.where()
                    + " refuses both CONFIG GET and INFO to this client (without a password the grant cannot see its settings)");
            Evidence.attach("Redis settings", Redactor.settings(config));
            List<Finding> findings = new ArrayList<>();
            String where = "Redis at " + probe.where();
            String appendonly = config.get("appendonly");
            if (!ds.redisAppendOnly().equalsIgnoreCase(appendonly)) {
                findings.add(new Finding("Redis persistence (appendonly)", where, "appendonly " + ds.redisAppendOnly(),
                        "appendonly is " + appendonly + ": a restart loses rate-limit state and vault sessions"));
            }
            String evictionPolicy = config.get("maxmemory-policy");
            if (evictionPolicy == null || ds.redisForbiddenMaxmemoryPolicies().contains(evictionPolicy)) {
                findings.add(new Finding("Redis memory limits (maxmemory-policy)", where, "a maxmemory-policy other than "
                        + ds.redisForbiddenMaxmemoryPolicies() + " (checklist: volatile-lru)", "it is " + evictionPolicy
                        + ": a full Redis refuses writes"));
            }
            long maxmemory = parseLong(config.get("maxmemory"));
            if (ds.redisRequireMaxmemory() && maxmemory <= 0) {
                findings.add(new Finding("Redis memory limits (maxmemory)", where, "a maxmemory limit above 0 (checklist: 256mb)",
                        "maxmemory is " + config.get("maxmemory") + ": Redis may grow until the host runs out of memory"));
            }
            Findings.assertNone(findings);
        }
    }

    /** CONFIG GET where allowed; INFO where CONFIG is renamed away (a common hardening), since INFO shows the same three. */
    private static Map<String, String> settings(RedisProbe probe) {
        RedisProbe.Reply config = probe.command("CONFIG", "GET", "*");
        if (!config.isError()) {
            return RedisProbe.pairs(config);
        }
        RedisProbe.Reply persistence = probe.command("INFO", "persistence");
        RedisProbe.Reply memory = probe.command("INFO", "memory");
        if (persistence.isError() || memory.isError()) {
            return null;
        }
        Map<String, String> p = RedisProbe.info(persistence);
        Map<String, String> m = RedisProbe.info(memory);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put("appendonly", "1".equals(p.get("aof_enabled")) ? "yes" : "no");
        out.put("maxmemory", m.get("maxmemory"));
        out.put("maxmemory-policy", m.get("maxmemory_policy"));
        return out;
    }

    /** The database of jdbc:postgresql://host:port/NAME?params. */
    static String databaseName(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://[^/]*/?", "");
        int q = rest.indexOf('?');
        String name = q < 0 ? rest : rest.substring(0, q);
        return name.isEmpty() ? "postgres" : name;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Severity(SeverityLevel.BLOCKER)
    @Feature(Checklist.DATABASE)
    @Story(Checklist.DB_SSL)
    @Link(name = "ASVS 4.0.3 V9.2.2", url = References.ASVS_V9)
    @Description("PostgreSQL must offer TLS and refuse a startup without it before authentication, so credentials "
            + "never cross the network in clear. Only pg_hba's refusal (SQLSTATE 28000) shows the refusal and only an "
            + "authentication request shows an acceptance; any other answer (another error, a close, a reset, silence) "
            + "leaves it not verified. Fix: postgresql.conf `ssl = on`, pg_hba.conf `hostssl` lines only "
            + "(no `host`), and DATABASE_URL with `?sslmode=require`.")
    @Test
    @Requires(Grant.POSTGRES)
    @DisplayName("PostgreSQL refuses connections without TLS (sslmode=require)")
    void postgresRefusesPlaintext(Target target, Policy policy) {
        NotVerified.unless(policy.datastore().postgresRequireTls(), () -> "Not verified: policy.datastore.postgresRequireTls is false in environment '"
                + target.name() + "'");
        Grants.Postgres pg = target.environment().grants().postgres();
        String where = pg.host() + ":" + pg.port();
        List<Finding> findings = new ArrayList<>();
        // What neither proves nor disproves the control: the test is then not verified, never passed or failed on it.
        List<String> unknown = new ArrayList<>();
        PostgresTlsProbe.TlsAnswer ssl = PostgresTlsProbe.offersTls(pg.host(), pg.port(), target.connectTimeoutMs());
        switch (ssl.offer()) {
            case OFFERED -> { }
            case NOT_OFFERED -> findings.add(new Finding("PostgreSQL TLS", where, "TLS offered (an SSLRequest answered 'S')",
                    "the server does not offer TLS at all: " + ssl.detail()));
            case UNKNOWN -> unknown.add("whether it offers TLS: " + ssl.detail());
        }
        // pg_hba can differ by role and database: where the environment grants a database, probe as its role.
        Grants.Database db = target.environment().grants().database();
        String user = Optional.ofNullable(db.usernameSecret()).flatMap(target.secrets()::find).orElse(PostgresTlsProbe.PROBE_USER);
        String database = db.granted() ? databaseName(db.jdbcUrl()) : "postgres";
        PostgresTlsProbe.Outcome plain = PostgresTlsProbe.plaintextStartup(pg.host(), pg.port(), user, database, target.connectTimeoutMs());
        Evidence.attach("Startup without TLS (sslmode=disable)", where + ":\nSSLRequest: "
                + ssl.offer() + ", " + ssl.detail() + "\nstart-up without TLS: " + switch (plain.startup()) {
                    case REFUSED -> "refused by pg_hba before authentication, SQLSTATE " + plain.sqlState() + ": ";
                    case ACCEPTED -> "accepted: ";
                    case UNKNOWN -> "no evidence either way (only SQLSTATE 28000 is pg_hba's refusal, only an authentication "
                            + "request an acceptance): ";
                } + plain.detail());
        switch (plain.startup()) {
            case REFUSED -> { }
            case ACCEPTED -> findings.add(new Finding("PostgreSQL TLS (sslmode=require)", "a connection to " + where + " with sslmode=disable",
                    "refused before authentication (pg_hba: hostssl only, hostnossl reject)", "the server accepted it: " + plain.detail()
                    + ", so passwords and data cross the network in clear"));
            case UNKNOWN -> unknown.add("whether it refuses a start-up without TLS (sslmode=disable, user " + user + ", database "
                    + database + "): " + plain.detail());
        }
        Findings.assertNone(findings);
        if (!unknown.isEmpty()) {
            throw NotVerified.because(Redactor.text("PostgreSQL at " + where + " did not show " + String.join("; nor ", unknown)));
        }
    }
}
