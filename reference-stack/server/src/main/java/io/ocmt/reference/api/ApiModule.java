package io.ocmt.reference.api;

import io.javalin.Javalin;
import io.ocmt.reference.SecurityPolicy;
import io.ocmt.reference.Switch;
import io.ocmt.reference.Switches;
import io.ocmt.reference.crypto.VaultCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * OCMT's stateful API: magic-link login, sessions, CSRF, the vault, integration secrets, admin and
 * internal routes. Runs when DATABASE_URL is set; the server is then ready only once the schema
 * exists, so the readiness line still means "ready to serve".
 */
public final class ApiModule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiModule.class);

    private final ApiSettings settings;
    private Database database;
    private VaultSessionStore vaultSessions;
    private Mailer mailer;

    private ApiModule(ApiSettings settings) {
        this.settings = settings;
    }

    /**
     * Reads and checks the environment; empty when DATABASE_URL is unset.
     *
     * @throws io.ocmt.reference.ConfigurationException naming the variable that is malformed
     */
    public static Optional<ApiModule> fromEnvironment(Map<String, String> env, Switches switches) {
        ApiSettings settings = ApiSettings.fromEnvironment(env, switches);
        ApiSettings.warnings(env).forEach(LOG::warn);
        if (settings == null) {
            LOG.info("DATABASE_URL is not set: accounts, sessions, vault and admin routes are off");
            return Optional.empty();
        }
        return Optional.of(new ApiModule(settings));
    }

    /**
     * Connects to the database (waiting for it to come up), creates the schema and opens the
     * vault session store.
     *
     * @throws IllegalStateException with a message fit for the operator when the database is unreachable
     */
    public void start() {
        LOG.info("API: {}", settings.describe());
        database = Database.open(settings.database, settings.dbStartupTimeoutMs);
        try {
            vaultSessions = settings.redisUrl == null
                    ? new MemoryVaultSessionStore(Clock.systemUTC())
                    : new RedisVaultSessionStore(settings.redisUrl, settings.secrets, Clock.systemUTC());
        } catch (RuntimeException e) {
            // The class name only: the client's messages may carry REDIS_URL with its password.
            throw new IllegalStateException("cannot set up the Redis client: " + e.getClass().getSimpleName());
        }
        mailer = new Mailer(settings.smtpHost, settings.smtpPort, settings.mailFrom, settings.magicLinkTtlMs);
    }

    /** Registers the CSRF guard, the admin and internal guards, the routes and the API's error shape. */
    public void install(Javalin app, SecurityPolicy policy) {
        if (database == null) {
            throw new IllegalStateException("ApiModule.start() must run before install()");
        }
        Store store = new Store(database);
        SecurityEvents events = new SecurityEvents(store::securityEvent,
                io.ocmt.reference.SecurityLog.stream(settings.switches, System.getenv()));
        SessionAuth auth = new SessionAuth(store, settings);
        CsrfRules rules = new CsrfRules(settings.allowedOrigins, !settings.switches.is(Switch.CSRF, "1"));

        app.before(new CsrfGuard(rules, events)::check);
        new AdminRoutes(settings, store, events, ctx -> auth.presentedToken(ctx) == null
                ? Optional.empty() : Optional.of(auth.require(ctx).user())).install(app);
        new InternalRoutes(settings, store, events).install(app);
        new AuthRoutes(settings, store, auth, mailer, events).install(app);
        new VaultRoutes(settings, store, auth, vaultSessions, new VaultCipher(Clock.systemUTC()), events).install(app);
        new IntegrationRoutes(settings, store, auth).install(app);

        app.exception(Reply.class, (e, ctx) -> {
            // Re-applied because an error path may follow a response reset; set-style, so still once.
            policy.applyTo(ctx::header);
            e.headers().forEach(ctx::header);
            Http.json(ctx, e.status(), e.body());
        });
    }

    @Override
    public void close() {
        if (mailer != null) {
            mailer.close();
        }
        if (vaultSessions != null) {
            vaultSessions.close();
        }
        if (database != null) {
            database.close();
        }
    }
}
