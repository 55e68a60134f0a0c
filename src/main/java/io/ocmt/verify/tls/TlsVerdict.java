package io.ocmt.verify.tls;

import io.ocmt.verify.config.Policy.TlsPolicy;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.tls.probe.AcceptedGroup;
import io.ocmt.verify.tls.probe.AcceptedSuite;
import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.EnumerationResult;
import io.ocmt.verify.tls.probe.GroupEnumerationResult;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.ProtocolResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

    public static List<Finding> protocols(String subject, List<ProtocolResult> results, TlsPolicy policy) {
        List<Finding> findings = new ArrayList<>();
        for (ProtocolResult r : results) {
            String label = r.protocol().label();
            if (r.accepted() && !policy.allowedProtocols().contains(label)) {
                findings.add(new Finding(PROTOCOLS, subject, "only " + String.join(", ", policy.allowedProtocols()) + " accepted",
                        label + " is accepted (" + r.detail() + ")"));
            }
            if (!r.accepted() && policy.requiredProtocols().contains(label)) {
                findings.add(new Finding(PROTOCOLS, subject, label + " offered", label + " is refused (" + r.detail() + ")"));
            }
        }
        return findings;
    }

    public static List<Finding> suites(String subject, EnumerationResult result, TlsPolicy policy) {
        Set<String> allowed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        allowed.addAll(policy.allowedSuites());
        List<Finding> findings = new ArrayList<>();
        for (AcceptedSuite pair : result.accepted()) {
            CipherSuite suite = pair.suite();
            if (!allowed.contains(suite.ianaName())) {
                findings.add(new Finding(SUITES, subject, "only the policy's suites (" + allowed.size() + ", Mozilla intermediate by default)",
                        pair.protocol().label() + " " + suite.ianaName() + suite.opensslName().map(n -> " [" + n + "]").orElse("")
                                + " is accepted: " + weaknesses(suite)));
            }
        }
        return findings;
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
        Set<KeyExchangeGroup> allowed = new LinkedHashSet<>();
        for (String name : policy.allowedGroups()) {
            allowed.add(KeyExchangeGroup.forName(name).orElseThrow(() -> new IllegalArgumentException(
                    "policy.tls.allowedGroups names '" + name + "', which is no group of the IANA registry; known: "
                            + KeyExchangeGroup.all())));
        }
        String expected = "only policy.tls.allowedGroups " + allowed + ", DH >= " + policy.minDhBits() + " bits, ECDH >= "
                + policy.minEcdhBits() + " bits";
        List<Finding> findings = new ArrayList<>();
        for (AcceptedGroup pair : result.accepted()) {
            List<String> why = new ArrayList<>();
            if (!allowed.contains(pair.group())) {
                why.add("not in policy.tls.allowedGroups " + allowed);
            }
            groupSize(pair.group(), policy).ifPresent(why::add);
            if (!why.isEmpty()) {
                findings.add(new Finding(GROUPS, subject, expected,
                        pair.protocol().label() + " " + pair.group().name() + " is accepted: " + String.join(", ", why)));
            }
        }
        return findings;
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

    /** Why a suite is weak, in a reader's words: "static RSA key exchange: no forward secrecy, CBC mode". */
    public static String weaknesses(CipherSuite s) {
        List<String> why = new ArrayList<>();
        if (!s.forwardSecrecy()) {
            String kx = s.keyExchange() == CipherSuite.KeyExchange.RSA ? "static RSA" : s.keyExchange().label();
            why.add(kx + " key exchange: no forward secrecy");
        }
        for (CipherSuite.Flag flag : s.flags()) {
            why.add(flag.label() + (flag == CipherSuite.Flag.CBC ? " mode" : ""));
        }
        String cipher = s.cipher().label() + "-" + s.mode().label() + " " + s.keyBits() + "-bit";
        why.add(why.isEmpty() ? cipher + ", not on the allowed list" : cipher);
        return String.join(", ", why);
    }
}
