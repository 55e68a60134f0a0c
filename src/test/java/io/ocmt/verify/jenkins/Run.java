package io.ocmt.verify.jenkins;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.GroovyObjectSupport;
import io.ocmt.verify.jenkins.Declarative.Agent;
import io.ocmt.verify.jenkins.Declarative.Call;
import io.ocmt.verify.jenkins.Declarative.Matrix;
import io.ocmt.verify.jenkins.Declarative.Pipeline;
import io.ocmt.verify.jenkins.Declarative.Stage;
import io.ocmt.verify.jenkins.Declarative.When;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;

/**
 * A Jenkinsfile's run, the way Declarative Pipeline runs it, and what happened: stages in order, a
 * stage skipped when its {@code when} is false or an earlier one failed, matrix cells one after the
 * other (each with its axis values in env, its own agent and post), post conditions by the result of
 * their scope, {@code error} and a failed {@code sh} failing the stage and the build, {@code unstable}
 * and {@code currentBuild.result} only ever making the result worse. Agents, tools, credentials and
 * environment are scopes every recorded {@link Step} carries.
 */
public final class Run {

    /** Jenkins' results, best first. */
    public enum Result {
        SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED;

        Result worst(Result other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    /** A stage or matrix cell: ran (with its result), or skipped and why. */
    public record StageRun(String path, boolean ran, String skipped, Result result) {
    }

    private final Build build;
    private Pipeline pipeline;
    private PipelineScript script;
    private Result result = Result.SUCCESS;
    private final List<Step> steps = new ArrayList<>();
    private final List<StageRun> stages = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Map<String, Object> paramDefaults = new LinkedHashMap<>();

    private final Deque<Map<String, String>> envLayers = new ArrayDeque<>();
    private final Deque<String> stagePath = new ArrayDeque<>();
    private final Deque<Result[]> scopeResults = new ArrayDeque<>();
    private final Deque<String> nodes = new ArrayDeque<>();
    private final Deque<Map<String, String>> toolScopes = new ArrayDeque<>();
    private final Deque<Map<String, Object>> credentials = new ArrayDeque<>();
    private String post;
    private final Env env = new Env();
    private final CurrentBuild currentBuild = new CurrentBuild();

    Run(Build build) {
        this.build = build;
        envLayers.push(new LinkedHashMap<>());
        refreshBaseEnvironment();
    }

    // ---- what a test reads -----------------------------------------------------------------------

    public Result result() {
        return result;
    }

    /** Every call, in order. */
    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    public List<Step> steps(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).toList();
    }

    public List<StageRun> stages() {
        return Collections.unmodifiableList(stages);
    }

    /** The messages of the errors that failed stages or post conditions, with where. */
    public List<String> errors() {
        return Collections.unmodifiableList(errors);
    }

    /** What the pipeline block declared. */
    Pipeline pipeline() {
        return pipeline;
    }

    public Object call(String function, Object... args) {
        return script.invokeMethod(function, args);
    }

    // ---- what the script reads -------------------------------------------------------------------

    Build build() {
        return build;
    }

    Env env() {
        return env;
    }

    Map<String, Object> params() {
        Map<String, Object> params = new LinkedHashMap<>(paramDefaults);
        params.putAll(build.params);
        return Collections.unmodifiableMap(params);
    }

    CurrentBuild currentBuild() {
        return currentBuild;
    }

    List<String> causes() {
        return build.causes;
    }

    String node() {
        return nodes.peek();
    }

    Step last() {
        return steps.get(steps.size() - 1);
    }

    // ---- running ---------------------------------------------------------------------------------

