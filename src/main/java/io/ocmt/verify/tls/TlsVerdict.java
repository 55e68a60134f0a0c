package io.ocmt.verify.tls;

import io.ocmt.verify.config.Policy.TlsPolicy;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.Warnings;
import io.ocmt.verify.tls.probe.AcceptedGroup;
import io.ocmt.verify.tls.probe.AcceptedSuite;
import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.EnumerationResult;
import io.ocmt.verify.tls.probe.GroupEnumerationResult;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.OfferCounts;
import io.ocmt.verify.tls.probe.ProtocolResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Judges what the raw ClientHello probe found against the environment's TLS policy. Every finding
 * names the exact (protocol, suite) pair or protocol, with the properties that make it weak, so the
 * report says "TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256 (static RSA: no forward secrecy)", never
 * just "weak ciphers found".
 */
public final class TlsVerdict {

    public static final String PROTOCOLS = "TLS protocols";
    public static final String SUITES = "TLS cipher suites";
    public static final String GROUPS = "TLS key-exchange groups";

    private TlsVerdict() {
    }

    /**
     * Each protocol against the policy. Only what the server said counts: an accepted protocol the
     * policy does not allow, a required one it refused. A protocol left unanswered (silence, reset,
     * close) counts as refused only when the enumeration is complete, i.e. when such offers are few
     * enough to be the server's way of refusing; otherwise it gives no finding and
     * {@link #protocolsNotJudged} says why it is not verified.
     */
    public static List<Finding> protocols(String subject, EnumerationResult result, TlsPolicy policy) {
        List<Finding> findings = new ArrayList<>();
        for (ProtocolResult r : result.protocols()) {
            String label = r.protocol().label();
            if (r.accepted() && !policy.allowedProtocols().contains(label)) {
                findings.add(new Finding(PROTOCOLS, subject, "only " + String.join(", ", policy.allowedProtocols()) + " accepted",
                        label + " is accepted (" + r.detail() + ")"));
            }
            boolean refused = r.status() == ProtocolResult.Status.REFUSED || (r.unanswered() && result.complete());
            if (refused && policy.requiredProtocols().contains(label)) {
                findings.add(new Finding(PROTOCOLS, subject, label + " offered", label + " is refused (" + r.detail() + ")"));
            }
        }
        return findings;
    }

