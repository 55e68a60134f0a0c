package io.ocmt.verify.auth;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.opentest4j.TestAbortedException;

/**
 * One user's sessions taken, once per run, through everything that must end a session: one login
 * more than MAX_SESSIONS_PER_USER (the least recently active is evicted), a logout, a revocation by
 * id and "revoke all others". Each step's answers are recorded when they happen, so the tests that
 * judge them (session limit, logout, revocation, and the token-rejection matrix's dead tokens) share
 * one set of logins: about MAX_SESSIONS_PER_USER + 1 of them instead of a new user per test, which
 * a target allowing 5 verifications per 15 minutes per address could not give.
 */
public final class SessionLifecycle {

    /**
     * One request of the scenario and its answer, as the report shows it.
     *
     * @param expected the status the control requires of this answer, 0 where the step only sets up the next
     */
    public record Step(String what, Exchange answer, Instant at, int expected) {
        @Override
        public String toString() {
            return at.truncatedTo(ChronoUnit.MILLIS) + "  " + what + ": " + answer.describe() + (expected == 0 ? "" : " (must be " + expected + ")");
        }
    }

    /** The steps of one part of the scenario, what a test judges and attaches. */
    public record Part(String name, List<Step> steps) {
        public String report() {
            return name + "\n" + steps.stream().map(Step::toString).collect(Collectors.joining("\n")) + "\n";
        }

        /** Every answer that is not what the control requires, as findings of {@code control}. */
        public List<Finding> findings(String control) {
            return steps.stream().filter(s -> s.expected() != 0 && s.answer().status() != s.expected())
                    .map(s -> new Finding(control, s.answer().describe(), s.expected() + " for " + s.what(), "it answered " + s.answer().status()))
                    .toList();
        }
    }

    private final int maxPerUser;
    private final Part eviction;
    private final Part logout;
    private final Part revocation;
    private final Part revokeOthers;
    private final Session evicted;
    private final Session loggedOut;
    private final Session revoked;
    private final List<Session> revokedByOthers;
    private final Session survivor;
    private final Step evictedAnswer;
    private final Step loggedOutAnswer;
    private final Step revokedAnswer;

    private SessionLifecycle(int maxPerUser, Part eviction, Part logout, Part revocation, Part revokeOthers, Session evicted,
                             Session loggedOut, Session revoked, List<Session> revokedByOthers, Session survivor,
                             Step evictedAnswer, Step loggedOutAnswer, Step revokedAnswer) {
        this.maxPerUser = maxPerUser;
        this.eviction = eviction;
        this.logout = logout;
        this.revocation = revocation;
        this.revokeOthers = revokeOthers;
        this.evicted = evicted;
        this.loggedOut = loggedOut;
        this.revoked = revoked;
        this.revokedByOthers = List.copyOf(revokedByOthers);
        this.survivor = survivor;
        this.evictedAnswer = evictedAnswer;
        this.loggedOutAnswer = loggedOutAnswer;
        this.revokedAnswer = revokedAnswer;
    }

    /**
     * Logins the scenario takes: one more than the limit, and, where the limit is below 4, the few
     * more that leave two live sessions for each later step.
     */
    public static LoginNeed need(Policy policy) {
        int max = policy.session().maxPerUser();
        return LoginNeed.logins(max + 1 + Math.max(0, 4 - max));
    }

    /**
     * Runs the scenario with {@code auth}, whose reservation holds {@link #need}.
     *
     * @throws TestAbortedException where the policy's limit leaves no room for the steps
     */
    public static SessionLifecycle run(AuthClient auth, Policy policy) {
        int max = policy.session().maxPerUser();
        if (max < 2) {
            throw new TestAbortedException("Not verified: policy.session.maxPerUser is " + max
                    + "; logout and revocation are judged on a user with two live sessions, which that limit never allows");
        }
        String email = auth.newIdentity("lifecycle");
        List<Session> sessions = new ArrayList<>();
        List<Step> evictionSteps = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            Session s = auth.login(email);
            sessions.add(s);
            evictionSteps.add(step("login " + (i + 1) + " of " + max + " (MAX_SESSIONS_PER_USER)", s.verified(), 0));
        }
        // Every session but the first is used after it, so the first is the least recently active.
        for (int i = 1; i < max; i++) {
            evictionSteps.add(step("session " + (i + 1) + " used", auth.me(sessions.get(i)), 0));
        }
        Session newest = auth.login(email);
        sessions.add(newest);
        evictionSteps.add(step("login " + (max + 1) + ", one more than the limit", newest.verified(), 0));
        for (int i = 0; i <= max; i++) {
            evictionSteps.add(step("session " + (i + 1) + (i == 0 ? ", the least recently active, after login " + (max + 1)
                    : i == max ? ", the newest" : ", more recently active, after login " + (max + 1)), auth.me(sessions.get(i)), i == 0 ? 401 : 200));
        }
        Session evicted = sessions.get(0);
        Step evictedAnswer = evictionSteps.get(evictionSteps.size() - (max + 1));
        List<Session> alive = new ArrayList<>(sessions.subList(1, sessions.size()));

