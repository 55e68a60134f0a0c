package io.ocmt.verify.jenkins;

import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.codehaus.groovy.control.CompilerConfiguration;

/**
 * One build of a Jenkinsfile, set up by a test: its parameters, what started it, what each sh step
 * exits with, which files exist. {@link #run()} runs the Jenkinsfile against {@link PipelineScript}'s
 * mocked steps and returns what happened.
 */
public final class Build {

    /** Causes, by the class names {@code currentBuild.getBuildCauses(…)} matches. */
    public static final String TIMER = "hudson.triggers.TimerTrigger$TimerTriggerCause";
    public static final String UPSTREAM = "hudson.model.Cause$UpstreamCause";
    public static final String USER = "hudson.model.Cause$UserIdCause";

    private static final Map<Path, Class<?>> COMPILED = new HashMap<>();

    final Class<?> script;
    final Map<String, Object> params = new LinkedHashMap<>();
    final Map<String, String> env = new LinkedHashMap<>();
    final List<String> causes = new ArrayList<>();
    ToIntFunction<Step> shell = step -> 0;
    Predicate<String> files = path -> false;
    final Set<String> failing = new HashSet<>();
    final Map<String, Function<Object[], Object>> overrides = new HashMap<>();

    private Build(Class<?> script) {
        this.script = script;
    }

    /** A build of this Jenkinsfile, started by a user, with every parameter at its default. */
    public static Build of(Path jenkinsfile) {
        Build build = new Build(compile(jenkinsfile));
        build.causes.add(USER);
        return build;
    }

    private static synchronized Class<?> compile(Path jenkinsfile) {
        return COMPILED.computeIfAbsent(jenkinsfile.toAbsolutePath().normalize(), file -> {
            CompilerConfiguration config = new CompilerConfiguration();
            config.setScriptBaseClass(PipelineScript.class.getName());
            // Not closed: the script's closures are classes of this loader, and the class is kept for every test.
            GroovyClassLoader loader = new GroovyClassLoader(Build.class.getClassLoader(), config);
            try {
                return loader.parseClass(new GroovyCodeSource(Files.readString(file), "Jenkinsfile", "/groovy/script"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public Build param(String name, Object value) {
        params.put(name, value);
        return this;
    }

    public Build env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** What started the build, instead of a user: {@link #TIMER}, {@link #UPSTREAM}. */
    public Build startedBy(String... causeClasses) {
        causes.clear();
        causes.addAll(List.of(causeClasses));
        return this;
    }

    /** The exit status of each sh step (for one without returnStatus, non-zero fails it, as in Jenkins). */
    public Build shell(ToIntFunction<Step> status) {
        this.shell = status;
        return this;
    }

    /** Which paths fileExists finds. */
    public Build files(Predicate<String> exists) {
        this.files = exists;
        return this;
    }

    /** Makes a step fail as a broken plugin or agent would. */
    public Build failing(String step) {
        failing.add(step);
        return this;
    }

    /** Replaces a step or one of the Jenkinsfile's own functions. */
    public Build override(String name, Function<Object[], Object> replacement) {
        overrides.put(name, replacement);
        return this;
    }

    public Run run() {
        Run run = new Run(this);
        run.start();
        return run;
    }
}
