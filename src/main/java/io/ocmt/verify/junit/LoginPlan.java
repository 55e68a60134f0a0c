package io.ocmt.verify.junit;

import io.ocmt.verify.auth.LoginBudget;
import io.ocmt.verify.auth.LoginNeed;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.SessionLifecycle;
import io.ocmt.verify.auth.Spends;
import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.DryRun;
import io.ocmt.verify.http.RequestBudget;
import io.ocmt.verify.http.RequestCount;
import io.ocmt.verify.report.Redactor;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Before any test runs, counts the logins and magic-link verifications the selected suites will
 * spend ({@link Spends}, the shared fixtures they take, the look at the budget) and prints that plan
 * with the client addresses the run may spread them over, and the request budget with what the
 * selected tests plan to send of it ({@link RequestPlan}); in a dry run, the whole request plan per tag
 * instead. After the last test, prints the requests the run sent per route, the request budget and
 * what is left of the login budget, and adds the count to the report ({@link RunFootprint}). All of it
 * also lands in {@code target/}. Registered with the JUnit launcher (META-INF/services), so it sees the
 * whole run's test plan.
 */
public final class LoginPlan implements TestExecutionListener {

    /** One planned line: a test or a shared fixture, and what it spends. */
    public record Line(String what, LoginNeed need) {
    }