        List<Step> logoutSteps = new ArrayList<>();
        Session leaving = alive.get(0);
        Session staying = alive.get(1);
        logoutSteps.add(step("logout of session 2", auth.logout(leaving), 200));
        Step loggedOutAnswer = step("the logged-out session 2", auth.me(leaving), 401);
        logoutSteps.add(loggedOutAnswer);
        logoutSteps.add(step("the user's other session 3, not logged out", auth.me(staying), 200));
        alive.remove(leaving);

        List<Step> revocationSteps = new ArrayList<>();
        Session target = alive.get(0);
        Session revoker = alive.get(alive.size() - 1);
        if (revoker == target) {
            revoker = more(auth, email, alive, revocationSteps);
        }
        String id = auth.idOf(target);
        revocationSteps.add(step("DELETE of session " + (sessions.indexOf(target) + 1) + " by id, from the newest", auth.revoke(revoker, id), 200));
        Step revokedAnswer = step("the revoked session", auth.me(target), 401);
        revocationSteps.add(revokedAnswer);
        revocationSteps.add(step("the session that revoked it", auth.me(revoker), 200));
        alive.remove(target);

        List<Step> othersSteps = new ArrayList<>();
        if (alive.size() < 2) {
            more(auth, email, alive, othersSteps);
        }
        Session current = alive.get(alive.size() - 1);
        List<Session> others = new ArrayList<>(alive.subList(0, alive.size() - 1));
        othersSteps.add(step("revoke all other sessions, from the newest", auth.revokeOthers(current), 200));
        for (Session other : others) {
            othersSteps.add(step("an older session after revoke-others", auth.me(other), 401));
        }
        othersSteps.add(step("the current session after revoke-others", auth.me(current), 200));

        return new SessionLifecycle(max,
                new Part("One login more than MAX_SESSIONS_PER_USER=" + max + " (" + email + ")", evictionSteps),
                new Part("Logout of one session (" + email + ")", logoutSteps),
                new Part("Revocation of one session by id (" + email + ")", revocationSteps),
                new Part("Revoke all other sessions (" + email + ")", othersSteps),
                evicted, leaving, target, others, current, evictedAnswer, loggedOutAnswer, revokedAnswer);
    }

    private static Session more(AuthClient auth, String email, List<Session> alive, List<Step> steps) {
        Session s = auth.login(email);
        alive.add(s);
        steps.add(step("one more login, for two live sessions", s.verified(), 0));
        return s;
    }

    private static Step step(String what, Exchange answer, int expected) {
        return new Step(what, answer, Instant.now(), expected);
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    /** Logins 1 … MAX, the sessions used, login MAX + 1, then every session asked once more (first: the evicted one). */
    public Part eviction() {
        return eviction;
    }

    /** The logout answer, the logged-out session asked again, another session of the user asked. */
    public Part logout() {
        return logout;
    }

    /** The DELETE by id, the revoked session asked again, the revoking session asked. */
    public Part revocation() {
        return revocation;
    }

    /** The revoke-others answer, each older session asked again, the current one asked. */
    public Part revokeOthers() {
        return revokeOthers;
    }

    /**
     * The answers to the evicted, the logged-out and the revoked session, asked right after the step
     * that should have ended it: later steps (revoke-others) would end a session the step missed,
     * so only these show what the step did.
     */
    public Step evictedAnswer() {
        return evictedAnswer;
    }

    public Step loggedOutAnswer() {
        return loggedOutAnswer;
    }

    public Step revokedAnswer() {
        return revokedAnswer;
    }

    /** The least recently active session when one login too many arrived. */
    public Session evicted() {
        return evicted;
    }

    public Session loggedOut() {
        return loggedOut;
    }

    public Session revoked() {
        return revoked;
    }

    public List<Session> revokedByOthers() {
        return revokedByOthers;
    }

    /** The one session left alive: it revoked the others. */
    public Session survivor() {
        return survivor;
    }
}
