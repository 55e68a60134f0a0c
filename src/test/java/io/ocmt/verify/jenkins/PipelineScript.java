package io.ocmt.verify.jenkins;

import groovy.lang.Closure;
import groovy.lang.GroovyInterceptable;
import groovy.lang.Script;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base class the Jenkinsfile is compiled with: Jenkins' steps, mocked. Every call the script makes
 * on itself (a step, or one of the Jenkinsfile's own functions) passes {@link #invokeMethod}, which
 * records it and lets a test replace it ({@link Build#override}) or make it fail
 * ({@link Build#failing}). A step that is not defined here fails the run with Groovy's
 * MissingMethodException.
 */
public abstract class PipelineScript extends Script implements GroovyInterceptable {

    /** Steps that need an agent's workspace, as in Jenkins ("Required context class hudson.FilePath is missing"). */
    private static final Set<String> NEED_NODE = Set.of("sh", "fileExists", "junit", "allure", "archiveArtifacts", "deleteDir",
            "stash", "unstash", "dir", "readFile", "writeFile");
    /** The DSL's entry point and plumbing, not steps. */
    private static final Set<String> NOT_RECORDED = Set.of("pipeline", "script", "run");

    private Run run;

    void attach(Run run) {
        this.run = run;
    }

    @Override
    public Object invokeMethod(String name, Object args) {
        Object[] a = args instanceof Object[] arr ? arr : new Object[] {args};
        if (!NOT_RECORDED.contains(name)) {
            run.record(name, a);
        }
        if (NEED_NODE.contains(name) && run.node() == null) {
            throw new PipelineError("Required context class hudson.FilePath is missing: " + name + " outside an agent");
        }
        var override = run.build().overrides.get(name);
        if (override != null) {
            return override.apply(a);
        }
        if (run.build().failing.contains(name)) {
            throw new PipelineError(name + " failed (mocked)");
        }
        return getMetaClass().invokeMethod(this, name, args);
    }

    // ---- what the script reads -------------------------------------------------------------------

    public Run.Env getEnv() {
        return run.env();
    }

    public Map<String, Object> getParams() {
        return run.params();
    }

    public Run.CurrentBuild getCurrentBuild() {
        return run.currentBuild();
    }

    // ---- Declarative ---------------------------------------------------------------------------

    public void pipeline(Closure<?> body) {
        run.execute(Declarative.evaluate(body, new Declarative.PipelineBlock(run)).pipeline);
    }

    public Object script(Closure<?> body) {
        return run.callSteps(body);
    }

    // ---- steps -----------------------------------------------------------------------------------

    public Object sh(Object spec) {
        Map<?, ?> named = spec instanceof Map<?, ?> m ? m : Map.of("script", String.valueOf(spec));
        Step step = run.last();
        int status = run.build().shell.applyAsInt(step);
        if (Run.truthy(named.get("returnStatus"))) {
            return status;
        }
        if (status != 0) {
            throw new PipelineError("script returned exit code " + status);
        }
        return Run.truthy(named.get("returnStdout")) ? "" : null;
    }

    public void echo(Object message) {
    }

    public void error(Object message) {
        throw new PipelineError(String.valueOf(message));
    }

    public void unstable(Object message) {
        run.worsen(Run.Result.UNSTABLE);
    }

    public boolean fileExists(Object path) {
        return run.build().files.test(String.valueOf(path instanceof Map<?, ?> m ? m.get("file") : path));
    }

    public void junit(Map<String, Object> args) {
    }

    public void allure(Map<String, Object> args) {
    }

    public void archiveArtifacts(Object args) {
    }

    public void deleteDir() {
    }

    /** A Secret text binding, as withCredentials takes it. */
    public Map<String, Object> string(Map<String, Object> args) {
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put("$class", "StringBinding");
        binding.putAll(args);
        return binding;
    }

    @SuppressWarnings("unchecked")
    public Object withCredentials(List<?> bindings, Closure<?> body) {
        List<Map<String, Object>> list = new ArrayList<>();
        Map<String, String> masked = new LinkedHashMap<>();
        for (Object b : bindings) {
            Map<String, Object> binding = (Map<String, Object>) b;
            if (binding.get("credentialsId") == null || binding.get("variable") == null) {
                throw new PipelineError("withCredentials: a binding without credentialsId or variable: " + binding);
            }
            list.add(binding);
            masked.put(String.valueOf(binding.get("variable")), "****");
        }
        return run.within(list, masked, () -> run.callSteps(body));
    }

    public Object withEnv(List<?> assignments, Closure<?> body) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (Object assignment : assignments) {
            String[] kv = String.valueOf(assignment).split("=", 2);
            vars.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return run.within(List.of(), vars, () -> run.callSteps(body));
    }
}
