package io.ocmt.verify.http;

import io.ocmt.verify.report.Redactor;
import org.opentest4j.TestAbortedException;

/** A request the target never answered: nothing about the control can be judged from it. */
public final class TargetUnreachableException extends TestAbortedException {
    TargetUnreachableException(String what, Exception cause) {
        super("Not verified: " + what + " could not be sent: " + Redactor.text(String.valueOf(cause.getMessage()))
                + " (" + cause.getClass().getSimpleName() + "). " + fix(cause), cause);
    }

    /** A refused handshake is about trust, not about whether anything is listening. */
    private static String fix(Exception cause) {
        if (cause instanceof javax.net.ssl.SSLException) {
            return "The TLS handshake failed: the certificate presented there is not trusted for this host; check target.tlsHost and "
                    + "target.trust, or what answers at that address (a proxy's own certificate, another host's).";
        }
        return "Nothing answered at that address; check that the target is up and that the environment's target.httpsUrl / "
                + "target.httpUrl name it.";
    }
}

