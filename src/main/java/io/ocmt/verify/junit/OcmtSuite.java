package io.ocmt.verify.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a suite: its tests receive the {@link io.ocmt.verify.config.Target}, an
 * {@link io.ocmt.verify.http.Http} client for it and its {@link io.ocmt.verify.config.Policy} as
 * parameters. The target is opened once per run and closed when the run ends. Its report shows the
 * effective policy and overrides under each test's set-up ({@link SuiteReport}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({OcmtExtension.class, SuiteReport.class})
public @interface OcmtSuite {
}
