package io.ocmt.verify.auth;

import io.ocmt.verify.config.Policy;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a test spends of the target's per-address login budget beyond the shared fixtures it takes
 * as parameters. The run counts these before it starts and prints the plan; before the test runs,
 * the suite reserves them on client addresses that still have budget, or aborts the test as not
 * verified, saying what it needs, what is left and when it resets. A test that sends more than it
 * declares is a suite error.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Spends {

    /** POST /api/auth/login requests. */
    int logins() default 0;

    /** GET /api/auth/verify requests, a refused token included: the limiter counts every one. */
    int verifications() default 0;

    /** A policy value the counts above are multiplied by. */
    Per per() default Per.RUN;

    /** A count that depends on the policy. */
    enum Per {
        /** As written. */
        RUN,
        /** Once per {@code policy.auth.enumerationSamples}. */
        ENUMERATION_SAMPLE;

        int times(Policy policy) {
            return this == RUN ? 1 : Math.max(0, policy.auth().enumerationSamples());
        }
    }

    /** The need this annotation declares under {@code policy}. */
    final class Needs {
        private Needs() {
        }

        public static LoginNeed of(Spends spends, Policy policy) {
            int times = spends.per().times(policy);
            return new LoginNeed(spends.logins() * times, spends.verifications() * times);
        }
    }
}
