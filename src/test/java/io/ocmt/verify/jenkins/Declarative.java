package io.ocmt.verify.jenkins;

import groovy.lang.Closure;
import groovy.lang.GroovyObjectSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Declarative Pipeline's sections and directives, as far as this project's Jenkinsfile uses them: the
 * closures of {@code pipeline { … }} run against these blocks, which record what they declare into
 * the model below. A section or directive that is not here fails the test with Groovy's
 * MissingMethodException, so a misspelt one is caught, and one this harness does not know yet is
 * added here rather than silently ignored.
 */
final class Declarative {

    private Declarative() {
    }

    // ---- the model -------------------------------------------------------------------------------

    /** {@code agent none}, {@code agent any} or {@code agent { label '…' }}. */
    record Agent(String kind, String label) {
        static final Agent NONE = new Agent("none", null);
        static final Agent ANY = new Agent("any", null);

        boolean takesNode() {
            return !"none".equals(kind);
        }
    }

    /** A recorded directive with its arguments: a trigger, an option, a parameter. */
    record Call(String name, List<Object> args) {
        @SuppressWarnings("unchecked")
        Map<String, Object> named() {
            return !args.isEmpty() && args.get(0) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }
    }

    static final class When {
        boolean beforeAgent;
        final List<Condition> conditions = new ArrayList<>();
    }

    @FunctionalInterface
    interface Condition {
        boolean test(Run run);
    }

    static final class Matrix {
        final Map<String, List<String>> axes = new LinkedHashMap<>();
        final List<Map<String, List<String>>> excludes = new ArrayList<>();
        Agent agent;
        final Map<String, String> tools = new LinkedHashMap<>();
        Closure<?> environment;
        When when;
        final List<Stage> stages = new ArrayList<>();
        final Map<String, Closure<?>> post = new LinkedHashMap<>();
    }

    static final class Stage {
        final String name;
        Agent agent;
        final Map<String, String> tools = new LinkedHashMap<>();
        Closure<?> environment;
        When when;
        Closure<?> steps;
        List<Stage> stages;
        Matrix matrix;
        final Map<String, Closure<?>> post = new LinkedHashMap<>();

        Stage(String name) {
            this.name = name;
        }
    }

    static final class Pipeline {
        Agent agent;
        final Map<String, String> tools = new LinkedHashMap<>();
        final List<Call> parameters = new ArrayList<>();
        final List<Call> triggers = new ArrayList<>();
        final List<Call> options = new ArrayList<>();
        Closure<?> environment;
        final List<Stage> stages = new ArrayList<>();
        final Map<String, Closure<?>> post = new LinkedHashMap<>();
    }

    /** Post conditions in the order Declarative evaluates them. */
    static final List<String> POST_CONDITIONS = List.of("always", "changed", "fixed", "regression", "aborted", "failure",
            "success", "unstable", "unsuccessful", "cleanup");

    // ---- the blocks ------------------------------------------------------------------------------

    /** Runs a closure against a block: its calls go to the block and nowhere else. */
    static <T> T evaluate(Closure<?> body, T block) {
        Closure<?> c = (Closure<?>) body.clone();
        c.setDelegate(block);
        c.setResolveStrategy(Closure.DELEGATE_ONLY);
        c.call();
        return block;
    }

    /** What every block can read: env, params, currentBuild (e.g. in a cron expression), none, any. */
    abstract static class Block extends GroovyObjectSupport {
        final Run run;

        Block(Run run) {
            this.run = run;
        }

        @Override
        public Object getProperty(String name) {
            return switch (name) {
                case "env" -> run.env();
                case "params" -> run.params();
                case "currentBuild" -> run.currentBuild();
                case "none" -> Agent.NONE;
                case "any" -> Agent.ANY;
                default -> super.getProperty(name);
            };
        }

        Agent agentOf(Object spec) {
            if (spec instanceof Agent a) {
                return a;
            }
            if (spec instanceof Closure<?> c) {
                return evaluate(c, new AgentBlock(run)).agent();
            }
            throw new IllegalArgumentException("agent " + spec + ": expected none, any or { label '…' }");
        }

        Map<String, String> toolsOf(Closure<?> body) {
            return evaluate(body, new ToolsBlock(run)).tools;
        }

