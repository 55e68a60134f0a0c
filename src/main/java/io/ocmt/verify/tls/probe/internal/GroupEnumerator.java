package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.GroupResult;
import io.ocmt.verify.tls.probe.KeyExchangeGroup;
import io.ocmt.verify.tls.probe.OfferCounts;
import io.ocmt.verify.tls.probe.TlsProtocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds the key-exchange groups a server accepts by offering one group per ClientHello, as
 * testssl.sh does. A group is a yes/no question per protocol, so unlike suites there is no
 * remove-and-repeat loop: one connection per (protocol, group), up to {@code maxParallel} at once.
 *
 * <ul>
 *   <li>TLS 1.3: supported_groups = [G] with an empty key_share. A server that can use G must ask
 *       for a share of it in a HelloRetryRequest naming G (RFC 8446 4.1.4); one that cannot has
 *       no group in common and refuses.</li>
 *   <li>TLS 1.0-1.2: only ECDHE suites, supported_groups = [G]. RFC 8422 5.1 lets the server pick
 *       an ECDHE suite only with a curve from the client's list, so a ServerHello means G.</li>
 * </ul>
 */
public final class GroupEnumerator {

    /** The group probe of one protocol: the suites to offer alongside, and the groups to ask about. */
    public record Plan(TlsProtocol protocol, List<Integer> suites, List<KeyExchangeGroup> groups, List<String> notes) {

        public Plan {
            suites = List.copyOf(suites);
            groups = List.copyOf(groups);
            notes = List.copyOf(notes);
        }
    }

    /** How one single-group offer turned out. */
    enum Verdict { ACCEPTED, REFUSED, ODD, UNANSWERED, NOT_SENT }

    /** @param offer null when it was not sent: the enumeration was already incomplete */
    record GroupOffer(KeyExchangeGroup group, Offer offer) {

        static GroupOffer notSent(KeyExchangeGroup group) {
            return new GroupOffer(group, null);
        }

        Verdict verdict() {
            if (offer == null) {
                return Verdict.NOT_SENT;
            }
            return switch (offer.verdict()) {
                case REFUSED -> Verdict.REFUSED;
                case UNANSWERED -> Verdict.UNANSWERED;
                case OTHER_VERSION, UNOFFERED_SUITE -> Verdict.ODD;
                case ACCEPTED -> accepted() ? Verdict.ACCEPTED : Verdict.ODD;
            };
        }

        private boolean accepted() {
            if (offer.protocol() != TlsProtocol.TLS_1_3) {
                return true;
            }
            ServerHello hello = ((ServerResponse.Hello) offer.response()).hello();
            OptionalInt selected = hello.selectedGroup();
            return hello.helloRetryRequest() && selected.isPresent() && selected.getAsInt() == group.code();
        }

        String describe() {
            String what = offer.protocol() + " offering only " + group + ": " + offer.describe();
            if (offer.verdict() == Offer.Verdict.ACCEPTED && !accepted()) {
                ServerHello hello = ((ServerResponse.Hello) offer.response()).hello();
                what += hello.helloRetryRequest()
                        ? ", a group it was not offered"
                        : " without a key share to answer, where a HelloRetryRequest was due";
            }
            return what;
        }
    }

    private final Connector connector;
    private final HelloFactory hellos;
    private final int maxParallel;
    private final int maxUnanswered;

    public GroupEnumerator(Connector connector, HelloFactory hellos, int maxParallel, int maxUnanswered) {
        this.connector = connector;
        this.hellos = hellos;
        this.maxParallel = maxParallel;
        this.maxUnanswered = maxUnanswered;
    }

    /** One protocol's connections and answers. */
    private static final class Counter {
        final AtomicInteger connections = new AtomicInteger();
        final OfferTally tally = new OfferTally();
    }

