package io.ocmt.verify.tls;

import io.ocmt.verify.config.Policy.CertificatePolicy;
import io.ocmt.verify.config.Policy.TlsPolicy;
import io.ocmt.verify.tls.probe.AcceptedGroup;
import io.ocmt.verify.tls.probe.AcceptedSuite;
import io.ocmt.verify.tls.probe.CipherSuiteResult;
import io.ocmt.verify.tls.probe.EnumerationResult;
import io.ocmt.verify.tls.probe.GroupEnumerationResult;
import io.ocmt.verify.tls.probe.GroupResult;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.OfferCounts;
import io.ocmt.verify.tls.probe.ProtocolResult;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What each TLS check judged, as plain text for the report: the enumeration table, the group
 * enumeration, the negotiated handshake and the certificates, each line with the policy's verdict
 * on it. The caller attaches it (through {@link io.ocmt.verify.report.Redactor}).
 */
public final class TlsEvidence {

    private TlsEvidence() {
    }

    /** The protocols with how their offers were answered, then every accepted (protocol, suite) pair judged. */
    public static String enumeration(EnumerationResult r, TlsPolicy policy) {
        StringBuilder b = new StringBuilder();
        b.append("Raw ClientHello enumeration of ").append(r.host()).append(':').append(r.port()).append(": ")
                .append(r.offers().offers()).append(" offers, ").append(r.connections()).append(" connections, ")
                .append(r.wallTime().toMillis()).append(" ms\n");
        b.append(completeness(r.offers(), r.maxUnansweredOffers(), TlsVerdict.incomplete(r).orElse(null))).append("\n\n");

        b.append("Protocols (offers: ServerHello/alert/silent/reset/closed; policy):\n");
        for (ProtocolResult p : r.protocols()) {
            b.append(String.format(Locale.ROOT, "  %-8s %-10s %s  %s; %s%n", p.protocol().label(),
                    p.status().name().toLowerCase(Locale.ROOT), counts(p.offers()), p.detail(),
                    protocolPolicy(p, r.complete(), policy)));
        }

        b.append("\nAccepted (protocol, cipher suite) pairs, each judged against policy.tls.allowedSuites:\n");
        List<AcceptedSuite> accepted = r.accepted();
        if (accepted.isEmpty()) {
            b.append("  none\n");
        }
        for (AcceptedSuite pair : accepted) {
            b.append("  ").append(pair.protocol().label()).append(' ').append(TlsVerdict.name(pair.suite()))
                    .append(": ").append(TlsVerdict.judgement(pair, policy)).append('\n');
        }
        for (CipherSuiteResult c : r.cipherSuites()) {
            b.append("\n").append(c.protocol().label()).append(": ").append(c.accepted().size())
                    .append(" suites accepted, order ").append(c.serverOrder()).append(", ")
                    .append(c.connections()).append(" connections");
            c.notes().forEach(n -> b.append("\n  note: ").append(n));
        }
        return b.append('\n').toString();
    }

    /** Per probed protocol the groups accepted (each judged), unanswered and not sent. */
    public static String groups(GroupEnumerationResult r, TlsPolicy policy) {
        StringBuilder b = new StringBuilder();
        b.append("Key-exchange group enumeration of ").append(r.host()).append(':').append(r.port())
                .append(", one group per ClientHello: ").append(r.offers().offers()).append(" offers, ")
                .append(r.connections()).append(" connections, ").append(r.wallTime().toMillis()).append(" ms\n");
        b.append(completeness(r.offers(), r.maxUnansweredOffers(), TlsVerdict.incomplete(r).orElse(null))).append('\n');
        if (r.results().isEmpty()) {
            b.append("\nNo protocol to probe: none was found accepted.\n");
        }
        for (GroupResult g : r.results()) {
            b.append('\n').append(g.protocol().label()).append(": ").append(g.accepted().size()).append(" of ")
                    .append(g.offered().size()).append(" groups accepted; offers ").append(counts(g.offers())).append('\n');
            for (AcceptedGroup pair : g.pairs()) {
                b.append("  ").append(pair.protocol().label()).append(' ').append(pair.group().name()).append(": ")
                        .append(TlsVerdict.judgement(pair, policy)).append('\n');
            }
            if (!g.unanswered().isEmpty()) {
                b.append("  unanswered (neither accepted nor refused): ").append(names(g.unanswered())).append('\n');
            }
            if (!g.notSent().isEmpty()) {
                b.append("  not offered, the enumeration being incomplete already: ").append(names(g.notSent())).append('\n');
            }
            g.notes().forEach(n -> b.append("  note: ").append(n).append('\n'));
        }
        return b.toString();
    }

    /** The handshake a modern client made, judged against the policy, and the certificate it was shown. */
    public static String handshake(Handshake h, TlsPolicy policy) {
        boolean suiteAllowed = policy.allowedSuites().stream().anyMatch(h.cipherSuite()::equalsIgnoreCase);
        StringBuilder b = new StringBuilder();
        b.append("Modern client (JSSE, TLSv1.3 and TLSv1.2 offered, the JDK's default suites, host name checked) with ")
                .append(h.endpoint()).append(":\n");
        b.append("  protocol     ").append(h.protocol()).append(h.protocol().equals(policy.negotiatedProtocol())
                ? " (policy.tls.negotiatedProtocol)" : " (policy.tls.negotiatedProtocol is " + policy.negotiatedProtocol() + ")")
                .append('\n');
        b.append("  cipher suite ").append(h.cipherSuite()).append(suiteAllowed
                ? " (allowed by policy.tls.allowedSuites)" : " (not in policy.tls.allowedSuites)").append('\n');
        b.append("  chain        ").append(h.chain().size()).append(" certificate(s) sent\n");
        b.append("Peer certificate:\n");
        summary(b, h.leaf(), "  ");
        return b.toString();
    }

