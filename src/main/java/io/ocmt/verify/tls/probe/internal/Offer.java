package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.TlsAlert;
import io.ocmt.verify.tls.probe.TlsProtocol;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One ClientHello sent and what came back, judged against what was offered. */
public record Offer(TlsProtocol protocol, List<Integer> offered, ServerResponse response) {

    public enum Verdict {
        /** ServerHello (or HRR) in the offered protocol with an offered suite. */
        ACCEPTED,
        /** An alert: the server's own refusal. */
        REFUSED,
        /**
         * Silence, a reset or a close: no answer of the server's. A firewall or IPS dropping the
         * scan looks the same, so this is never taken for a refusal without counting it.
         */
        UNANSWERED,
        /** The server answered, but in another protocol version: it does not do this one. */
        OTHER_VERSION,
        /** The server picked a suite it was not offered: broken, and nothing to remove next. */
        UNOFFERED_SUITE
    }

    public Offer {
        offered = List.copyOf(offered);
    }

    public Verdict verdict() {
        if (response instanceof ServerResponse.Alert) {
            return Verdict.REFUSED;
        }
        if (!(response instanceof ServerResponse.Hello h)) {
            return Verdict.UNANSWERED;
        }
        if (h.hello().negotiatedVersion() != protocol.code()) {
            return Verdict.OTHER_VERSION;
        }
        return offered.contains(h.hello().cipherSuite()) ? Verdict.ACCEPTED : Verdict.UNOFFERED_SUITE;
    }

    /** The suite the server selected; only meaningful when it answered with a hello. */
    public int selectedSuite() {
        if (response instanceof ServerResponse.Hello h) {
            return h.hello().cipherSuite();
        }
        throw new IllegalStateException("no ServerHello in " + describe());
    }

    public Optional<TlsAlert> alert() {
        return response instanceof ServerResponse.Alert a ? Optional.of(a.alert()) : Optional.empty();
    }

    /** One line a person can read in a report. */
    public String describe() {
        if (response instanceof ServerResponse.Alert a) {
            return "alert " + a.alert();
        }
        if (response instanceof ServerResponse.Closed c) {
            return c.reset() ? "connection reset without an answer" : "connection closed without an answer";
        }
        if (response instanceof ServerResponse.Silent s) {
            return "no answer within " + s.waitedMillis() + " ms";
        }
        ServerHello h = ((ServerResponse.Hello) response).hello();
        String version = TlsProtocol.fromCode(h.negotiatedVersion())
                .map(TlsProtocol::label)
                .orElse(String.format(Locale.ROOT, "version 0x%04X", h.negotiatedVersion()));
        String suite = CipherSuite.forCode(h.cipherSuite())
                .map(CipherSuite::ianaName)
                .orElse(String.format(Locale.ROOT, "unknown suite 0x%04X", h.cipherSuite()));
        String what = h.helloRetryRequest()
                ? "HelloRetryRequest " + version + " (group " + h.selectedGroupName() + "), " + suite
                : "ServerHello " + version + ", " + suite;
        if (h.downgradeSentinel()) {
            what += " (its random says it also speaks TLS 1.3)";
        }
        return switch (verdict()) {
            case OTHER_VERSION -> "server answered " + what + " instead of " + protocol;
            case UNOFFERED_SUITE -> what + ", which was not offered";
            default -> what;
        };
    }
}