    public List<GroupResult> scan(List<Plan> plans) {
        ExecutorService pool = Enumerator.pool(maxParallel, "tls-group-probe");
        try {
            // Read by the offers of every plan while later plans are still being added.
            List<Counter> counters = new CopyOnWriteArrayList<>();
            List<CompletableFuture<GroupResult>> results = new ArrayList<>();
            for (Plan plan : plans) {
                Counter counter = new Counter();
                counters.add(counter);
                List<CompletableFuture<GroupOffer>> offers = plan.groups().stream()
                        .map(g -> CompletableFuture.supplyAsync(() -> incomplete(counters)
                                ? GroupOffer.notSent(g)
                                : offer(plan, g, counter), pool))
                        .toList();
                results.add(CompletableFuture.allOf(offers.toArray(CompletableFuture[]::new))
                        .thenApply(done -> result(plan, offers.stream().map(CompletableFuture::join).toList(),
                                counter.connections.get(), counter.tally.snapshot())));
            }
            return results.stream().map(Enumerator::await).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Already incomplete, whatever the offers still to come bring: more unanswered offers than
     * tolerated, or a protocol that answered leaving one unanswered. Offers already in flight
     * finish; only those not yet started are skipped.
     */
    private boolean incomplete(List<Counter> counters) {
        int unanswered = 0;
        for (Counter c : counters) {
            int u = c.tally.unanswered();
            if (u > 0 && c.tally.answeredAny()) {
                return true;
            }
            unanswered += u;
        }
        return unanswered > maxUnanswered;
    }

    private GroupOffer offer(Plan plan, KeyExchangeGroup group, Counter counter) {
        counter.connections.incrementAndGet();
        byte[] hello = hellos.groupHello(plan.protocol(), plan.suites(), List.of(group.code()));
        ServerResponse response = connector.exchange(hello);
        counter.tally.record(response);
        return new GroupOffer(group, new Offer(plan.protocol(), plan.suites(), response));
    }

    static GroupResult result(Plan plan, List<GroupOffer> offers, int connections, OfferCounts counts) {
        List<String> notes = new ArrayList<>(plan.notes());
        offers.stream().filter(o -> o.verdict() == Verdict.ODD).map(GroupOffer::describe).forEach(notes::add);
        List<KeyExchangeGroup> unanswered = offers.stream().filter(o -> o.verdict() == Verdict.UNANSWERED)
                .map(GroupOffer::group).sorted(Comparator.comparingInt(KeyExchangeGroup::code)).toList();
        List<KeyExchangeGroup> notSent = offers.stream().filter(o -> o.verdict() == Verdict.NOT_SENT)
                .map(GroupOffer::group).sorted(Comparator.comparingInt(KeyExchangeGroup::code)).toList();
        return new GroupResult(
                plan.protocol(),
                offers.stream().filter(o -> o.verdict() == Verdict.ACCEPTED).map(GroupOffer::group)
                        .sorted(Comparator.comparingInt(KeyExchangeGroup::code)).toList(),
                plan.groups().stream().sorted(Comparator.comparingInt(KeyExchangeGroup::code)).toList(),
                unanswered,
                notSent,
                notes,
                connections,
                counts);
    }

    /** Key exchanges whose suites take their group from supported_groups before TLS 1.3. */
    private static final Set<CipherSuite.KeyExchange> NAMED_GROUP_KX = EnumSet.of(
            CipherSuite.KeyExchange.ECDHE, CipherSuite.KeyExchange.ECDH_ANON, CipherSuite.KeyExchange.ECDHE_PSK);

    /**
     * Groups to ask about in a protocol, with suites that make the answer mean the group: the
     * suites the server accepted (before TLS 1.3 only ECDHE ones, not signed with ECDSA where
     * possible), so that a refusal can only be the group's.
     */
    public static Plan plan(TlsProtocol protocol, List<CipherSuite> accepted, int maxSuitesPerHello) {
        List<String> notes = new ArrayList<>();
        List<KeyExchangeGroup> groups = KeyExchangeGroup.all().stream().filter(g -> g.probedIn(protocol)).toList();
        List<Integer> suites;
        if (protocol == TlsProtocol.TLS_1_3) {
            suites = accepted.isEmpty() ? Enumerator.candidates(protocol) : accepted.stream().map(CipherSuite::code).toList();
        } else {
            List<CipherSuite> named = accepted.stream().filter(s -> NAMED_GROUP_KX.contains(s.keyExchange())).toList();
            // RFC 8422 5.1: before TLS 1.3 supported_groups also limits the curve of an ECDSA
            // certificate, so offering ECDHE_ECDSA with one other group is refused for the
            // certificate's sake. Suites that do not sign with ECDSA avoid that.
            List<CipherSuite> unsigned = named.stream()
                    .filter(s -> s.authentication() != CipherSuite.Authentication.ECDSA).toList();
            if (unsigned.isEmpty() && !named.isEmpty()) {
                notes.add(protocol + ": only ECDHE_ECDSA suites accepted; a server may refuse every group but its"
                        + " certificate's curve there (RFC 8422 5.1), so groups it accepts may be missing");
            } else {
                named = unsigned;
            }
            suites = named.stream().map(CipherSuite::code).toList();
            notes.add(protocol + ": finite-field groups not probed: a DHE suite before TLS 1.3 uses the server's own"
                    + " parameters unless it implements RFC 7919, so offering ffdhe* alone proves nothing");
            if (suites.isEmpty()) {
                notes.add(protocol + ": no ECDHE suite accepted, so no named group is ever negotiated");
                groups = List.of();
            }
        }
        return new Plan(protocol, suites.subList(0, Math.min(suites.size(), maxSuitesPerHello)), groups, notes);
    }
}
