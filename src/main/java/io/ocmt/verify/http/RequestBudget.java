package io.ocmt.verify.http;

import io.ocmt.verify.config.AppliedOverride;
import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.report.Redactor;
import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import org.opentest4j.TestAbortedException;

/**
 * The run's request budget on one target ({@value #KEY}): every request {@link Http} sends to it,
 * logins and proxied requests included, is counted here before it is sent, and the one that would go
 * over the budget is not sent. Its check is aborted as not verified with one line naming the key, the
 * budget and what was sent per route, and so is every later request's: the run ends quickly and never
 * goes over. A nightly run against production thus has a hard ceiling, whatever a check does.
 *
 * <p>One budget per run and target, shared by every client of it: the run's own target, and each
 * self-test row's broken stack on its own. A self-test that runs suites twice against one kept stack
 * (a second nightly run meeting what the first spent) starts each of those runs with a full budget
 * ({@link #newRun}), as two nightly runs would.
 */
public final class RequestBudget {

    public static final String KEY = "policy.run.maxRequests";

    /** Weak keys: a target a self-test row closed takes its budget with it. */
    private static final Map<Target, RequestBudget> BUDGETS = Collections.synchronizedMap(new WeakHashMap<>());

    private final Integer max;
    private final String setting;
    private final Map<String, Integer> sent = new TreeMap<>();
    private int total;
    private int refused;
    private boolean announced;

    RequestBudget(Integer max, String setting) {
        this.max = max == null || max <= 0 ? null : max;
        this.setting = setting;
    }

    /** The budget of {@code target}, the same for every client of it. */
    public static RequestBudget of(Target target) {
        return BUDGETS.computeIfAbsent(target, t -> new RequestBudget(t.policy().run().maxRequests(), setting(t)));
    }

    /** A fresh budget for a later run against a target an earlier run in this JVM kept open. */
    public static RequestBudget newRun(Target target) {
        RequestBudget fresh = new RequestBudget(target.policy().run().maxRequests(), setting(target));
        BUDGETS.put(target, fresh);
        return fresh;
    }

    private static String setting(Target target) {
        return setting(target.environment());
    }

    /** "policy.run.maxRequests is 2000 in environment 'production'", and what set it where an override did. */
    public static String setting(Environment env) {
        Integer max = env.policy().run().maxRequests();
        String value = max == null || max <= 0 ? (max == null ? "null" : max.toString()) + " (no limit)" : max.toString();
        String source = env.overrides().stream().filter(o -> o.key().equals(KEY)).reduce((a, b) -> b)
                .map(AppliedOverride::source).map(s -> ", set by " + s).orElse("");
        return KEY + " is " + value + " in environment '" + env.name() + "'" + source;
    }

    /**
     * Counts one request about to be sent, or refuses it when the budget is spent.
     *
     * @param what the request as messages name it (redacted)
     * @throws TestAbortedException "Not verified: the run's request budget is spent: …", for this and every later request
     */
    void spend(String method, URI uri, String what) {
        String line;
        boolean first;
        synchronized (this) {
            if (max == null || total < max) {
                total++;
                sent.merge(RequestCount.key(method, uri), 1, Integer::sum);
                return;
            }
            refused++;
            line = setting + "; the run has sent its target " + total
                    + (total == 1 ? " request" : " requests") + " (" + RequestCount.inline(sent) + "), so " + what
                    + " was not sent, nor will any later request be. Fix: raise " + KEY + " in the environment file (or -Docmt." + KEY
                    + "=<n> for one run), or select fewer tags (-Dgroups=…).";
            first = !announced;
            announced = true;
        }
        if (first) {
            System.out.println("[ocmt-verify] " + Redactor.text("The run's request budget is spent: " + line));
        }
        throw new BudgetSpentException("Not verified: the run's request budget is spent: " + Redactor.text(line));
    }

    /** Whether a request may still be sent: false once the budget is spent. */
    public synchronized boolean left() {
        return max == null || total < max;
    }

    /** The budget, or empty where the environment sets none. */
    public java.util.Optional<Integer> max() {
        return java.util.Optional.ofNullable(max);
    }

    /** Requests sent to this target so far. */
    public synchronized int total() {
        return total;
    }

    /** Requests not sent because the budget was spent. */
    public synchronized int refused() {
        return refused;
    }

    /** Requests sent, per "METHOD scheme /route". */
    public synchronized Map<String, Integer> sent() {
        return Map.copyOf(sent);
    }

    /** "policy.run.maxRequests is 2000 in environment 'production'": the key, the budget and where it is set. */
    public String setting() {
        return setting;
    }

    /** One line for the end of the run: the budget, what was sent, what was not. */
    public synchronized String summary() {
        return "Request budget: " + setting + "; sent " + total + (max == null ? "" : " of " + max)
                + (refused == 0 ? ", none refused" : ", " + refused + " not sent because it was spent (their checks are not verified)")
                + ".";
    }

    /** A request the budget did not let go out: its check is not verified. */
    public static final class BudgetSpentException extends TestAbortedException {
        BudgetSpentException(String message) {
            super(message);
        }
    }
}