    void start() {
        try {
            script = (PipelineScript) build.script.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        script.setBinding(new Binding());
        script.attach(this);
        try {
            script.run();
        } catch (PipelineError e) {
            fail("(outside any stage)", e);
        }
    }

    void record(String name, Object[] args) {
        Map<String, String> tools = new LinkedHashMap<>();
        outermostFirst(toolScopes).forEach(tools::putAll);
        steps.add(new Step(steps.size(), name, java.util.Arrays.asList(args), String.join(" / ", outermostFirst(stagePath)), post,
                nodes.peek(), tools, List.copyOf(outermostFirst(credentials)), env.snapshot()));
    }

    private static <T> List<T> outermostFirst(Deque<T> scopes) {
        List<T> list = new ArrayList<>();
        scopes.descendingIterator().forEachRemaining(list::add);
        return list;
    }

    void worsen(Result r) {
        result = result.worst(r);
        Result[] scope = scopeResults.peek();
        if (scope != null) {
            scope[0] = scope[0].worst(r);
        }
    }

    private void fail(String where, Throwable e) {
        errors.add(where + ": " + e.getMessage());
        worsen(Result.FAILURE);
    }

    Object callSteps(Closure<?> body) {
        Closure<?> c = (Closure<?>) body.clone();
        c.setDelegate(script);
        c.setResolveStrategy(Closure.DELEGATE_ONLY);
        return c.call();
    }

    <T> T within(List<Map<String, Object>> bindings, Map<String, String> vars, Supplier<T> body) {
        bindings.forEach(credentials::push);
        envLayers.push(new LinkedHashMap<>(vars));
        try {
            return body.get();
        } finally {
            envLayers.pop();
            bindings.forEach(b -> credentials.pop());
        }
    }

    static boolean truthy(Object value) {
        return DefaultTypeTransformation.castToBoolean(value);
    }

    /** Called when the parameters directive is read: the parameters' defaults, and a test's values checked. */
    void declareParameters(List<Call> parameters) {
        for (Call p : parameters) {
            Map<String, Object> named = p.named();
            String name = String.valueOf(named.get("name"));
            Object fallback = switch (p.name()) {
                case "choice" -> ((List<?>) named.get("choices")).get(0);
                case "booleanParam" -> named.getOrDefault("defaultValue", false);
                default -> named.getOrDefault("defaultValue", "");
            };
            paramDefaults.put(name, fallback);
            Object given = build.params.get(name);
            if (given != null && p.name().equals("choice") && !((List<?>) named.get("choices")).contains(given)) {
                throw new IllegalArgumentException("Illegal choice for parameter " + name + ": " + given);
            }
            if (given instanceof String s && truthy(named.get("trim"))) {
                build.params.put(name, s.trim());
            }
        }
        for (String name : build.params.keySet()) {
            if (!paramDefaults.containsKey(name)) {
                throw new IllegalArgumentException("The Jenkinsfile declares no parameter " + name);
            }
        }
        refreshBaseEnvironment();
    }

    private void refreshBaseEnvironment() {
        Map<String, String> base = envLayers.getLast();
        base.putAll(build.env);
        params().forEach((k, v) -> base.put(k, String.valueOf(v)));
    }

    void execute(Pipeline p) {
        this.pipeline = p;
        Agent agent = p.agent == null ? Agent.NONE : p.agent;
        scope("", null, agent, p.tools, p.environment, p.post, () -> runStages(p.stages, ""));
    }

    private Result runStages(List<Stage> list, String prefix) {
        boolean failed = false;
        Result worst = Result.SUCCESS;
        for (Stage st : list) {
            String path = prefix.isEmpty() ? st.name : prefix + " / " + st.name;
            if (failed) {
                stages.add(new StageRun(path, false, "an earlier stage failed", null));
                continue;
            }
            Result r = st.matrix != null ? runMatrix(st, path)
                    : scope(path, st.when, st.agent, st.tools, st.environment, st.post, () -> st.steps != null ? runSteps(st.steps)
                            : runStages(st.stages == null ? List.of() : st.stages, path));
            worst = worst.worst(r);
            failed = r == Result.FAILURE;
        }
        return worst;
    }

    private Result runSteps(Closure<?> body) {
        callSteps(body);
        return Result.SUCCESS;
    }

    private Result runMatrix(Stage st, String path) {
        Matrix m = st.matrix;
        List<Map<String, String>> cells = new ArrayList<>();
        cells.add(new LinkedHashMap<>());
        m.axes.forEach((axis, values) -> {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> cell : cells) {
                for (String v : values) {
                    Map<String, String> c = new LinkedHashMap<>(cell);
                    c.put(axis, v);
                    next.add(c);
                }
            }
            cells.clear();
            cells.addAll(next);
        });
        cells.removeIf(cell -> m.excludes.stream().anyMatch(ex -> ex.entrySet().stream()
                .allMatch(e -> e.getValue().contains(cell.get(e.getKey())))));
        Result worst = Result.SUCCESS;
        stagePath.push(st.name);
        Result[] holder = {Result.SUCCESS};
        scopeResults.push(holder);
        try {
            for (Map<String, String> cell : cells) {
                String name = cell.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
                envLayers.push(new LinkedHashMap<>(cell));
                try {
                    worst = worst.worst(scope(path + " / " + name, m.when, m.agent, m.tools, m.environment, m.post,
                            () -> runStages(m.stages, path + " / " + name), name));
                } finally {
                    envLayers.pop();
                }
            }
        } finally {
            scopeResults.pop();
            stagePath.pop();
        }
        stages.add(new StageRun(path, true, null, worst));
        return worst;
    }

    private Result scope(String path, When when, Agent agent, Map<String, String> tools, Closure<?> environment,
                         Map<String, Closure<?>> postConditions, Supplier<Result> body) {
        String name = path.contains(" / ") ? path.substring(path.lastIndexOf(" / ") + 3) : path;
        return scope(path, when, agent, tools, environment, postConditions, body, name);
    }

