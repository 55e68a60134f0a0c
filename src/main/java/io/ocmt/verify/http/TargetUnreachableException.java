package io.ocmt.verify.http;

import io.ocmt.verify.report.Redactor;
import org.opentest4j.TestAbortedException;

/** A request the target never answered: nothing about the control can be judged from it. */
public final class TargetUnreachableException extends TestAbortedException {
    TargetUnreachableException(String what, Exception cause) {
        super("Not verified: " + what + " could not be sent: " + Redactor.text(String.valueOf(cause.getMessage()))
                + " (" + cause.getClass().getSimpleName() + "). Nothing answered at that address; check that the target is up "
                + "and that the environment's target.httpsUrl / target.httpUrl name it.", cause);
    }
}

