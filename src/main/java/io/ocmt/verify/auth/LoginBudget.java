package io.ocmt.verify.auth;

import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.ratelimit.LimitHeaders;
import io.ocmt.verify.ratelimit.LimitedEndpoint;
import io.ocmt.verify.report.Redactor;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.opentest4j.TestAbortedException;

/**
 * The run's budget of logins and magic-link verifications on one target, per client address.
 *
 * <p>A real OCMT allows 10 logins and 5 verifications per 15 minutes per client address: fewer than
 * one run needs, and a run that logs in once per test spends it after a handful of tests and then
 * only sees 429s, which say nothing about the controls under test. So every test declares what it
 * spends ({@link Spends}), and before it runs its logins are reserved on the addresses that still
 * have budget: the egress proxies first, this runner's own address last (the rate-limit checks,
 * which run at the very end, judge that one). What is left is read from the target itself, from the
 * RateLimit headers of every login and verification answer; an address not yet used is assumed to
 * have the limit the target named elsewhere. A test whose need does not fit is aborted as not
 * verified before it spends anything, with the numbers; a window short enough to wait for
 * ({@code policy.session.maxWaitSeconds}) is waited out instead.
 */
public final class LoginBudget {

    /** The two requests a login spends, each limited per client address on its own. */
    public enum Route {
        LOGIN("POST", LimitedEndpoint.LOGIN, "login", "logins"),
        VERIFY("GET", LimitedEndpoint.VERIFY, "magic-link verification", "magic-link verifications");

        private final String method;
        private final String path;
        private final String one;
        private final String many;

        Route(String method, String path, String one, String many) {
            this.method = method;
            this.path = path;
            this.one = one;
            this.many = many;
        }