    private Result scope(String path, When when, Agent agent, Map<String, String> tools, Closure<?> environment,
                         Map<String, Closure<?>> postConditions, Supplier<Result> body, String name) {
        boolean named = !name.isEmpty();
        if (named) {
            stagePath.push(name);
        }
        Result[] holder = {Result.SUCCESS};
        int depth = nodes.size();
        scopeResults.push(holder);
        toolScopes.push(tools);
        try {
            if (when != null && when.beforeAgent && !holds(when)) {
                stages.add(new StageRun(path, false, "when", null));
                return Result.SUCCESS;
            }
            if (agent != null && agent.takesNode()) {
                String label = agent.label() == null ? agent.kind() : agent.label();
                record("node", new Object[] {label});
                nodes.push(label);
            }
            envLayers.push(environment == null ? new LinkedHashMap<>()
                    : Declarative.evaluate(environment, new Declarative.EnvironmentBlock(this)).values);
            try {
                if (when != null && !when.beforeAgent && !holds(when)) {
                    stages.add(new StageRun(path, false, "when", null));
                    return Result.SUCCESS;
                }
                try {
                    Result r = body.get(); // first: the body may make holder[0] worse (unstable)
                    holder[0] = holder[0].worst(r);
                } catch (PipelineError e) {
                    fail(path.isEmpty() ? "pipeline" : path, e);
                    holder[0] = Result.FAILURE;
                }
                runPost(path, postConditions, holder);
                if (!path.isEmpty()) {
                    stages.add(new StageRun(path, true, null, holder[0]));
                }
                return holder[0];
            } finally {
                envLayers.pop();
            }
        } finally {
            while (nodes.size() > depth) {
                nodes.pop();
            }
            toolScopes.pop();
            scopeResults.pop();
            Result[] parent = scopeResults.peek();
            if (parent != null) {
                parent[0] = parent[0].worst(holder[0]);
            }
            if (named) {
                stagePath.pop();
            }
        }
    }

    private boolean holds(When when) {
        return when.conditions.stream().allMatch(c -> c.test(this));
    }

    private void runPost(String path, Map<String, Closure<?>> conditions, Result[] holder) {
        for (String condition : Declarative.POST_CONDITIONS) {
            Closure<?> body = conditions.get(condition);
            if (body == null || !applies(condition, holder[0])) {
                continue;
            }
            post = condition;
            try {
                callSteps(body);
            } catch (PipelineError e) {
                fail((path.isEmpty() ? "pipeline" : path) + " post " + condition, e);
                holder[0] = Result.FAILURE;
            } finally {
                post = null;
            }
        }
    }

    /** Whether a post condition runs for this result; a build with no previous one never "changed", "fixed" or regressed. */
    private static boolean applies(String condition, Result r) {
        return switch (condition) {
            case "always", "cleanup" -> true;
            case "changed", "fixed", "regression" -> false;
            case "aborted" -> r == Result.ABORTED;
            case "failure" -> r == Result.FAILURE;
            case "success" -> r == Result.SUCCESS;
            case "unstable" -> r == Result.UNSTABLE;
            case "unsuccessful" -> r != Result.SUCCESS;
            default -> throw new IllegalArgumentException(condition);
        };
    }

    // ---- env and currentBuild, as the script sees them -------------------------------------------

    /** {@code env}: every scope's variables, the innermost winning; an unset one is null. */
    public final class Env extends GroovyObjectSupport {
        public String get(String name) {
            for (Map<String, String> layer : envLayers) {
                if (layer.containsKey(name)) {
                    return layer.get(name);
                }
            }
            return null;
        }

        @Override
        public Object getProperty(String name) {
            return get(name);
        }

        @Override
        public void setProperty(String name, Object value) {
            envLayers.getLast().put(name, String.valueOf(value));
        }

        Map<String, String> snapshot() {
            Map<String, String> all = new LinkedHashMap<>();
            outermostFirst(envLayers).forEach(all::putAll);
            return all;
        }
    }

    /** {@code currentBuild}: the result (only ever worse), and what started the build. */
    public final class CurrentBuild extends GroovyObjectSupport {
        public String getResult() {
            return result == Result.SUCCESS ? null : result.name();
        }

        public void setResult(String r) {
            worsen(Result.valueOf(r));
        }

        public String getCurrentResult() {
            return result.name();
        }

        public List<Map<String, Object>> getBuildCauses() {
            return build.causes.stream().map(c -> Map.<String, Object>of("_class", c, "shortDescription", c)).toList();
        }

        public List<Map<String, Object>> getBuildCauses(String className) {
            return getBuildCauses().stream().filter(c -> c.get("_class").equals(className)).toList();
        }
    }
}
