package io.ocmt.verify.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link io.ocmt.verify.auth.Session} parameter: the run's one shared session, for tests that
 * only need to be logged in and leave the session as they found it (judge its cookie, present its
 * token, store a canary with it). One login and one verification serve all of them, where a target
 * allows five verifications per 15 minutes per address. It is logged in before the first test that
 * takes it, logged in again if the target ended it, and logged out when the run ends. A test that
 * ends, ages or spends a session logs in its own, declared with {@link io.ocmt.verify.auth.Spends}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface SharedLogin {
}
