package io.ocmt.verify.selftest;

import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A self-test: it breaks the embedded reference stack, so it runs only where the environment is
 * embedded. Elsewhere it is skipped with the key, the value and what was expected.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("selftest")
@ExtendWith(SelfTest.OnlyEmbedded.class)
@interface SelfTest {

    /**
     * The report's epic for self-tests (Allure's annotations cannot sit on this one), apart from the
     * checklist's, so a reader of the signed report sees at once which results judge the target and
     * which prove the suite's own checks can fail.
     */
    String EPIC = "Self-tests: every check fails against a broken reference stack";

    final class OnlyEmbedded implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (io.ocmt.verify.http.DryRun.on()) {
                // A self-test starts reference stacks of its own: a dry run starts none.
                return ConditionEvaluationResult.disabled(io.ocmt.verify.http.DryRun.REASON);
            }
            Environment env = Environments.fromSystem();
            return env.target().embedded()
                    ? ConditionEvaluationResult.enabled("environment '" + env.name() + "' is the embedded reference stack")
                    : ConditionEvaluationResult.disabled("Self-tests break the embedded reference stack: environment '" + env.name()
                    + "' has target.embedded=false, expected true (-Denv=reference). Exclude them with -DexcludedGroups=selftest.");
        }
    }
}