        Map<String, Closure<?>> postOf(Closure<?> body) {
            return evaluate(body, new PostBlock(run)).conditions;
        }

        List<Stage> stagesOf(Closure<?> body) {
            return evaluate(body, new StagesBlock(run)).stages;
        }
    }

    static final class PipelineBlock extends Block {
        final Pipeline pipeline = new Pipeline();

        PipelineBlock(Run run) {
            super(run);
        }

        public void agent(Object spec) {
            pipeline.agent = agentOf(spec);
        }

        public void tools(Closure<?> body) {
            pipeline.tools.putAll(toolsOf(body));
        }

        public void parameters(Closure<?> body) {
            pipeline.parameters.addAll(evaluate(body, new RecordingBlock(run, Set.of("choice", "string", "booleanParam", "text", "password"))).calls());
            run.declareParameters(pipeline.parameters);
        }

        public void triggers(Closure<?> body) {
            pipeline.triggers.addAll(evaluate(body, new RecordingBlock(run, Set.of("cron", "pollSCM", "upstream", "parameterizedCron"))).calls());
        }

        public void options(Closure<?> body) {
            pipeline.options.addAll(evaluate(body, new RecordingBlock(run, Set.of("timeout", "disableConcurrentBuilds", "buildDiscarder",
                    "logRotator", "timestamps", "skipDefaultCheckout", "retry", "ansiColor", "durabilityHint"))).calls());
        }

        public void environment(Closure<?> body) {
            pipeline.environment = body;
        }

        public void stages(Closure<?> body) {
            pipeline.stages.addAll(stagesOf(body));
        }

        public void post(Closure<?> body) {
            pipeline.post.putAll(postOf(body));
        }
    }

    static final class AgentBlock extends Block {
        private String label;

        AgentBlock(Run run) {
            super(run);
        }

        public void label(String label) {
            this.label = label;
        }

        Agent agent() {
            if (label == null) {
                throw new IllegalArgumentException("agent { … } without a label");
            }
            return new Agent("label", label);
        }
    }

    static final class ToolsBlock extends Block {
        final Map<String, String> tools = new LinkedHashMap<>();

        ToolsBlock(Run run) {
            super(run);
        }

        public void jdk(String name) {
            tools.put("jdk", name);
        }

        public void maven(String name) {
            tools.put("maven", name);
        }
    }

    /** Records calls by name (parameters, triggers, options); a nested call is its parent's argument. */
    static final class RecordingBlock extends Block {
        private final Set<String> known;
        private final List<Call> calls = new ArrayList<>();

        RecordingBlock(Run run, Set<String> known) {
            super(run);
            this.known = known;
        }

        public Object methodMissing(String name, Object args) {
            if (!known.contains(name)) {
                throw new groovy.lang.MissingMethodException(name, getClass(), (Object[]) args);
            }
            Call call = new Call(name, List.copyOf(Arrays.asList((Object[]) args)));
            calls.removeIf(call.args()::contains);
            calls.add(call);
            return call;
        }

        List<Call> calls() {
            return calls;
        }
    }

    static final class StagesBlock extends Block {
        final List<Stage> stages = new ArrayList<>();

        StagesBlock(Run run) {
            super(run);
        }

        public void stage(String name, Closure<?> body) {
            stages.add(evaluate(body, new StageBlock(run, new Stage(name))).stage);
        }
    }

    static final class StageBlock extends Block {
        final Stage stage;

        StageBlock(Run run, Stage stage) {
            super(run);
            this.stage = stage;
        }

        public void agent(Object spec) {
            stage.agent = agentOf(spec);
        }

        public void tools(Closure<?> body) {
            stage.tools.putAll(toolsOf(body));
        }

        public void environment(Closure<?> body) {
            stage.environment = body;
        }

        public void when(Closure<?> body) {
            stage.when = evaluate(body, new WhenBlock(run)).when;
        }

        public void steps(Closure<?> body) {
            stage.steps = body;
        }

        public void stages(Closure<?> body) {
            stage.stages = stagesOf(body);
        }

        public void matrix(Closure<?> body) {
            stage.matrix = evaluate(body, new MatrixBlock(run)).matrix;
        }

