package io.ocmt.verify.report;

import io.qameta.allure.model.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Something a release manager must see that does not fail the run yet (a certificate inside its
 * renewal window): a visibly broken step in the report and a log line, the test itself passes.
 */
public final class Warnings {

    private static final Logger LOG = LoggerFactory.getLogger(Warnings.class);

    private Warnings() {
    }

    public static void warn(String message) {
        LOG.warn(Redactor.text(message));
        Evidence.step("WARNING: " + message, Status.BROKEN);
    }
}
