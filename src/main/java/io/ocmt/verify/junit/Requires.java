package io.ocmt.verify.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Tests that need more than the public HTTPS interface: skipped, visibly and with the reason, where
 * the environment does not grant it. Never silently: the report shows the skip and its key.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Requires.Condition.class)
public @interface Requires {

    Grant[] value();

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<Requires> requires = context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, Requires.class));
            if (requires.isEmpty()) {
                return ConditionEvaluationResult.enabled("no grant needed");
            }
            if (io.ocmt.verify.http.DryRun.on()) {
                // Before the target is asked for its grants: a dry run opens nothing.
                return ConditionEvaluationResult.disabled(io.ocmt.verify.http.DryRun.REASON);
            }
            io.ocmt.verify.config.Target target;
            try {
                target = OcmtExtension.target(context);
            } catch (RuntimeException e) {
                // Let the test run and fail on its parameters with the one-line reason.
                return ConditionEvaluationResult.enabled("target not open: the test reports why");
            }
            String missing = Arrays.stream(requires.get().value())
                    .map(g -> g.missing(target.environment()))
                    .flatMap(Optional::stream)
                    .collect(Collectors.joining("; "));
            return missing.isEmpty() ? ConditionEvaluationResult.enabled("granted")
                    : ConditionEvaluationResult.disabled("Not verified: " + missing);
        }
    }
}