    private boolean suites;
    private Environment env;
    /** The request plan printed at the start, attached to the report at the end. */
    private String planned = "";

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        List<Method> tests = new ArrayList<>();
        testPlan.getRoots().forEach(root -> collect(testPlan, root, tests));
        suites = tests.stream().anyMatch(m -> AnnotationSupport.isAnnotated(m.getDeclaringClass(), OcmtSuite.class));
        boolean dryRun = DryRun.on();
        if (!suites && !(dryRun && !tests.isEmpty())) {
            return;
        }
        suites = true;
        try {
            env = Environments.fromSystem();
        } catch (RuntimeException e) {
            return; // the preflight has said why, and every test will say it again
        }
        List<Line> lines = of(tests, env);
        String logins = lines.isEmpty() ? "" : describe(lines, env);
        RequestPlan.Plan plan = RequestPlan.of(tests, env);
        String requests = RequestPlan.describe(plan);
        String text = dryRun ? dryRunHeader(env) + requests + logins : logins + RequestPlan.budgetLine(plan) + "\n";
        System.out.print(prefixed(Redactor.text(text)));
        if (!logins.isEmpty()) {
            write("login-plan.txt", logins);
        }
        write("request-plan.txt", requests);
        planned = requests;
    }

    /** What a dry run does and does not do, before its plan. */
    static String dryRunHeader(Environment env) {
        String target = env.target().embedded()
                ? "the embedded reference stack: a dry run against it starts nothing (no Docker, no container), so the routes below"
                + " are the stack's and its host and ports are known only once a run starts one"
                : env.target().httpsUrl() + " (" + env.target().httpUrl() + "): no test opens it, no connection is made to it";
        return "Dry run (-D" + DryRun.PROPERTY + "=true) of environment '" + env.name() + "', " + target + ". Nothing is sent; every test"
                + " is reported not verified (\"dry run\"), so the build ends with exit status 3 (0 with -Docmt.allowUnverified=true).\n";
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (!suites) {
            return;
        }
        Map<String, Integer> sent = RequestCount.snapshot();
        Optional<RequestBudget> budget = OcmtExtension.mainRequests();
        String text = RequestCount.describe() + budget.map(b -> b.summary() + "\n").orElse("")
                + (DryRun.on() ? "Dry run: nothing was sent.\n" : "") + OcmtExtension.mainBudget().map(LoginBudget::summary).orElse("");
        System.out.print(prefixed(Redactor.text(text)));
        write(RunFootprint.FILE, text);
        try {
            RunFootprint.record(RequestCount.total(sent) + (DryRun.on() ? " (dry run: nothing was sent)" : "") + "; per route: "
                            + RequestCount.inline(sent),
                    budget.map(RequestBudget::summary).orElseGet(() -> env == null ? "unknown" : RequestBudget.setting(env)), text,
                    planned);
        } catch (RuntimeException e) {
            System.out.println("[ocmt-verify] " + Redactor.text("The request count could not be added to the report: " + e.getMessage()));
        }
    }

    private static void collect(TestPlan plan, TestIdentifier id, List<Method> out) {
        if (id.isTest() || id.isContainer()) {
            Optional<TestSource> source = id.getSource();
            if (source.isPresent() && source.get() instanceof MethodSource ms) {
                try {
                    out.add(ms.getJavaMethod());
                } catch (RuntimeException e) {
                    // a method JUnit found but cannot load is reported by JUnit itself
                }
            }
        }
        plan.getChildren(id).forEach(child -> collect(plan, child, out));
    }

    /**
     * What {@code tests} spend under {@code env}: the look at the start, each shared fixture once,
     * then every test's own; tests the environment does not grant what they require are left out,
     * since they are skipped.
     */
    public static List<Line> of(List<Method> tests, Environment env) {
        Policy policy = env.policy();
        List<Line> own = new ArrayList<>();
        Set<String> sharedBy = new LinkedHashSet<>();
        Set<String> lifecycleBy = new LinkedHashSet<>();
        for (Method m : tests) {
            Class<?> suite = m.getDeclaringClass();
            if (!AnnotationSupport.isAnnotated(suite, OcmtSuite.class) || !granted(suite, m, env)) {
                continue;
            }
            String name = name(suite, m);
            AnnotationSupport.findAnnotation(m, Spends.class).map(s -> Spends.Needs.of(s, policy))
                    .filter(n -> !n.isNone()).ifPresent(n -> own.add(new Line(name, n)));
            for (Parameter p : m.getParameters()) {
                if (p.getType() == Session.class && p.isAnnotationPresent(SharedLogin.class)) {
                    sharedBy.add(name);
                } else if (p.getType() == SessionLifecycle.class) {
                    lifecycleBy.add(name);
                }
            }
        }
        if (own.isEmpty() && sharedBy.isEmpty() && lifecycleBy.isEmpty()) {
            return List.of();
        }
        List<Line> lines = new ArrayList<>();
        if (env.grants().mailbox().granted() || env.target().embedded()) {
            lines.add(new Line("the look at this runner's budget before the first test", new LoginNeed(1, 1)));
        }
        if (!sharedBy.isEmpty()) {
            lines.add(new Line("the run's shared session, for " + tests(sharedBy.size()), LoginNeed.logins(1)));
        }
        if (!lifecycleBy.isEmpty()) {
            lines.add(new Line("the session lifecycle (MAX_SESSIONS_PER_USER=" + policy.session().maxPerUser() + ", one login more), for "
                    + tests(lifecycleBy.size()), SessionLifecycle.need(policy)));
        }
        lines.addAll(own);
        return lines;
    }

    private static String tests(int n) {
        return n + (n == 1 ? " test" : " tests");
    }

    /** An embedded stack grants everything its tests need when it starts, after this plan is made. */
    static boolean granted(Class<?> suite, Method m, Environment env) {
        if (env.target().embedded()) {
            return true;
        }
        return Stream.concat(AnnotationSupport.findAnnotation(suite, Requires.class).stream(),
                        AnnotationSupport.findAnnotation(m, Requires.class).stream())
                .flatMap(r -> Arrays.stream(r.value()))
                .allMatch(g -> g.missing(env).isEmpty());
    }

    private static String name(Class<?> suite, Method m) {
        String s = AnnotationSupport.findAnnotation(suite, org.junit.jupiter.api.DisplayName.class)
                .map(org.junit.jupiter.api.DisplayName::value).orElse(suite.getSimpleName());
        String t = AnnotationSupport.findAnnotation(m, org.junit.jupiter.api.DisplayName.class)
                .map(org.junit.jupiter.api.DisplayName::value).orElse(m.getName());
        return s + " › " + t;
    }

    /** The plan as printed: the total, one line per item, and the addresses the budget spreads them over. */
    public static String describe(List<Line> lines, Environment env) {
        LoginNeed total = lines.stream().map(Line::need).reduce(LoginNeed.NONE, LoginNeed::plus);
        StringBuilder out = new StringBuilder("Login plan for environment '" + env.name() + "': " + total + " in all, before the "
                + "ratelimit tag:\n");
        for (Line l : lines) {
            out.append(String.format("  %2d + %2d  %s%n", l.need().logins(), l.need().verifications(), l.what()));
        }
        out.append("  (logins + magic-link verifications)\n");
        if (env.target().embedded()) {
            out.append("  Spread over this runner and the egress proxies the reference stack grants when it starts, the proxies first.\n"
                    + "  What the target has left is read from its answers; a test that does not fit is reported not verified, never failed.\n");
            return out.toString();
        }
        int addresses = 1 + env.grants().egressProxies().urls().size();
        Optional<Integer> login = limit(env.policy(), LoginBudget.Route.LOGIN);
        Optional<Integer> verify = limit(env.policy(), LoginBudget.Route.VERIFY);
        out.append("  Spread over ").append(addresses == 1 ? "this runner's address alone" : addresses + " client addresses: this runner and "
                + (addresses - 1) + " egress proxies (grants.egressProxies), the proxies first");
        if (login.isPresent() && verify.isPresent()) {
            out.append("; at the policy's limits (").append(login.get()).append(" logins and ").append(verify.get())
                    .append(" verifications per address and window) that is ").append(addresses * login.get()).append(" logins and ")
                    .append(addresses * verify.get()).append(" verifications");
        }
        out.append(".\n  What the target has left is read from its answers; a test that does not fit is reported not verified, never failed.\n");
        return out.toString();
    }

    private static Optional<Integer> limit(Policy policy, LoginBudget.Route route) {
        return policy.rateLimits().stream().filter(l -> LoginBudget.Route.of(l.method(), l.path()).filter(route::equals).isPresent())
                .map(Policy.RateLimit::limit).findFirst();
    }

    private static String prefixed(String text) {
        return text.lines().map(l -> "[ocmt-verify] " + l + "\n").reduce("", String::concat);
    }

    private static void write(String file, String text) {
        try {
            Path dir = Environments.projectDir().resolve("target");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), text);
        } catch (IOException | RuntimeException e) {
            // The console has it; a read-only checkout must not stop the run.
        }
    }
}