    /** Every certificate the server sent, with the values the certificate check judges. */
    public static String certificates(Handshake h, CertificatePolicy policy, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("Certificates sent by ").append(h.endpoint()).append(" (leaf first), trusted for the host by the handshake;")
                .append(" policy: fail under ").append(policy.failDays()).append(" days left, warn under ")
                .append(policy.warnDays()).append(", lifetime at most ").append(policy.maxLifetimeDays())
                .append(" days, RSA >= ").append(policy.minRsaBits()).append(" / EC >= ").append(policy.minEcBits())
                .append(" bits, no ").append(String.join("/", policy.forbiddenSignatureAlgorithms())).append(" signatures\n");
        for (int i = 0; i < h.chain().size(); i++) {
            X509Certificate c = h.chain().get(i);
            boolean root = i > 0 && c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
            b.append("\n#").append(i).append(i == 0 ? " (leaf: expiry, lifetime, key and signature judged)"
                    : root ? " (self-signed root: not judged, clients never check its own signature)"
                    : " (intermediate: key and signature judged)").append('\n');
            summary(b, c, "  ");
            if (i == 0) {
                long daysLeft = Duration.between(now, c.getNotAfter().toInstant()).toDays();
                long lifetime = Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()).toDays();
                b.append("  days left    ").append(daysLeft).append('\n');
                b.append("  lifetime     ").append(lifetime).append(" days\n");
            }
        }
        return b.toString();
    }

    private static void summary(StringBuilder b, X509Certificate c, String indent) {
        b.append(indent).append("subject      ").append(c.getSubjectX500Principal().getName()).append('\n');
        b.append(indent).append("issuer       ").append(c.getIssuerX500Principal().getName()).append('\n');
        b.append(indent).append("names        ").append(subjectAltNames(c)).append('\n');
        b.append(indent).append("valid        ").append(c.getNotBefore().toInstant()).append(" to ")
                .append(c.getNotAfter().toInstant()).append('\n');
        b.append(indent).append("key          ").append(key(c.getPublicKey())).append('\n');
        b.append(indent).append("signature    ").append(c.getSigAlgName()).append('\n');
        b.append(indent).append("SHA-256      ").append(fingerprint(c)).append('\n');
    }

    /** "RSA 2048 bits", "EC 256 bits", or the algorithm alone. */
    static String key(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength() + " bits";
        }
        if (key instanceof ECPublicKey ec) {
            return "EC " + ec.getParams().getCurve().getField().getFieldSize() + " bits";
        }
        return key.getAlgorithm();
    }

    private static String subjectAltNames(X509Certificate c) {
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names == null) {
                return "no subjectAltName";
            }
            List<String> out = new ArrayList<>();
            for (List<?> n : names) {
                Object type = n.get(0);
                String prefix = Integer.valueOf(2).equals(type) ? "DNS:" : Integer.valueOf(7).equals(type) ? "IP:" : type + ":";
                out.add(prefix + n.get(1));
            }
            return String.join(", ", out);
        } catch (CertificateParsingException e) {
            return "unreadable subjectAltName (" + e.getMessage() + ")";
        }
    }

    /** Colon-separated, as browsers show it (and so not one long hex run a redactor would take for a token). */
    private static String fingerprint(X509Certificate c) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    private static String completeness(OfferCounts total, int max, String incomplete) {
        if (incomplete != null) {
            return "INCOMPLETE: " + incomplete;
        }
        return total.unanswered() == 0
                ? "Complete: every offer was answered with a ServerHello or an alert."
                : "Complete: " + total.unanswered() + " offers unanswered (" + total.describeUnanswered() + "), all in"
                        + " protocols that answered nothing, within policy.tls.maxUnansweredOffers (" + max + "):"
                        + " counted as refusals.";
    }

    private static String counts(OfferCounts c) {
        return String.format(Locale.ROOT, "%3d offers: %3d/%3d/%d/%d/%d", c.offers(), c.serverHellos(), c.alerts(),
                c.silent(), c.resets(), c.closes());
    }

    private static String protocolPolicy(ProtocolResult p, boolean complete, TlsPolicy policy) {
        String label = p.protocol().label();
        String refused = policy.requiredProtocols().contains(label)
                ? "but policy.tls.requiredProtocols requires it"
                : policy.allowedProtocols().contains(label) ? "allowed, not required" : "as it should be: not in policy.tls.allowedProtocols";
        return switch (p.status()) {
            case ACCEPTED -> policy.allowedProtocols().contains(label)
                    ? "allowed by policy.tls.allowedProtocols" : "not in policy.tls.allowedProtocols";
            case REFUSED -> "refused " + refused;
            case UNANSWERED -> complete
                    ? "counted as refused, within policy.tls.maxUnansweredOffers; " + refused
                    : "unknown: unanswered in an incomplete enumeration";
        };
    }

    private static List<String> names(List<KeyExchangeGroup> groups) {
        return groups.stream().map(KeyExchangeGroup::name).toList();
    }
}
