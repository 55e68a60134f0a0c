package io.ocmt.verify.suites;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.auth.Session;
import io.ocmt.verify.auth.Spends;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.junit.Grant;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.junit.Requires;
import io.ocmt.verify.ratelimit.LimitHeaders;
import io.ocmt.verify.ratelimit.LimitProbe;
import io.ocmt.verify.ratelimit.LimitedEndpoint;
import io.ocmt.verify.ratelimit.RateLimitLedger;
import io.ocmt.verify.ratelimit.RedisCounters;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.Redactor;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checklist "Rate limiting": each endpoint of the policy lets exactly its limit through, summed over
 * every replica, and refuses the next request with Retry-After and OCMT's body; the RateLimit
 * headers agree with the policy; short windows end when they say; the vault unlock backoff grows;
 * forwarding headers and other spellings of a path get no fresh budget.
 *
 * <p>This uses up the runner's budget on every limited endpoint (for up to the longest window, an
 * hour by default), so it runs after every other suite but RateLimitLoggingIT (class order, see the pom), only where the
 * environment grants destructive tests, with identities reserved for it, and it sends no more than
 * each check needs: the report states where the runner is limited now, until when, and how many
 * requests the tag sent.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.RATE_LIMITING)
@Story(Checklist.RATE_LIMITS_WORK)
@OcmtSuite
@Tag("ratelimit")
@Requires(Grant.DESTRUCTIVE)
@Order(Integer.MAX_VALUE - 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Rate limits")
public class RateLimitIT {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitIT.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What the bypass checks need of a used-up window: seven requests, with room to spare, and less than the reference stack's 5 s windows. */
    private static final Duration BYPASS_TIME = Duration.ofSeconds(2);
    /** The backoff check's unlock attempts: failed, refused, failed, refused. */
    private static final int BACKOFF_ATTEMPTS = 4;
    /**
     * Once more where the unlock right after a failed one took longer than the backoff could last: the
     * unlock limit's window has room for it (the check starts only with {@value #BACKOFF_ATTEMPTS} left after its first).
     */
    private static final int SLOW_RETRIES = 1;
    /** OCMT's first backoff after a failed unlock (ocmt-target.md: doubling, 1 s, 2 s, 4 s … 300 s). */
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    /** Login, verify, vault setup and logout of the vault checks' session, and login and verify of the general check's. */
    private static final int SESSION_REQUESTS = 6;
    /** A request showing the budget is used up, one per variant, and a control when a variant got through. */
    private static final int BYPASS_REQUESTS = 8;

    private final List<RedisSeen> redisSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Policy policy;
    private Target target;
    private RateLimitLedger ledger;
    /** Every request of this class goes through here, so the ledger counts all of them. */
    private Http http;

    @BeforeAll
    void countEveryRequest(Http plain, Policy policy, Target target) {
        this.policy = policy;
        this.target = target;
        this.ledger = new RateLimitLedger(policy.rateLimits());
        this.http = plain.with(ledger).judgingRateLimits();
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V2.2.1", url = References.ASVS_V2)
    @Description("Failed vault unlocks must get a growing VAULT_BACKOFF wait, and the vault routes (unlock, recover) "
            + "their exact limits. Fix: the vaultUnlock and recovery limiters, and the doubling backoff (1 s … 300 "
            + "s), must be in front of every replica's vault routes. "
            + Remediation.RATE_LIMITS)
    @TestFactory
    @Order(1)
    @Requires(Grant.MAILBOX)
    @Spends(logins = 1, verifications = 1)
    @DisplayName("Vault: the unlock backoff grows, and the vault routes' limits hold")
    Stream<DynamicTest> vault(AuthClient auth) {
        // Its login is set aside like any test's, so it comes from an address whose budget the
        // authentication checks below do not judge; the session ends when this factory's tests are done.
        Session session = auth.login(auth.newIdentity("ratelimit-vault"));
        Map<String, String> credentials = auth.credentials(session);
        setUpVault(auth, credentials);
        List<DynamicTest> tests = new ArrayList<>();
        // First: the backoff needs four unlock attempts, which the unlock limit counts as well.
        tests.add(dynamicTest("vault unlock (POST " + LimitedEndpoint.VAULT_UNLOCK + "): the wait grows after each failed unlock",
                () -> backoffGrows(credentials, backoffClient())));
        for (Policy.RateLimit limit : policy.rateLimits()) {
            LimitedEndpoint endpoint = endpoint(limit, "vault");
            if (endpoint.isVault()) {
                tests.add(exactLimit(endpoint, credentials, null));
            }
        }
        return tests.stream();
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V2.2.1", url = References.ASVS_V2)
    @Link(name = "ASVS 4.0.3 V11.1.4", url = References.ASVS_V11)
    @Description("Each limited endpoint must let exactly its limit through, summed over replicas, then answer 429; "
            + "forwarding headers and other path spellings must get no fresh budget. "
            + Remediation.RATE_LIMITS)
    @TestFactory
    @Order(2)
    @DisplayName("Endpoints without a session: exact limits, and no fresh budget from forwarding headers or path spellings")
    Stream<DynamicTest> publicEndpoints() {
        // The smaller budget first: its used-up window is what the bypass check needs.
        List<LimitedEndpoint> endpoints = policy.rateLimits().stream()
                .map(l -> endpoint(l, "public"))
                .filter(e -> !e.needsSession())
                .sorted(Comparator.comparingInt(e -> e.limit().limit()))
                .toList();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            LimitedEndpoint endpoint = endpoints.get(i);
            tests.add(exactLimit(endpoint, Map.of(), null));
            if (i == 0) {
                // Right after its exact-limit check, whose last request used the budget up.
                tests.add(dynamicTest(endpoint.describe() + ": forwarding headers and other spellings of the path get no fresh budget",
                        () -> noBypass(endpoint)));
            }
        }
        return tests.stream();
    }

    /**
     * Limits counted with a session, the general API limit among them: OCMT's counts only successful
     * requests, so only a logged-in client sees it count at all. A limit on every route would also
     * refuse this session's logout once spent, so the logout is the last request it lets through.
     */
    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V11.1.4", url = References.ASVS_V11)
    @Description("Each limited endpoint that needs a session (the general API limit) must let exactly its limit of a "
            + "logged-in client's requests through, then answer 429. "
            + Remediation.RATE_LIMITS)
    @TestFactory
    @Order(3)
    @Requires(Grant.MAILBOX)
    @Spends(logins = 1, verifications = 1)
    @DisplayName("Endpoints with a session: exact limits, counted with requests the limiter counts")
    Stream<DynamicTest> sessionEndpoints(AuthClient auth) {
        List<LimitedEndpoint> endpoints = policy.rateLimits().stream()
                .map(l -> endpoint(l, "session"))
                .filter(e -> e.needsSession() && !e.isVault())
                .toList();
        if (endpoints.isEmpty()) {
            return Stream.empty();
        }
        Session session = auth.login(auth.newIdentity("ratelimit-general"));
        Map<String, String> credentials = auth.credentials(session);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            boolean last = i == endpoints.size() - 1;
            tests.add(exactLimit(endpoints.get(i), credentials, last ? () -> logout(credentials) : null));
        }
        return tests.stream();
    }

    private Exchange logout(Map<String, String> credentials) {
        URI uri = target.https("/api/auth/logout");
        return Http.exchange("POST", uri, http.spec().headers(new LinkedHashMap<>(credentials)).post(uri));
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V11.1.4", url = References.ASVS_V11)
    @Description("While the exact-limit checks spend a budget, a counter under policy.datastore.rateLimitKeyPattern in "
            + "Redis must rise and expire: the checklist's distributed rate limiting, so replicas count together and a "
            + "restart forgets nothing. Fix: set REDIS_URL on every replica; OCMT falls back to process memory without it. "
            + Remediation.RATE_LIMITS)
    @Test
    @Order(4)
    @Requires(Grant.REDIS)
    @DisplayName("The limiters' counters live in Redis: they rise while a budget is spent, and expire")
    void countersLiveInRedis() {
        // Only an endpoint whose answers came from its limiter (RateLimit-Limit the policy's) shows one counting; where none
        // answered, its own exact-limit check says so.
        List<RedisSeen> counting = redisSeen.stream().filter(RedisSeen::limited).toList();
        NotVerified.unless(!counting.isEmpty(), () -> "Not verified: no exact-limit check of this tag saw its limiter answer while Redis "
                + "was watched (they were not selected, not verified themselves, or found no limit), so there was no counter to look for");
        StringBuilder evidence = new StringBuilder();
        List<Finding> findings = new ArrayList<>();
        for (RedisSeen seen : counting) {
            evidence.append(seen.endpoint()).append(": ").append(seen.counted()).append(" requests counted; ")
                    .append(seen.risen().isEmpty() ? "no counter changed" : "risen: " + seen.risen().stream()
                            .map(c -> c.key() + " +" + c.count() + " (expires in " + c.ttlMs() + " ms)").collect(Collectors.joining(", ")))
                    .append('\n');
            if (seen.risen().isEmpty()) {
                findings.add(new Finding("Distributed rate limiting (Redis)", seen.endpoint(), "a counter under " + seen.where()
                        + " to rise while " + seen.counted() + " of its requests were counted",
                        "none changed (" + seen.before() + " counters there before, " + seen.after() + " after): the limiter counts"
                                + " somewhere else, such as each process's memory"));
            }
            seen.risen().stream().filter(c -> c.ttlMs() < 0).forEach(c -> findings.add(new Finding("Distributed rate limiting (Redis)",
                    c.key(), "a counter that expires with its window", "it has no time to live (PTTL " + c.ttlMs() + ")")));
        }
        Evidence.attach("Rate-limit counters in Redis", "text/plain", Redactor.text(evidence.toString()), ".txt");
        Findings.assertNone(findings);
    }

    @Severity(SeverityLevel.CRITICAL)
    @Link(name = "ASVS 4.0.3 V11.1.4", url = References.ASVS_V11)
    @Description("A refused endpoint must answer again once its window has passed, so legitimate users are not locked "
            + "out (checklist: legitimate users not blocked): asked again after the window where it is short enough to wait "
            + "for; where it is longer, a counter that rose in Redis (grants.redis) must stop counting when the 429 said. "
            + Remediation.RATE_LIMITS)
    @Test
    @Order(5)
    @DisplayName("Each refused endpoint's window ends when it says: waited for where short, its counter seen expiring in Redis where long")
    void windowsEnd() {
        long maxWait = policy.session().maxWaitSeconds();
        List<Policy.RateLimit> toCheck = new ArrayList<>();
        StringBuilder notes = new StringBuilder();
        List<Finding> findings = new ArrayList<>();
        int judgedInRedis = 0;
        Instant latest = Instant.now();
        for (Policy.RateLimit limit : policy.rateLimits()) {
            String name = LimitedEndpoint.describe(limit);
            Optional<RateLimitLedger.Seen> seen = ledger.last(limit);
            Optional<Instant> end = seen.flatMap(s -> s.headers().windowEnd(s.receivedAt()));
            // Counters not in Redis are countersLiveInRedis's finding; here they only leave the window unjudged.
            Optional<RedisSeen> inRedis = redisSeen.stream().filter(r -> r.limit().equals(limit) && r.refused() && !r.risen().isEmpty())
                    .findFirst();
            if (seen.isEmpty() || !seen.get().headers().refusedByLimiter()) {
                notes.append(name).append(": not refused at its last request, no window to wait out\n");
            } else if (end.isEmpty()) {
                notes.append(name).append(": its 429 names no end (no Retry-After, no RateLimit-Reset)\n");
            } else if (limit.windowSeconds() <= maxWait) {
                toCheck.add(limit);
                latest = end.get().isAfter(latest) ? end.get() : latest;
                notes.append(name).append(": refused until ").append(end.get()).append(", asked again after that\n");
            } else if (inRedis.isPresent()) {
                judgedInRedis++;
                windowEndsInRedis(inRedis.get(), notes).ifPresent(findings::add);
            } else {
                notes.append(name).append(": its ").append(limit.windowSeconds()).append(" s window is longer than policy.session.maxWaitSeconds=")
                        .append(maxWait).append(", and Redis (grants.redis) showed no counter of it rise\n");
            }
        }
        Evidence.attach("Windows waited out or seen ending in Redis", "text/plain", notes.toString(), ".txt");
        // Nothing waited for and nothing seen in Redis is nothing judged: that is not a pass.
        int judged = judgedInRedis;
        NotVerified.unless(!toCheck.isEmpty() || judged > 0, () -> "Not verified: no window of this tag could be waited out or seen "
                + "ending in Redis:\n" + notes);
        if (!toCheck.isEmpty()) {
            // One wait for all of them: a general limit also guards the other routes, so each is asked
            // again only when every window that refused this runner has ended.
            LimitProbe.waitUntil(latest.plusSeconds(1), "every refusing window to end");
            for (Policy.RateLimit limit : toCheck) {
                Exchange again = endpoint(limit, "window").send(http, Map.of(), LimitedEndpoint.Variant.AS_IS);
                LimitHeaders h = LimitHeaders.of(again);
                if (h.refusedByLimiter()) {
                    findings.add(new Finding("Rate limit " + LimitedEndpoint.describe(limit), again.describe(),
                            "an answer other than 429 once the window that refused this runner had ended (by " + latest + ")",
                            "it is still refused" + h.retryAfter().map(r -> ", Retry-After " + r).orElse("")
                                    + h.reset().stream().mapToObj(r -> ", RateLimit-Reset " + r).findFirst().orElse("")));
                }
            }
        }
        Findings.assertNone(findings);
    }

    /**
     * A window too long to wait for, judged by what holds its count: some counter that rose while its
     * budget was spent must stop counting when the refusal said the window ends (within two seconds
     * of rounding), or this runner stays refused past it, for ever where the key never expires.
     */
    private Optional<Finding> windowEndsInRedis(RedisSeen seen, StringBuilder notes) {
        Instant announced = seen.refusal().flatMap(r -> r.headers().windowEnd(r.receivedAt())).orElse(null);
        long windowMs = seen.limit().windowSeconds() * 1000;
        List<String> counters = new ArrayList<>();
        boolean matches = false;
        for (RedisCounters.Counter c : seen.risen()) {
            Optional<Instant> until = c.countsUntil(seen.at(), windowMs);
            counters.add(c.key() + (until.map(u -> " counts until " + u.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    .orElse(" never expires (PTTL " + c.ttlMs() + ")")));
            matches |= announced != null && until.isPresent() && Math.abs(Duration.between(announced, until.get()).toSeconds()) <= 2;
        }
        notes.append(seen.endpoint()).append(": refused until ").append(announced).append("; in Redis ")
                .append(counters.isEmpty() ? "no counter rose" : String.join(", ", counters)).append('\n');
        if (matches) {
            return Optional.empty();
        }
        return Optional.of(new Finding("Rate limit " + seen.endpoint(), "Redis at " + seen.where(),
                "a counter that rose while this budget was spent to stop counting when the refusal said (" + announced + ")",
                counters.isEmpty() ? "no counter rose" : "none does: " + String.join(", ", counters)));
    }

    /** Where this runner is limited now and how many requests the tag sent: evidence for the report, not a check. */
    @AfterAll
    void report() {
        String state = ledger.limitedNow(Instant.now());
        String count = ledger.requestCount() + "\n" + bound();
        Evidence.attach("Rate limits this runner is under now", "text/plain", Redactor.text(state), ".txt");
        Evidence.attach("Requests sent by the ratelimit tag", "text/plain", Redactor.text(count), ".txt");
        LOG.info("{}", Redactor.text(state));
        LOG.info("{}", Redactor.text(count));
    }

    /** The closing note's number: what this tag sends at most where no window is short enough to wait for. */
    private String bound() {
        int limits = policy.rateLimits().stream().mapToInt(l -> l.limit() + 1).sum();
        return "At most " + (limits + SESSION_REQUESTS + BACKOFF_ATTEMPTS + SLOW_RETRIES + BYPASS_REQUESTS) + " for this policy when no window is waited for"
                + " (every window longer than policy.session.maxWaitSeconds, a fresh budget at the start):\n"
                + "  sum of (limit + 1) over the policy's endpoints = " + limits + "\n"
                + "  + " + SESSION_REQUESTS + " for the sessions of the vault and general checks (their logins and verifications, set aside\n"
                + "    on egress proxies where granted, the vault setup, the vault session's logout; the general check's logout is its last request)\n"
                + "  + " + BACKOFF_ATTEMPTS + " unlock attempts of the backoff check, " + SLOW_RETRIES + " more where the runner was slower than its first backoff\n"
                + "  + " + BYPASS_REQUESTS + " for the bypass check (a used-up control, six variants, a control when one got through).\n"
                + "Fewer where one budget counts another check's requests too (login and verify share one; a general limit counts every /api request).\n"
                + "Where windows are waited for: one more request before an exact-limit check that finds its window running, and one per\n"
                + "refused endpoint to show its window ended.\n";
    }

    private DynamicTest exactLimit(LimitedEndpoint endpoint, Map<String, String> credentials, LimitProbe.Sender lastAllowed) {
        return dynamicTest(endpoint.describe() + ": exactly the limit passes, summed over every replica, and the next request gets 429", () -> {
            LimitProbe probe = new LimitProbe(endpoint.limit(), policy.session().maxWaitSeconds(),
                    () -> endpoint.send(http, credentials, LimitedEndpoint.Variant.AS_IS));
            Optional<RedisCounters> redis = redisCounters();
            Map<String, RedisCounters.Counter> before = redis.map(RedisCounters::snapshot).orElse(Map.of());
            LimitProbe.Result result;
            try {
                result = probe.exactLimit(lastAllowed);
                if (redis.isPresent()) {
                    Map<String, RedisCounters.Counter> after = redis.get().snapshot();
                    long counted = result.sequence().stream().filter(sent -> !sent.refused()).count();
                    // A limiter of this endpoint answered when RateLimit-Limit is the policy's: that one must count in Redis.
                    boolean limited = result.sequence().stream().anyMatch(sent -> sent.headers().limit().orElse(-1) == endpoint.limit().limit());
                    redisSeen.add(new RedisSeen(endpoint.limit(), endpoint.describe(), redis.get().where(), counted, limited, result.refusal(),
                            before.size(), after.size(), RedisCounters.risen(before, after), Instant.now()));
                }
            } finally {
                redis.ifPresent(RedisCounters::close);
            }
            Evidence.attach("Requests and rate-limit headers", "text/plain", Redactor.text(result.table()), ".txt");
            Findings.assertNone(result.findings());
        });
    }

    /** Redis, where the environment grants it: the counters the exact-limit checks are watched on. */
    private Optional<RedisCounters> redisCounters() {
        if (Grant.REDIS.missing(target.environment()).isPresent()) {
            return Optional.empty();
        }
        try {
            return Optional.of(RedisCounters.open(target));
        } catch (RuntimeException e) {
            LOG.warn("Redis could not be watched during the rate-limit checks: {}", Redactor.text(String.valueOf(e.getMessage())));
            return Optional.empty();
        }
    }

    /** What Redis showed while one endpoint's budget was spent. */
    private record RedisSeen(Policy.RateLimit limit, String endpoint, String where, long counted, boolean limited,
                             Optional<LimitProbe.Sent> refusal, int before, int after, List<RedisCounters.Counter> risen, Instant at) {
        boolean refused() {
            return refusal.isPresent();
        }
    }

    /** With the budget used up, one request per trick a client could use to look like someone else. */
    private void noBypass(LimitedEndpoint endpoint) {
        LimitProbe probe = new LimitProbe(endpoint.limit(), policy.session().maxWaitSeconds(),
                () -> endpoint.send(http, Map.of(), LimitedEndpoint.Variant.AS_IS));
        LimitProbe.Sent usedUp = probe.useUp(BYPASS_TIME);
        List<Finding> findings = new ArrayList<>();
        List<String> through = new ArrayList<>();
        StringBuilder answers = new StringBuilder("used up: " + usedUp.exchange().describe() + "\n");
        for (LimitedEndpoint.Variant variant : LimitedEndpoint.bypassVariants()) {
            Exchange e = endpoint.send(http, Map.of(), variant);
            LimitHeaders h = LimitHeaders.of(e);
            answers.append(variant.name()).append(": ").append(e.describe()).append('\n');
            if (!h.refusedByLimiter()) {
                through.add(variant.name());
                findings.add(new Finding("Rate-limit bypass on " + endpoint.describe(), e.describe() + " with " + variant.name(),
                        "429, since this runner's budget is used up and " + variant.name() + " must not give it a fresh one",
                        "it got " + e.status() + h.remaining().stream().mapToObj(r -> " with RateLimit-Remaining " + r
                                + (r == endpoint.limit().limit() ? " (a whole new budget)" : "")).findFirst().orElse("")));
            }
        }
        Evidence.attach("Bypass attempts", "text/plain", Redactor.text(answers.toString()), ".txt");
        if (!findings.isEmpty()) {
            // Only a window still running makes those answers a bypass rather than a window that just ended.
            Exchange control = endpoint.send(http, Map.of(), LimitedEndpoint.Variant.AS_IS);
            if (!LimitHeaders.refusedByLimiter(control)) {
                throw new AssertionError("The window of " + endpoint.describe() + " ended during the bypass checks (a plain request after them got "
                        + control.status() + "), so the answers to " + through + " cannot be judged; run the tag again");
            }
        }
        Findings.assertNone(findings);
    }

    /** Failed unlocks of one vault, each followed at once by another: the second is refused for the backoff, which must grow. */
    /**
     * Where the backoff's attempts come from. They are unlock attempts the unlock limit counts too (5
     * per 15 minutes per address at OCMT), and the exact-limit check after them needs that budget
     * whole: an egress proxy, where one is granted, spends its own. The backoff is the user's, not
     * the address's, so it shows the same from anywhere.
     */
    private Http backoffClient() {
        List<java.net.URI> proxies = target.environment().grants().egressProxies().uris();
        if (proxies.isEmpty()) {
            return http;
        }
        Evidence.attach("Where the backoff attempts come from", "text/plain", "egress proxy "
                + Redactor.url(proxies.get(0).toString()) + " (grants.egressProxies.urls[0]), so this runner's unlock budget stays whole "
                + "for the unlock limit's exact check", ".txt");
        return http.via(proxies.get(0));
    }

    private void backoffGrows(Map<String, String> credentials, Http via) {
        Policy.RateLimit unlockLimit = policy.rateLimits().stream()
                .filter(l -> LimitedEndpoint.canonical(l.path()).equals(LimitedEndpoint.VAULT_UNLOCK)).findFirst()
                // The backoff is OCMT's whether or not the policy limits the route; only its shape is needed here.
                .orElse(new Policy.RateLimit("vault unlock", "POST", LimitedEndpoint.VAULT_UNLOCK, BACKOFF_ATTEMPTS, 0));
        LimitedEndpoint unlock = endpoint(unlockLimit, "backoff");
        java.util.concurrent.atomic.AtomicReference<Instant> sentAt = new java.util.concurrent.atomic.AtomicReference<>();
        Supplier<Exchange> attempt = () -> {
            sentAt.set(Instant.now());
            return unlock.send(via, credentials, LimitedEndpoint.Variant.AS_IS);
        };

        Exchange failed1 = withUnlockBudget(attempt.get(), attempt);
        Instant failedSentAt = sentAt.get();
        requireWrongPasswordAnswer(failed1, "the first failed unlock");
        Exchange refused1 = rightAfterFailed(attempt, sentAt, failedSentAt, FIRST_BACKOFF, SLOW_RETRIES);
        Instant refused1At = Instant.now();
        long wait1 = backoff(refused1, "a failed unlock right after the first");

        LimitProbe.waitUntil(refused1At.plusSeconds(wait1).plusMillis(250), "the unlock backoff of " + wait1 + " s to pass");
        Exchange failed2 = attempt.get();
        requireWrongPasswordAnswer(failed2, "the first unlock after the " + wait1 + " s backoff named by Retry-After");
        Exchange refused2 = rightAfterFailed(attempt, sentAt, sentAt.get(), Duration.ofSeconds(wait1), 0);
        long wait2 = backoff(refused2, "a failed unlock right after the second");

        Evidence.attach("Unlock backoff", "text/plain", "after failed unlock 1: Retry-After " + wait1 + " s\n"
                + "after failed unlock 2: Retry-After " + wait2 + " s\n", ".txt");
        if (wait2 <= wait1) {
            Findings.assertNone(List.of(new Finding("Vault unlock backoff", refused2.describe(),
                    "a longer wait after each failed unlock (OCMT doubles it: 1 s, 2 s, 4 s … 300 s)",
                    "the wait after the second failed unlock is " + wait2 + " s, after the first " + wait1 + " s")));
        }
    }

    /**
     * The unlock sent right after a failed one. A 401 that reached the target later than the backoff
     * could still refuse it proves nothing (on a busy machine, or through a slow proxy, the backoff may
     * have ended while the request travelled): it was another failed unlock, so OCMT's backoff is now
     * twice as long, and where {@code retries} allow it is tried once more at once; where not, not verified.
     * A 401 sooner than the backoff is returned, for {@link #backoff} to judge: there is none.
     */
    private static Exchange rightAfterFailed(Supplier<Exchange> attempt, java.util.concurrent.atomic.AtomicReference<Instant> sentAt,
                                             Instant failedSentAt, Duration backoffAtLeast, int retries) {
        Exchange next = attempt.get();
        Duration gap = Duration.between(failedSentAt, Instant.now());
        if (next.status() != 401 || gap.compareTo(backoffAtLeast) < 0) {
            return next;
        }
        if (retries == 0) {
            throw NotVerified.because("Vault unlock backoff on " + next.describe() + ": the unlock right after a failed one "
                    + "reached the target up to " + gap.toMillis() + " ms after it, later than a backoff of " + backoffAtLeast.toSeconds()
                    + " s could still refuse it, so whether there is a backoff cannot be told from this runner. "
                    + "Run the ratelimit tag again from a less busy runner, or nearer the target.");
        }
        LOG.info("{}", Redactor.text("the unlock right after a failed one took up to " + gap.toMillis() + " ms, longer than a "
                + backoffAtLeast.toSeconds() + " s backoff: trying once more"));
        return rightAfterFailed(attempt, sentAt, sentAt.get(), backoffAtLeast.multipliedBy(2), retries - 1);
    }

    /**
     * The unlock limit counts the backoff check's attempts too, and a refusal from it would hide the
     * backoff: start in a window with room for all of them, waiting for one where that is allowed.
     */
    private Exchange withUnlockBudget(Exchange first, Supplier<Exchange> attempt) {
        LimitHeaders h = LimitHeaders.of(first);
        boolean tooFew = h.refusedByLimiter() || h.remaining().orElse(Long.MAX_VALUE) < BACKOFF_ATTEMPTS;
        if (!tooFew) {
            return first;
        }
        Instant receivedAt = Instant.now();
        Optional<Instant> end = h.windowEnd(receivedAt);
        long seconds = end.map(e -> Duration.between(receivedAt, e).toSeconds()).orElse(Long.MAX_VALUE);
        if (seconds > policy.session().maxWaitSeconds()) {
            throw new AssertionError("The unlock limit leaves this runner " + h.remaining().orElse(0) + " attempts (" + first.describe()
                    + "), fewer than the " + BACKOFF_ATTEMPTS + " the backoff check needs, "
                    + end.map(e -> "until " + e + ", longer than policy.session.maxWaitSeconds=" + policy.session().maxWaitSeconds())
                    .orElse("and names no end of its window") + ". Run the ratelimit tag again with a fresh budget.");
        }
        LimitProbe.waitUntil(end.get().plusSeconds(1), "a fresh unlock window, with room for the backoff check");
        Exchange again = attempt.get();
        if (LimitHeaders.refusedByLimiter(again)) {
            throw new AssertionError("The unlock limit still refuses " + again.describe() + " after its window ended (" + end.get() + ")");
        }
        return again;
    }

    private static void requireWrongPasswordAnswer(Exchange e, String what) {
        if (e.status() != 401) {
            Findings.assertNone(List.of(new Finding("Vault unlock backoff", e.describe(),
                    "401 for " + what + " with a wrong password", "it got " + e.status() + ": " + Redactor.text(e.body()))));
        }
    }

    /** The Retry-After of a backoff refusal; no refusal at all is the finding the checklist's "with backoff" is about. */
    private static long backoff(Exchange e, String what) {
        LimitHeaders h = LimitHeaders.of(e);
        OptionalLong retryAfter = h.retryAfterSeconds();
        if (e.status() != 429 || !h.code().filter(LimitHeaders.VAULT_BACKOFF::equals).isPresent() || retryAfter.isEmpty()) {
            Findings.assertNone(List.of(new Finding("Vault unlock backoff", e.describe(),
                    "429 with code " + LimitHeaders.VAULT_BACKOFF + " and Retry-After for " + what,
                    e.status() == 401 ? "it was tried and refused with 401: there is no backoff"
                            : "it got " + e.status() + " with " + h.code().map(c -> "code " + c).orElse("no code")
                            + h.retryAfter().map(r -> ", Retry-After " + r).orElse(", no Retry-After"))));
        }
        return retryAfter.getAsLong();
    }

    private void setUpVault(AuthClient auth, Map<String, String> credentials) {
        String password = "rl-" + HexFormat.of().formatHex(bytes(12));
        Redactor.registerSecret(password);
        Map<String, String> headers = new LinkedHashMap<>(credentials);
        headers.put("Content-Type", "application/json");
        Exchange setup = auth.send("POST", "/api/vault/setup", headers, "{\"password\":\"" + password + "\"}");
        if (setup.status() != 200) {
            throw new AssertionError("Setting up the vault of the rate-limit test identity failed: " + setup.describe() + " "
                    + Redactor.text(setup.body()));
        }
        JsonNode code = auth.json(setup).path("recoveryCode");
        Redactor.registerSecret(code.asText(null));
    }

    /**
     * The endpoint's requests; a login asks for a link to an address reserved for this suite: a
     * plus-address of the granted mailbox, or one that cannot receive mail (.invalid), so no one
     * else gets mail from it.
     */
    private LimitedEndpoint endpoint(Policy.RateLimit limit, String purpose) {
        String base = target.environment().grants().mailbox().baseAddress();
        String tag = "ratelimit-" + purpose + "-" + HexFormat.of().formatHex(bytes(4));
        String identity = base != null && base.contains("@")
                ? base.substring(0, base.indexOf('@')) + "+" + tag + base.substring(base.indexOf('@'))
                : "ocmt-verify+" + tag + "@example.invalid";
        return new LimitedEndpoint(limit, () -> identity);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
