package io.ocmt.verify.tls.probe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How a server answered the ClientHellos of one protocol, or of a whole enumeration.
 *
 * <p>A TLS server that does not want an offer says so with an alert: that is a refusal. Silence
 * until the read deadline, a TCP reset and a plain close are no answer at all: a firewall or an IPS
 * that drops or kills the scan looks exactly like that, so such an offer says nothing about what
 * the server would have accepted. The probe therefore counts them apart, and an enumeration with
 * more of them than it tolerates is incomplete, never a list of refusals.
 *
 * @param serverHellos ServerHellos and HelloRetryRequests, whatever they chose
 * @param alerts       fatal alerts (and close_notify) before any ServerHello: refusals
 * @param silent       nothing before the read deadline
 * @param resets       the connection was reset (or broke) without an answer
 * @param closes       the connection was closed without an answer
 */
public record OfferCounts(int serverHellos, int alerts, int silent, int resets, int closes) {

    public static final OfferCounts NONE = new OfferCounts(0, 0, 0, 0, 0);

    public OfferCounts {
        if (serverHellos < 0 || alerts < 0 || silent < 0 || resets < 0 || closes < 0) {
            throw new IllegalArgumentException("negative count");
        }
    }

    public static OfferCounts sum(Collection<OfferCounts> counts) {
        OfferCounts total = NONE;
        for (OfferCounts c : counts) {
            total = total.plus(c);
        }
        return total;
    }

    public OfferCounts plus(OfferCounts o) {
        return new OfferCounts(serverHellos + o.serverHellos, alerts + o.alerts, silent + o.silent, resets + o.resets,
                closes + o.closes);
    }

    /** ClientHellos sent and read to the end (an answer, or the lack of one). */
    public int offers() {
        return answered() + unanswered();
    }

    /** Offers the server answered in TLS: a ServerHello or an alert. */
    public int answered() {
        return serverHellos + alerts;
    }

    /** Offers that got silence, a reset or a close: no verdict of the server's. */
    public int unanswered() {
        return silent + resets + closes;
    }

    /** "2 silent, 1 reset", or "none". */
    public String describeUnanswered() {
        List<String> parts = new ArrayList<>();
        if (silent > 0) {
            parts.add(silent + " silent");
        }
        if (resets > 0) {
            parts.add(resets + " reset");
        }
        if (closes > 0) {
            parts.add(closes + " closed");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    @Override
    public String toString() {
        return offers() + " offers: " + serverHellos + " ServerHello, " + alerts + " alert, " + silent + " silent, "
                + resets + " reset, " + closes + " closed";
    }
}