        /** The route a request spends, if any: OCMT's router ignores case, query and a trailing slash. */
        public static Optional<Route> of(String method, String pathAndQuery) {
            String path = LimitedEndpoint.canonical(pathAndQuery);
            for (Route r : values()) {
                if (r.method.equalsIgnoreCase(method) && r.path.equals(path)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }

        public String path() {
            return path;
        }

        /** "3 magic-link verifications (GET /api/auth/verify)". */
        String counted(long n) {
            return n + " " + kind(n);
        }

        /** "magic-link verification (GET /api/auth/verify)", or the plural for any other {@code n}. */
        String kind(long n) {
            return (n == 1 ? one : many) + " (" + method + " " + path + ")";
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** An address the target counts requests from: this runner, or an egress proxy. */
    public static final class Address {
        private final String name;
        private final Http http;

        Address(String name, Http http) {
            this.name = name;
            this.http = http;
        }

        /** Requests through this address; 429s come back as answers, for the budget to read. */
        public Http http() {
            return http;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What the target said about one route on one address, and what this run has spent or set aside there. */
    private static final class State {
        OptionalLong limit = OptionalLong.empty();
        /** Left after the last answer; empty until an answer carried RateLimit-Remaining or was refused. */
        OptionalLong left = OptionalLong.empty();
        Instant resetAt;
        int reserved;
        int sent;
        int refused;
        boolean refusedLast;
    }

    private final List<Address> addresses;
    private final Address runner;
    private final long maxWaitSeconds;
    private final Map<String, Map<Route, State>> states = new LinkedHashMap<>();

    /** @param clients each address's name and client, the egress proxies first, this runner last */
    LoginBudget(Map<String, Http> clients, long maxWaitSeconds) {
        this.maxWaitSeconds = maxWaitSeconds;
        List<Address> all = new ArrayList<>();
        clients.forEach((name, http) -> all.add(address(name, http)));
        this.addresses = List.copyOf(all);
        this.runner = addresses.get(addresses.size() - 1);
    }

    private Address address(String name, Http http) {
        // Without a client (unit tests) the budget only plans.
        Address observed = new Address(name, http == null ? null
                : http.judgingRateLimits().with(new Observer(name, http.proxy().isPresent())));
        Map<Route, State> byRoute = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            byRoute.put(r, new State());
        }
        states.put(name, byRoute);
        return observed;
    }

    /** This runner's address and every egress proxy the environment grants. */
    public static LoginBudget of(Target target) {
        Http runner = Http.to(target);
        Map<String, Http> clients = new LinkedHashMap<>();
        List<URI> proxies = target.environment().grants().egressProxies().uris();
        for (int i = 0; i < proxies.size(); i++) {
            clients.put("egress proxy " + Redactor.url(proxies.get(i).toString()) + " (grants.egressProxies.urls[" + i + "])",
                    runner.via(proxies.get(i)));
        }
        clients.put("this runner", runner);
        return new LoginBudget(clients, target.policy().session().maxWaitSeconds());
    }

    public List<Address> addresses() {
        return addresses;
    }

    public Address runner() {
        return runner;
    }

    /**
     * {@code http}, with this runner's login and verification answers read by the budget: whatever
     * sends them (the rate-limit checks spend this runner's budget on purpose), the budget then knows.
     */
    public Http observing(Http http) {
        return http.with(new Observer(runner.name, false));
    }

    /** Reads every login and verification answer on its address. */
    private final class Observer implements Filter {
        private final String address;
        private final boolean proxy;

        Observer(String address, boolean proxy) {
            this.address = address;
            this.proxy = proxy;
        }

        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification spec, FilterContext ctx) {
            boolean proxied = request.getProxySpecification() != null;
            if (proxied != proxy) {
                // Through a proxy the target counts the proxy's address; without one, this runner's.
                return ctx.next(request, spec);
            }
            Response response = ctx.next(request, spec);
            URI uri = URI.create(request.getURI());
            Route.of(request.getMethod(), uri.getRawPath() == null ? "/" : uri.getRawPath()).ifPresent(route ->
                    observe(address, route, Http.exchange(request.getMethod(), uri, response), Instant.now()));
            return response;
        }
    }

    synchronized void observe(String address, Route route, Exchange answer, Instant at) {
        State s = states.get(address).get(route);
        LimitHeaders h = LimitHeaders.of(answer);
        s.sent++;
        h.limit().ifPresent(l -> s.limit = OptionalLong.of(l));
        s.refusedLast = h.refusedByLimiter();
        if (h.refusedByLimiter()) {
            s.refused++;
            s.left = OptionalLong.of(0);
        } else if (h.remaining().isPresent()) {
            // OCMT's RateLimit-Remaining counts this request as not yet spent.
            s.left = OptionalLong.of(Math.max(0, h.remaining().getAsLong() - 1));
        } else if (s.left.isPresent()) {
            s.left = OptionalLong.of(Math.max(0, s.left.getAsLong() - 1));
        }
        h.windowEnd(at).ifPresent(end -> s.resetAt = end);
    }

    /**
     * One verification without a token and one login without an address from this runner: what the
     * target says about them is the budget at the start. Each costs one request where budget is left
     * and nothing where it is spent, since a refused request is not counted.
     *
     * @return one line for the console, saying what is left and, where nothing is, until when
     */
    public synchronized String look() {
        Http http = runner.http();
        http.send("GET", http.target().https(Route.VERIFY.path()), Map.of("Accept", "application/json"));
        URI login = http.target().https(Route.LOGIN.path());
        Http.exchange("POST", login, http.spec().contentType("application/json").body("{\"email\":\"\"}").post(login));
        Instant now = Instant.now();
        List<String> spent = new ArrayList<>();
        for (Route r : Route.values()) {
            if (available(runner, r, now) == 0) {
                spent.add(describe(runner, r, now));
            }
        }
        if (spent.isEmpty()) {
            return "Login budget at the start: " + describe(runner, Route.LOGIN, now) + "; " + describe(runner, Route.VERIFY, now)
                    + (addresses.size() > 1 ? "; and " + (addresses.size() - 1) + " egress proxies (grants.egressProxies), used first" : "")
                    + ".";
        }
        Optional<Instant> reset = earliestReset(runner, now).map(t -> t.truncatedTo(ChronoUnit.SECONDS));
        return "This runner's login budget on the target is spent: " + String.join("; ", spent) + ". "
                + (addresses.size() > 1 ? "Tests that log in use the " + (addresses.size() - 1) + " egress proxies (grants.egressProxies) instead; "
                : "No egress proxy is granted (grants.egressProxies), so ")
                + "tests that cannot log in are reported not verified, never failed. Run again after "
                + reset.map(Instant::toString).orElse("the window ends") + " for a whole budget.";
    }

    /** "this runner: 3 of 5 magic-link verifications (GET /api/auth/verify) left until 02:51:07Z (in 812 s)". */
    private String describe(Address a, Route r, Instant now) {
        State s = states.get(a.name).get(r);
        long left = available(a, r, now);
        if (s.refusedLast && s.resetAt != null && s.resetAt.isAfter(now)) {
            // A refusal's headers may be another limiter's (a spent general limit refuses the login routes too).
            return a.name + ": " + r.kind(0) + " refused (429" + (s.limit.isPresent() ? ", RateLimit-Limit " + s.limit.getAsLong() : "")
                    + ") until " + s.resetAt.truncatedTo(ChronoUnit.SECONDS) + " (in " + Duration.between(now, s.resetAt).toSeconds() + " s)";
        }
        String of = s.limit.isPresent() ? left + " of " + r.counted(s.limit.getAsLong()) : left == Long.MAX_VALUE
                ? "an unknown number of " + r.kind(0) + " (no RateLimit headers seen)" : r.counted(left);
        String until = s.resetAt != null && s.resetAt.isAfter(now)
                ? " until " + s.resetAt.truncatedTo(ChronoUnit.SECONDS) + " (in " + Duration.between(now, s.resetAt).toSeconds() + " s)" : "";
        return a.name + ": " + of + " left" + until;
    }

    /**
     * How many more requests of {@code route} the budget lets this run send from {@code a} now: what
     * the last answer left (a whole limit again once its window has passed), less what other tests
     * have set aside. An address never used is assumed to have the limit the target named on
     * another; where no answer ever carried a limit, the budget is unknown and not held back.
     */
    private long available(Address a, Route route, Instant now) {
        State s = states.get(a.name).get(route);
        long base;
        if (s.left.isEmpty() || (s.resetAt != null && !now.isBefore(s.resetAt))) {
            base = s.limit.isPresent() ? s.limit.getAsLong() : assumedLimit(route);
        } else {
            base = s.left.getAsLong();
        }
        return base == Long.MAX_VALUE ? base : Math.max(0, base - s.reserved);
    }

    private long assumedLimit(Route route) {
        return states.values().stream().map(m -> m.get(route).limit).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).max().orElse(Long.MAX_VALUE);
    }

    private Optional<Instant> earliestReset(Address a, Instant now) {
        return states.get(a.name).values().stream().map(s -> s.resetAt).filter(t -> t != null && t.isAfter(now)).min(Instant::compareTo);
    }

    /**
     * Sets aside {@code need} for {@code who}: proxies first, this runner last. Where it does not fit
     * now but will once a window short enough to wait for has ended, waits for that; otherwise the
     * test is aborted as not verified, before anything is spent.
     *
     * @throws TestAbortedException saying what is needed, what is left on every address and when it resets
     */
    public Reservation reserve(String who, LoginNeed need) {
        Instant now = Instant.now();
        synchronized (this) {
            Optional<Map<Route, Deque<Address>>> slots = slots(need, now);
            if (slots.isPresent()) {
                return hold(who, need, slots.get());
            }
        }
        Instant when = fitsBy(need, now).orElseThrow(() -> notVerified(who, need, now));
        waitUntil(when, "a rate-limit window to end, so that " + who + " has its " + need);
        synchronized (this) {
            return slots(need, Instant.now()).map(s -> hold(who, need, s)).orElseThrow(() -> notVerified(who, need, Instant.now()));
        }
    }

    private Reservation hold(String who, LoginNeed need, Map<Route, Deque<Address>> slots) {
        slots.forEach((route, list) -> list.forEach(a -> states.get(a.name).get(route).reserved++));
        return new Reservation(who, need, slots);
    }

    private Optional<Map<Route, Deque<Address>>> slots(LoginNeed need, Instant at) {
        Map<Route, Deque<Address>> slots = new EnumMap<>(Route.class);
        for (Route route : Route.values()) {
            int n = need.count(route);
            Deque<Address> got = new ArrayDeque<>();
            for (Address a : addresses) {
                long free = available(a, route, at);
                while (got.size() < n && free > 0) {
                    got.add(a);
                    free--;
                }
            }
            if (got.size() < n) {
                return Optional.empty();
            }
            slots.put(route, got);
        }
        return Optional.of(slots);
    }

    /** The first window end within the wait bound after which {@code need} fits. */
    private synchronized Optional<Instant> fitsBy(LoginNeed need, Instant now) {
        Instant bound = now.plusSeconds(maxWaitSeconds);
        TreeSet<Instant> ends = new TreeSet<>();
        states.values().forEach(m -> m.values().forEach(s -> {
            if (s.resetAt != null && s.resetAt.isAfter(now) && !s.resetAt.isAfter(bound)) {
                ends.add(s.resetAt);
            }
        }));
        for (Instant end : ends) {
            Instant after = end.plusSeconds(1);
            if (slots(need, after).isPresent()) {
                return Optional.of(after);
            }
        }
        return Optional.empty();
    }

    private synchronized TestAbortedException notVerified(String who, LoginNeed need, Instant now) {
        List<String> shortOf = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (Route route : Route.values()) {
            int n = need.count(route);
            if (n == 0) {
                continue;
            }
            long free = addresses.stream().mapToLong(a -> Math.min(available(a, route, now), n)).sum();
            if (free < n) {
                shortOf.add(route.counted(n) + ", " + free + " left");
                addresses.forEach(a -> left.add(describe(a, route, now)));
            }
        }
        Optional<Instant> reset = states.values().stream().flatMap(m -> m.values().stream()).map(s -> s.resetAt)
                .filter(t -> t != null && t.isAfter(now)).min(Instant::compareTo);
        return new TestAbortedException("Not verified: " + who + " needs " + need + ", more than the target's rate limits leave this run ("
                + String.join("; ", shortOf) + "). Left per client address: " + String.join("; ", left) + ". Run again after "
                + reset.map(t -> t.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("the windows end")
                + ", or grant more client addresses (grants.egressProxies.urls).");
    }

    private static void waitUntil(Instant end, String what) {
        Duration left = Duration.between(Instant.now(), end);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        Awaitility.await(what).atMost(left.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> !Instant.now().isBefore(end));
    }

    /** Per address and route: what this run sent, what the target refused, what is left and until when. */
    public synchronized String summary() {
        Instant now = Instant.now();
        StringBuilder out = new StringBuilder("Login budget at the end of the run (" + now.truncatedTo(ChronoUnit.SECONDS) + "):\n");
        for (Address a : addresses) {
            for (Route r : Route.values()) {
                State s = states.get(a.name).get(r);
                out.append(String.format("  sent %3d, refused %2d; %s%n", s.sent, s.refused, describe(a, r, now)));
            }
        }
        return out.toString();
    }

    /**
     * The logins and verifications set aside for one test, each on an address. Closing it gives back
     * what the test did not send.
     */
    public final class Reservation implements AutoCloseable {
        private final String who;
        private final LoginNeed need;
        private final Map<Route, Deque<Address>> slots;
        private final List<String> used = new ArrayList<>();

        private Reservation(String who, LoginNeed need, Map<Route, Deque<Address>> slots) {
            this.who = who;
            this.need = need;
            this.slots = slots;
        }

        /**
         * The address the next request of {@code route} goes through.
         *
         * @throws IllegalStateException when the test sends more than it declared: its plan is wrong
         */
        public Http next(Route route) {
            synchronized (LoginBudget.this) {
                Address a = slots.get(route).poll();
                if (a == null) {
                    throw new IllegalStateException(who + " sends more " + route.kind(0) + " than it declares ("
                            + need + "): correct its @Spends, so the run's plan counts them");
                }
                states.get(a.name).get(route).reserved--;
                used.add(route + " via " + a.name);
                return a.http();
            }
        }

        /**
         * After {@code refused}, a 429 on an address the budget believed had room (another client
         * spent it, or the target counts differently): one more request of {@code route} on another
         * address, or, within the wait bound, on the same one once its window has ended.
         *
         * @throws TestAbortedException when no address has one left: the test is not verified
         */
        public Http replace(Route route, Exchange refused) {
            LoginNeed one = route == Route.LOGIN ? new LoginNeed(1, 0) : new LoginNeed(0, 1);
            Reservation more;
            try {
                more = reserve(who, one);
            } catch (TestAbortedException e) {
                throw new TestAbortedException("Not verified: " + refused.describe() + ", refused for " + who
                        + ", and no client address has a " + route.kind(1) + " left: " + e.getMessage()
                        .replaceFirst("^Not verified: ", ""), e);
            }
            Address a = more.slots.get(route).peek();
            synchronized (LoginBudget.this) {
                slots.get(route).addFirst(a);
                more.slots.get(route).clear();
            }
            return next(route);
        }

        /** Whether the test declared any login at all. */
        public boolean needs() {
            return !need.isNone();
        }

        /** For the report: what was set aside, and which address each request went through. */
        public String describe() {
            return who + " set aside " + need + (used.isEmpty() ? "; sent none" : "; sent " + String.join(", ", used));
        }

        @Override
        public void close() {
            synchronized (LoginBudget.this) {
                slots.forEach((route, list) -> {
                    list.forEach(a -> states.get(a.name).get(route).reserved--);
                    list.clear();
                });
            }
        }
    }

    /** A reservation for code that declared it sends no login: any login it sends is a suite error. */
    public Reservation none(String who) {
        Map<Route, Deque<Address>> empty = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            empty.put(r, new ArrayDeque<>());
        }
        return new Reservation(who, LoginNeed.NONE, empty);
    }

    @Override
    public String toString() {
        return addresses.stream().map(a -> a.name).collect(Collectors.joining(", "));
    }
}
