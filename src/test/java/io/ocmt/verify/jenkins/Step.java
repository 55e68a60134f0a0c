package io.ocmt.verify.jenkins;

import java.util.List;
import java.util.Map;

/**
 * One call the Jenkinsfile made while it ran: a step (sh, junit, withCredentials, …), one of its own
 * functions, or {@code node} when a stage or matrix cell took an agent. With where it happened.
 *
 * @param seq         order of the call in the build
 * @param name        the step or function
 * @param args        its arguments as Groovy passed them (named arguments are one Map)
 * @param stage       the stage path, e.g. {@code Verify / TARGET=staging / Run}; empty outside stages
 * @param post        the post condition it ran in ({@code always}, …), or null
 * @param node        the label of the agent it ran on, or null where no agent was taken
 * @param tools       the tools in scope ({@code jdk -> jdk-17})
 * @param credentials the withCredentials bindings in scope, outermost first
 * @param env         the environment variables in scope (credential values masked as {@code ****})
 */
public record Step(int seq, String name, List<Object> args, String stage, String post, String node,
                   Map<String, String> tools, List<Map<String, Object>> credentials, Map<String, String> env) {

    /** The named arguments, e.g. {@code sh(script: …, returnStatus: true)}; empty where there are none. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> named() {
        return !args.isEmpty() && args.get(0) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A named argument as a string, or the only positional one ({@code sh 'ls'}, {@code error 'x'}). */
    public String arg(String key) {
        Object v = named().get(key);
        if (v == null && !args.isEmpty() && !(args.get(0) instanceof Map<?, ?>)) {
            v = args.get(0);
        }
        return v == null ? null : v.toString();
    }

    /** The command of an sh step. */
    public String script() {
        return arg("script");
    }

    public boolean inStage(String prefix) {
        return stage.startsWith(prefix);
    }

    @Override
    public String toString() {
        return seq + " " + name + args + " @" + stage + (post == null ? "" : " post " + post) + (node == null ? "" : " on " + node);
    }
}