    /**
     * Why some protocol's verdict is unknown, if one is: the enumeration is incomplete and the
     * protocol was neither accepted nor refused by an answer. A protocol the server accepted, or
     * refused with an alert in every ClientHello, is known even in an incomplete enumeration.
     */
    public static Optional<String> protocolsNotJudged(EnumerationResult result) {
        if (result.complete()) {
            return Optional.empty();
        }
        List<String> unknown = result.protocols().stream().filter(ProtocolResult::unanswered)
                .map(p -> p.protocol().label()).toList();
        if (unknown.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("whether the target accepts " + String.join(", ", unknown) + " is unknown: "
                + incomplete(result).orElseThrow());
    }

    /** Accepted pairs outside policy.tls.allowedSuites, each with why it is weak. */
    public static List<Finding> suites(String subject, EnumerationResult result, TlsPolicy policy) {
        List<Finding> findings = new ArrayList<>();
        for (AcceptedSuite pair : result.accepted()) {
            CipherSuite suite = pair.suite();
            if (!allowed(suite, policy)) {
                findings.add(new Finding(SUITES, subject, "only the policy's suites (" + policy.allowedSuites().size()
                        + ", Mozilla intermediate by default)",
                        pair.protocol().label() + " " + name(suite) + " is accepted: " + notAllowed(suite)));
            }
        }
        return findings;
    }

    /**
     * One accepted (protocol, suite) pair as the evidence shows it: "allowed by
     * policy.tls.allowedSuites", or why not ("not in policy.tls.allowedSuites; CBC mode, …").
     */
    public static String judgement(AcceptedSuite pair, TlsPolicy policy) {
        String verdict = allowed(pair.suite(), policy) ? "allowed by policy.tls.allowedSuites" : notAllowed(pair.suite());
        if (!policy.allowedProtocols().contains(pair.protocol().label())) {
            verdict += " (and " + pair.protocol().label() + " is not in policy.tls.allowedProtocols)";
        }
        return verdict;
    }

    /** The IANA name, with OpenSSL's where it differs: "TLS_RSA_WITH_AES_128_GCM_SHA256 [AES128-GCM-SHA256]". */
    public static String name(CipherSuite suite) {
        return suite.ianaName() + suite.opensslName().filter(n -> !n.equals(suite.ianaName())).map(n -> " [" + n + "]").orElse("");
    }

    private static boolean allowed(CipherSuite suite, TlsPolicy policy) {
        return policy.allowedSuites().stream().anyMatch(suite.ianaName()::equalsIgnoreCase);
    }

    private static String notAllowed(CipherSuite suite) {
        return "not in policy.tls.allowedSuites; " + weaknesses(suite);
    }

    /**
     * Why the suite enumeration cannot be judged, if it cannot: how many offers went unanswered,
     * in which protocols, and why that is more than the enumeration tolerates.
     */
    public static Optional<String> incomplete(EnumerationResult result) {
        if (result.complete()) {
            return Optional.empty();
        }
        List<String> perProtocol = result.protocols().stream().filter(p -> p.offers().unanswered() > 0)
                .map(p -> p.protocol().label() + ": " + unanswered(p.offers()))
                .toList();
        List<String> quiet = result.answeredThenUnanswered().stream()
                .map(p -> p.protocol().label() + " answered " + p.offers().answered() + " offers and left "
                        + p.offers().unanswered() + " unanswered")
                .toList();
        return Optional.of(incompleteness("the raw ClientHello enumeration of " + result.host() + ":" + result.port(), result.offers(), perProtocol,
                result.tooManyUnanswered(), result.maxUnansweredOffers(), quiet, 0,
                "protocols and cipher suites"));
    }

    /** Why the group enumeration cannot be judged, if it cannot, naming the unanswered groups. */
    public static Optional<String> incomplete(GroupEnumerationResult result) {
        if (result.complete()) {
            return Optional.empty();
        }
        List<String> perProtocol = result.results().stream().filter(r -> r.offers().unanswered() > 0)
                .map(r -> r.protocol().label() + ": " + unanswered(r.offers()) + " offering only "
                        + r.unanswered().stream().map(KeyExchangeGroup::name).toList())
                .toList();
        List<String> quiet = result.answeredThenUnanswered().stream()
                .map(r -> r.protocol().label() + " answered " + r.offers().answered() + " group offers and left "
                        + r.offers().unanswered() + " unanswered")
                .toList();
        return Optional.of(incompleteness("the key-exchange group enumeration of " + result.host() + ":" + result.port(), result.offers(), perProtocol,
                result.tooManyUnanswered(), result.maxUnansweredOffers(), quiet, result.notSent(),
                "key-exchange groups"));
    }

    private static String unanswered(OfferCounts c) {
        return c.unanswered() + " unanswered (" + c.describeUnanswered() + ")";
    }

    private static String incompleteness(String what, OfferCounts total, List<String> perProtocol, boolean tooMany,
            int max, List<String> quiet, int notSent, String hidden) {
        List<String> why = new ArrayList<>();
        if (tooMany) {
            why.add("more than policy.tls.maxUnansweredOffers (" + max + ")");
        }
        why.addAll(quiet);
        StringBuilder b = new StringBuilder(what).append(" is incomplete: ").append(total.unanswered()).append(" of ")
                .append(total.offers()).append(" offers went unanswered [").append(String.join("; ", perProtocol))
                .append("], ").append(String.join("; ", why)).append('.');
        if (notSent > 0) {
            b.append(' ').append(notSent).append(" further offers were not sent once it was incomplete.");
        }
        b.append(" A TLS server refuses an offer with an alert; silence, a reset or a close is what a firewall or IPS"
                + " dropping the scan looks like, so the ").append(hidden).append(" behind those offers are unknown.");
        b.append(quiet.isEmpty()
                ? " Run from an address nothing filters, or, if the target itself hangs up instead of alerting, raise"
                        + " policy.tls.maxUnansweredOffers."
                : " A protocol that answers some offers and not others is not the server refusing: run from an address"
                        + " nothing filters or rate-limits.");
        return b.toString();
    }

    /**
     * Each accepted (protocol, group) pair against policy.tls.allowedGroups and the size minimums:
     * "TLSv1.2 secp224r1 is accepted: not in policy.tls.allowedGroups [x25519, secp256r1,
     * secp384r1], ECDH 224-bit, below policy.tls.minEcdhBits 256".
     *
     * @throws IllegalArgumentException when the policy names a group the registry does not know,
     *                                  which would otherwise silently allow nothing
     */
    public static List<Finding> groups(String subject, GroupEnumerationResult result, TlsPolicy policy) {
        Set<KeyExchangeGroup> allowed = allowedGroups(policy);
        String expected = "only policy.tls.allowedGroups " + allowed + ", DH >= " + policy.minDhBits() + " bits, ECDH >= "
                + policy.minEcdhBits() + " bits";
        List<Finding> findings = new ArrayList<>();
        for (AcceptedGroup pair : result.accepted()) {
            List<String> why = whyNotAllowed(pair.group(), allowed, policy);
            if (!why.isEmpty()) {
                findings.add(new Finding(GROUPS, subject, expected,
                        pair.protocol().label() + " " + pair.group().name() + " is accepted: " + String.join(", ", why)));
            }
        }
        return findings;
    }

    /** One accepted group as the evidence shows it: "allowed by policy.tls.allowedGroups", or why not. */
    public static String judgement(AcceptedGroup pair, TlsPolicy policy) {
        List<String> why = whyNotAllowed(pair.group(), allowedGroups(policy), policy);
        return why.isEmpty() ? "allowed by policy.tls.allowedGroups, " + size(pair.group()) : String.join(", ", why);
    }

    private static Set<KeyExchangeGroup> allowedGroups(TlsPolicy policy) {
        Set<KeyExchangeGroup> allowed = new LinkedHashSet<>();
        for (String name : policy.allowedGroups()) {
            allowed.add(KeyExchangeGroup.forName(name).orElseThrow(() -> new IllegalArgumentException(
                    "policy.tls.allowedGroups names '" + name + "', which is no group of the IANA registry; known: "
                            + KeyExchangeGroup.all())));
        }
        return allowed;
    }

    private static List<String> whyNotAllowed(KeyExchangeGroup group, Set<KeyExchangeGroup> allowed, TlsPolicy policy) {
        List<String> why = new ArrayList<>();
        if (!allowed.contains(group)) {
            why.add("not in policy.tls.allowedGroups " + allowed);
        }
        groupSize(group, policy).ifPresent(why::add);
        return why;
    }

    private static String size(KeyExchangeGroup g) {
        return switch (g.kind()) {
            case EC, XDH -> "ECDH " + g.bits() + "-bit";
            case FFDHE -> "DH " + g.bits() + "-bit";
            case KEM -> "hybrid KEM";
        };
    }

    /**
     * The verdict of a check on what it could judge: fails with the findings where there are any
     * (what the target was seen to accept is wrong whatever it did with the rest; the gap is added
     * as a warning), else aborts as not verified where part of the evidence is missing, else passes.
     *
     * @param notJudged why some of what the check covers could not be judged
     */
    public static void conclude(List<Finding> findings, Optional<String> notJudged) {
        if (!findings.isEmpty()) {
            notJudged.ifPresent(gap -> Warnings.warn("Also not verified: " + gap));
            Findings.assertNone(findings);
        }
        if (notJudged.isPresent()) {
            throw NotVerified.because(Redactor.text(notJudged.get()));
        }
    }

    private static Optional<String> groupSize(KeyExchangeGroup g, TlsPolicy policy) {
        return switch (g.kind()) {
            case EC, XDH -> g.bits() < policy.minEcdhBits()
                    ? Optional.of("ECDH " + g.bits() + "-bit, below policy.tls.minEcdhBits " + policy.minEcdhBits())
                    : Optional.empty();
            case FFDHE -> g.bits() < policy.minDhBits()
                    ? Optional.of("DH " + g.bits() + "-bit, below policy.tls.minDhBits " + policy.minDhBits())
                    : Optional.empty();
            case KEM -> Optional.empty();
        };
    }

    /**
     * What makes a suite weak, in a reader's words, then its cipher: "static RSA key exchange: no
     * forward secrecy, CBC mode, AES-CBC 128-bit". Says nothing about the policy: see {@link #judgement}.
     */
    public static String weaknesses(CipherSuite s) {
        List<String> why = new ArrayList<>();
        if (!s.forwardSecrecy()) {
            String kx = s.keyExchange() == CipherSuite.KeyExchange.RSA ? "static RSA" : s.keyExchange().label();
            why.add(kx + " key exchange: no forward secrecy");
        }
        for (CipherSuite.Flag flag : s.flags()) {
            why.add(flag.label() + (flag == CipherSuite.Flag.CBC ? " mode" : ""));
        }
        why.add(s.cipher().label() + "-" + s.mode().label() + " " + s.keyBits() + "-bit");
        return String.join(", ", why);
    }
}