        public void post(Closure<?> body) {
            stage.post.putAll(postOf(body));
        }
    }

    static final class MatrixBlock extends Block {
        final Matrix matrix = new Matrix();

        MatrixBlock(Run run) {
            super(run);
        }

        public void axes(Closure<?> body) {
            matrix.axes.putAll(evaluate(body, new AxesBlock(run)).axes);
        }

        public void excludes(Closure<?> body) {
            matrix.excludes.addAll(evaluate(body, new ExcludesBlock(run)).excludes);
        }

        public void agent(Object spec) {
            matrix.agent = agentOf(spec);
        }

        public void tools(Closure<?> body) {
            matrix.tools.putAll(toolsOf(body));
        }

        public void environment(Closure<?> body) {
            matrix.environment = body;
        }

        public void when(Closure<?> body) {
            matrix.when = evaluate(body, new WhenBlock(run)).when;
        }

        public void stages(Closure<?> body) {
            matrix.stages.addAll(stagesOf(body));
        }

        public void post(Closure<?> body) {
            matrix.post.putAll(postOf(body));
        }
    }

    static final class AxesBlock extends Block {
        final Map<String, List<String>> axes = new LinkedHashMap<>();

        AxesBlock(Run run) {
            super(run);
        }

        public void axis(Closure<?> body) {
            AxisBlock axis = evaluate(body, new AxisBlock(run));
            axes.put(axis.name, axis.values);
        }
    }

    static final class AxisBlock extends Block {
        String name;
        List<String> values = List.of();

        AxisBlock(Run run) {
            super(run);
        }

        public void name(String name) {
            this.name = name;
        }

        public void values(String... values) {
            this.values = List.of(values);
        }
    }

    static final class ExcludesBlock extends Block {
        final List<Map<String, List<String>>> excludes = new ArrayList<>();

        ExcludesBlock(Run run) {
            super(run);
        }

        public void exclude(Closure<?> body) {
            excludes.add(evaluate(body, new AxesBlock(run)).axes);
        }
    }

    static final class WhenBlock extends Block {
        final When when = new When();

        WhenBlock(Run run) {
            super(run);
        }

        public void beforeAgent(boolean value) {
            when.beforeAgent = value;
        }

        public void expression(Closure<?> body) {
            when.conditions.add(r -> Run.truthy(r.callSteps(body)));
        }

        public void triggeredBy(String cause) {
            when.conditions.add(r -> r.causes().stream().anyMatch(c -> c.contains(cause)));
        }

        public void environment(Map<String, Object> args) {
            when.conditions.add(r -> String.valueOf(args.get("value")).equals(r.env().get(String.valueOf(args.get("name")))));
        }

        public void anyOf(Closure<?> body) {
            When nested = evaluate(body, new WhenBlock(run)).when;
            when.conditions.add(r -> nested.conditions.stream().anyMatch(c -> c.test(r)));
        }

        public void allOf(Closure<?> body) {
            When nested = evaluate(body, new WhenBlock(run)).when;
            when.conditions.add(r -> nested.conditions.stream().allMatch(c -> c.test(r)));
        }

        public void not(Closure<?> body) {
            When nested = evaluate(body, new WhenBlock(run)).when;
            when.conditions.add(r -> !nested.conditions.stream().allMatch(c -> c.test(r)));
        }
    }

    static final class PostBlock extends Block {
        final Map<String, Closure<?>> conditions = new LinkedHashMap<>();

        PostBlock(Run run) {
            super(run);
        }

        public Object methodMissing(String name, Object args) {
            Object[] a = (Object[]) args;
            if (!POST_CONDITIONS.contains(name) || a.length != 1 || !(a[0] instanceof Closure<?> body)) {
                throw new groovy.lang.MissingMethodException(name, getClass(), a);
            }
            conditions.put(name, body);
            return null;
        }
    }

    /** {@code environment { NAME = 'value' }}: assignments, evaluated when the scope is entered. */
    static final class EnvironmentBlock extends Block {
        final Map<String, String> values = new LinkedHashMap<>();

        EnvironmentBlock(Run run) {
            super(run);
        }

        @Override
        public void setProperty(String name, Object value) {
            values.put(name, String.valueOf(value));
        }
    }
}
