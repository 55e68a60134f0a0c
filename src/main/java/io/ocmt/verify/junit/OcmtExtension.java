package io.ocmt.verify.junit;

import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.LoginBudget;
import io.ocmt.verify.auth.LoginNeed;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.SessionLifecycle;
import io.ocmt.verify.auth.Spends;
import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.config.Targets;
import io.ocmt.verify.http.DryRun;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.http.RequestBudget;
import io.ocmt.verify.mail.Mailbox;
import io.ocmt.verify.mail.MailboxConfig;
import io.ocmt.verify.mail.Mailboxes;
import io.ocmt.verify.report.EnvironmentWidget;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.Evidence;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@link Target}, {@link Http}, {@link Policy}, {@link AuthClient}, the run's
 * {@link SharedLogin shared session} and its {@link SessionLifecycle}. The target lives in the root
 * store: opened at first use (starting the reference stack if the environment is embedded), shared
 * by every suite, closed by JUnit when the run ends. A target that cannot be opened is remembered,
 * so every later test fails at once with the same one-line reason instead of timing out again.
 *
 * <p>Logins are budgeted: before a test runs, what it declares with {@link Spends} and the shared
 * fixtures it takes are set aside on client addresses that have budget left ({@link LoginBudget}), or
 * the test is aborted as not verified. That happens before the test method's parameters are resolved,
 * because an exception from a parameter resolver fails a test where this must abort it.
 *
 * <p>Configuration parameter {@value #SWITCHES} (comma list) asks for a reference stack with those
 * controls broken, and {@value #OVERRIDES} (lines of {@code key=value}, e.g.
 * {@code policy.session.absoluteLifetimeSeconds=20}) sets configuration keys for that run, over every
 * other source; self-tests set them when they run a suite against a broken stack.
 */
public final class OcmtExtension implements ParameterResolver, BeforeTestExecutionCallback, AfterTestExecutionCallback,
        ExecutionCondition {

    public static final String SWITCHES = "ocmt.reference.switches";
    public static final String OVERRIDES = "ocmt.overrides";
    /**
     * A name under which the opened target outlives the run, for a later run in this JVM to reuse
     * with a budget and fixtures of its own: how a self-test runs the suites twice against one stack.
     * {@link #closeKept} ends it.
     */
    public static final String KEEP = "ocmt.reference.keep";
    private static final Map<String, Targets.Opened> KEPT = new java.util.concurrent.ConcurrentHashMap<>();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OcmtExtension.class);
    private static final Logger LOG = LoggerFactory.getLogger(OcmtExtension.class);
    /** The budget of the run's own target (not a self-test's broken stack), for the end-of-run summary. */
    private static volatile LoginBudget mainBudget;
    /** The request budget of the run's own target, for the same summary and the report. */
    private static volatile RequestBudget mainRequests;

    /**
     * A dry run ({@code -Docmt.dryRun=true}) disables every suite before anything opens the target: no
     * {@code @BeforeAll}, no parameter, no stack; each test is reported skipped, not verified, "dry run".
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return DryRun.on() ? ConditionEvaluationResult.disabled(DryRun.REASON) : ConditionEvaluationResult.enabled("not a dry run");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Target.class || type == Http.class || type == Policy.class || type == AuthClient.class
                || type == SessionLifecycle.class || (type == Session.class && parameter.isAnnotated(SharedLogin.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        OpenedTarget run = run(context);
        Target target = run.target();
        Class<?> type = parameter.getParameter().getType();
        if (type == Http.class) {
            return run.http();
        }
        if (type == AuthClient.class) {
            // One per test (or test factory): closing it revokes every session the test made.
            return context.getStore(NAMESPACE).getOrComputeIfAbsent(AuthClient.class,
                    k -> new Closing<>(new AuthClient(run.http(), mailbox(context, target), reservation(context))),
                    Closing.class).value();
        }
        if (type == Session.class) {
            // Checked and kept for this test before it started, where a spent budget can still abort it.
            Session kept = context.getStore(NAMESPACE).get(Session.class, Session.class);
            return kept != null ? kept : run.shared(context).current();
        }
        if (type == SessionLifecycle.class) {
            return run.lifecycle(context).get();
        }
        return type == Policy.class ? target.policy() : target;
    }

    /**
     * Sets aside what the test spends, then makes sure the shared fixtures it takes exist, so a
     * budget that cannot cover them aborts the test here rather than failing it in a resolver.
     */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        OpenedTarget run;
        try {
            run = run(context);
        } catch (ParameterResolutionException e) {
            return; // the parameter that needs the target reports why it could not be opened
        }
        String who = who(context);
        Optional<Spends> spends = AnnotationSupport.findAnnotation(method, Spends.class);
        LoginNeed need = spends.map(s -> Spends.Needs.of(s, run.target().policy())).orElse(LoginNeed.NONE);
        LoginBudget.Reservation reservation = need.isNone() ? run.budget().none(who) : run.budget().reserve(who, need);
        context.getStore(NAMESPACE).put(LoginBudget.Reservation.class, new Closing<>(reservation));
        for (Parameter p : method.getParameters()) {
            if (p.getType() == Session.class && p.isAnnotationPresent(SharedLogin.class)) {
                context.getStore(NAMESPACE).put(Session.class, run.shared(context).current());
            } else if (p.getType() == SessionLifecycle.class) {
                run.lifecycle(context).get();
            }
        }
    }

    /** The test's own logins in its report: what it set aside and which address each went through. */
    @Override
    public void afterTestExecution(ExtensionContext context) {
        Closing<?> held = context.getStore(NAMESPACE).get(LoginBudget.Reservation.class, Closing.class);
        if (held != null && held.value() instanceof LoginBudget.Reservation r && r.needs()) {
            Evidence.attach("Logins this test spent", r.describe());
        }
    }

    private static LoginBudget.Reservation reservation(ExtensionContext context) {
        Closing<?> held = context.getStore(NAMESPACE).get(LoginBudget.Reservation.class, Closing.class);
        if (held != null) {
            return (LoginBudget.Reservation) held.value();
        }
        // Resolved outside a test method (a @BeforeAll): it may not log in.
        return run(context).budget().none(who(context));
    }

    private static String who(ExtensionContext context) {
        return context.getParent().map(p -> p.getDisplayName() + " › ").orElse("") + context.getDisplayName();
    }

    /** The run's one mailbox, from the environment's grant; closed when the run ends. */
    private static Mailbox mailbox(ExtensionContext context, Target target) {
        Grants.Mailbox grant = target.environment().grants().mailbox();
        Grant.MAILBOX.missing(target.environment()).ifPresent(reason -> {
            throw new ParameterResolutionException(reason);
        });
        Closing<?> opened = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("mailbox:" + target.httpsUrl(), k -> {
            String password = grant.passwordSecret() == null ? "" : target.secrets().require(grant.passwordSecret());
            return new Closing<>(Mailboxes.open(new MailboxConfig(grant.type(), grant.host(), grant.port(), grant.tls(),
                    grant.username(), password, grant.baseAddress(), grant.mailpitUrl(), grant.loginAsRecipient())));
        }, Closing.class);
        return (Mailbox) opened.value();
    }

    /** Puts an AutoCloseable in a store so JUnit closes it with the store, on every JUnit version. */
    @SuppressWarnings("deprecation")
    record Closing<T extends AutoCloseable>(T value) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws Exception {
            value.close();
        }
    }

    public static Target target(ExtensionContext context) {
        return run(context).target();
    }

    /** Closes a target kept under {@code name} ({@value #KEEP}) by earlier runs in this JVM. */
    public static void closeKept(String name) {
        KEPT.keySet().removeIf(key -> {
            if (!key.startsWith(name + ":")) {
                return false;
            }
            try {
                KEPT.get(key).close();
            } catch (Exception e) {
                LOG.warn("closing the kept target {}: {}", key, Redactor.text(String.valueOf(e.getMessage())));
            }
            return true;
        });
    }

    /** The budget of the run's own target, once a test opened it. */
    public static Optional<LoginBudget> mainBudget() {
        return Optional.ofNullable(mainBudget);
    }

    /** The request budget of the run's own target, once a test opened it. */
    public static Optional<RequestBudget> mainRequests() {
        return Optional.ofNullable(mainRequests);
    }

    private static OpenedTarget run(ExtensionContext context) {
        Set<String> switches = new TreeSet<>();
        context.getConfigurationParameter(SWITCHES).ifPresent(v ->
                Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(switches::add));
        Map<String, String> overrides = new TreeMap<>();
        context.getConfigurationParameter(OVERRIDES).ifPresent(v -> v.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(line -> {
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(OVERRIDES + " takes lines of key=value; got: " + line);
            }
            overrides.put("ocmt." + line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }));
        Optional<String> keep = context.getConfigurationParameter(KEEP).filter(k -> !k.isBlank());
        OpenedTarget opened = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("target:" + switches + overrides,
                k -> OpenedTarget.open(switches, overrides, keep.map(name -> name + ":" + switches + overrides)), OpenedTarget.class);
        opened.check();
        return opened;
    }

    /** The outcome of opening a target, success or failure, kept for the whole run, with its budget and shared fixtures. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit before 5.13, AutoCloseable after.
    static final class OpenedTarget implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final Targets.Opened opened;
        private final RuntimeException failure;
        private final LoginBudget budget;
        private SharedSession shared;
        private Fixture<SessionLifecycle> lifecycle;
        private final List<AutoCloseable> clients = new ArrayList<>();
        private final boolean kept;

        private OpenedTarget(Targets.Opened opened, RuntimeException failure, LoginBudget budget, boolean kept) {
            this.opened = opened;
            this.failure = failure;
            this.budget = budget;
            this.kept = kept;
        }

        static OpenedTarget open(Set<String> switches, Map<String, String> overrides, Optional<String> keep) {
            if (DryRun.on()) {
                // The condition above keeps every suite from getting here; this keeps anything else from starting a stack.
                return new OpenedTarget(null, new ConfigException(DryRun.REASON + ": the target is not opened"), null, false);
            }
            Targets.Opened opened = keep.map(KEPT::get).orElse(null);
            if (opened != null) {
                // A kept stack met by a later run: that run is a run of its own, with the whole request budget.
                RequestBudget.newRun(opened.target());
            }
            if (opened == null) {
                try {
                    opened = Targets.open(Environments.fromSystem(overrides), switches, Environments.projectDir(), overrides);
                } catch (ConfigException e) {
                    return new OpenedTarget(null, e, null, false);
                } catch (RuntimeException e) {
                    return new OpenedTarget(null, new ConfigException("Cannot open the target: " + e.getMessage(), e), null, false);
                }
                if (keep.isPresent()) {
                    KEPT.put(keep.get(), opened);
                }
            }
            Target target = opened.target();
            // The run's own target: a self-test's stack, broken or kept (a hardened one a self-test runs suites on), is not.
            boolean own = switches.isEmpty() && overrides.isEmpty() && keep.isEmpty();
            if (own) {
                EnvironmentWidget.write(target);
            }
            LoginBudget budget = LoginBudget.of(target);
            if (own) {
                mainBudget = budget;
                mainRequests = RequestBudget.of(target);
            }
            if (target.environment().grants().mailbox().granted()) {
                // Before any test, so a budget the last run spent is one line here, not a failure per test.
                try {
                    String line = budget.look();
                    System.out.println("[ocmt-verify] " + Redactor.text(line));
                } catch (RuntimeException e) {
                    LOG.warn("Could not read the login budget at the start: {}", Redactor.text(String.valueOf(e.getMessage())));
                }
            }
            return new OpenedTarget(opened, null, budget, keep.isPresent());
        }

        void check() {
            if (failure != null) {
                throw new ParameterResolutionException(failure.getMessage(), failure);
            }
        }

        Target target() {
            check();
            return opened.target();
        }

        LoginBudget budget() {
            check();
            return budget;
        }

        /** This runner's client: whatever it sends to the login routes, the budget reads. */
        Http http() {
            return budget().observing(Http.to(target()));
        }

        /** A client of the run's own, for a shared fixture: its sessions end when the run does. */
        private AuthClient client(ExtensionContext context, String who, LoginNeed need) {
            AuthClient auth = new AuthClient(http(), mailbox(context, target()), budget.reserve(who, need));
            synchronized (clients) {
                clients.add(auth);
            }
            return auth;
        }

        synchronized SharedSession shared(ExtensionContext context) {
            if (shared == null) {
                shared = new SharedSession(() -> client(context, "the run's shared session", LoginNeed.logins(1)));
            }
            return shared;
        }

        synchronized Fixture<SessionLifecycle> lifecycle(ExtensionContext context) {
            if (lifecycle == null) {
                Policy policy = target().policy();
                lifecycle = new Fixture<>(() -> SessionLifecycle.run(
                        client(context, "the run's session lifecycle", SessionLifecycle.need(policy)), policy));
            }
            return lifecycle;
        }

        @Override
        public void close() throws Exception {
            synchronized (clients) {
                for (AutoCloseable c : clients) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.debug("closing a shared fixture's client: {}", Redactor.text(String.valueOf(e.getMessage())));
                    }
                }
            }
            if (opened != null && !kept) {
                opened.close();
            }
        }
    }

    /**
     * A fixture made once, by the first test that needs it. A budget too small for it aborts that
     * test and is tried again by the next (a window may have ended); any other failure is kept, so
     * every test that needs the fixture fails with the same reason instead of spending again.
     */
    static final class Fixture<T> {
        private final Supplier<T> make;
        private T value;
        private Throwable failure;

        Fixture(Supplier<T> make) {
            this.make = make;
        }

        synchronized T get() {
            if (value != null) {
                return value;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            try {
                value = make.get();
                return value;
            } catch (TestAbortedException e) {
                throw e;
            } catch (RuntimeException | Error e) {
                failure = e;
                throw e;
            }
        }
    }

    /**
     * The run's shared session: logged in once, asked whether it still works before each test that
     * takes it (a request the general limit counts, never a login), and logged in again if the target
     * ended it, which a lifetime shorter than the run does.
     */
    static final class SharedSession {
        private final Supplier<AuthClient> client;
        private Session session;
        private AuthClient auth;

        SharedSession(Supplier<AuthClient> client) {
            this.client = client;
        }

        synchronized Session current() {
            if (session != null) {
                Exchange me = auth.me(session);
                if (me.status() == 200) {
                    return session;
                }
                LOG.info("The run's shared session is no longer accepted ({}); logging in again", Redactor.text(me.describe()));
            }
            AuthClient fresh = client.get();
            Session s = fresh.login(fresh.newIdentity("shared"));
            auth = fresh;
            session = s;
            return session;
        }
    }
}
