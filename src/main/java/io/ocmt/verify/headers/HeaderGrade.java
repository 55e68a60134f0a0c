package io.ocmt.verify.headers;

import io.ocmt.verify.headers.internal.ObservatoryTests;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.http.Http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MDN HTTP Observatory's grade for one page, computed as its scanner does (version 1.4.8,
 * algorithm 4): the ten tests' modifiers added to 100, the bonuses counted only when the score
 * without them is at least 90, then the grade band (A+ from 100, A from 90, … F below 25). So
 * "target grade A or A+" is verified for hosts, ports and paths the public Observatory cannot
 * reach. The Observatory's own results on a set of nginx configurations are kept in a test
 * ({@code ObservatoryAgreementTest}, refreshed by {@code scripts/observatory-grades}).
 */
public final class HeaderGrade {

    /** The CORS origin the Observatory's retriever sends in its preflight. */
    public static final String CORS_ORIGIN = "https://http-observatory.security.mozilla.org";
    /** Grade bands (grader/charts.js GRADE_CHART), best first. */
    public static final List<String> GRADES = List.of("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F");
    static final int MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90;
    private static final int MAX_REDIRECTS = 10;

    /** One test: the Observatory's test name, its expectation (result), score modifier, pass, what it read. */
    public record Test(String name, String result, int modifier, boolean pass, String data) {
    }

    /**
     * @param page  the URL scanned
     * @param tests the ten results, in the Observatory's order
     * @param score the final score (never below 0; above 100 with bonuses)
     * @param grade the grade band of the score
     */
    public record Result(String page, List<Test> tests, int score, String grade) {

        /** Each test's result and modifier, the score and the grade: the check's evidence. */
        public String asEvidence() {
            StringBuilder out = new StringBuilder("MDN HTTP Observatory scoring (1.4.8) of ").append(page).append('\n');
            for (Test t : tests) {
                out.append(String.format("%-30s %-62s %+4d %s%s%n", t.name(), t.result(), t.modifier(),
                        t.pass() ? "pass" : "FAIL", t.data().isEmpty() ? "" : "  [" + io.ocmt.verify.report.Redactor.text(t.data()) + "]"));
            }
            out.append("score ").append(score).append(", grade ").append(grade).append('\n');
            return out.toString();
        }
    }

    /**
     * What the Observatory's retriever fetches for one page.
     *
     * @param host       the host scanned (for the preload list and SRI's same-site test)
     * @param httpRoute  the plain-HTTP request and every redirect followed, final answer last; empty when HTTP did not answer
     * @param httpsChain the HTTPS request and every redirect followed, the page last; empty when HTTPS did not answer
     * @param cors       the answer to a CORS preflight (OPTIONS, {@link #CORS_ORIGIN}) on the page's URL, or null
     */
    public record Site(String host, List<Exchange> httpRoute, List<Exchange> httpsChain, Exchange cors) {
        public Site {
            httpRoute = List.copyOf(httpRoute);
            httpsChain = List.copyOf(httpsChain);
        }

        /** The page the tests judge. */
        public Exchange page() {
            return new ObservatoryTests.Retrieved(host, httpRoute, httpsChain, cors, Set.of()).auto();
        }
    }

    private HeaderGrade() {
    }

    /** The grade, with {@code preloaded} the host names the signer knows are on the HSTS preload list. */
    public static Result score(Site site, Set<String> preloaded) {
        ObservatoryTests.Retrieved r = new ObservatoryTests.Retrieved(site.host(), site.httpRoute(), site.httpsChain(),
                site.cors(), preloaded);
        List<Test> tests = new ArrayList<>();
        int withExtraCredit = 100;
        int uncurved = 100;
        for (ObservatoryTests.Result t : ObservatoryTests.run(r)) {
            tests.add(new Test(t.test(), t.expectation(), t.modifier(), t.pass(), t.data()));
            withExtraCredit += t.modifier();
            if (t.modifier() < 0) {
                uncurved += t.modifier();
            }
        }
        int score = Math.max(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved, 0);
        Exchange page = site.page();
        return new Result(page == null ? site.host() : page.url(), tests, score, gradeFor(score));
    }

    /** grader.js getGradeForScore: down to a multiple of 5, 100 and above is A+. */
    public static String gradeFor(int score) {
        int key = Math.min(Math.max(score, 0) / 5 * 5, 100);
        if (key >= 100) {
            return "A+";
        }
        String[] bands = {"F", "F", "F", "F", "F", "D-", "D", "D", "D+", "C-", "C", "C", "C+", "B-", "B", "B", "B+", "A-", "A", "A"};
        return bands[key / 5];
    }

    /** True when {@code grade} is {@code minimum} or better. */
    public static boolean atLeast(String grade, String minimum) {
        return rank(grade) <= rank(minimum);
    }

    /** A grade's place in {@link #GRADES}, best first; an unknown grade is a configuration error. */
    public static int rank(String grade) {
        int i = GRADES.indexOf(grade == null ? "" : grade.strip().toUpperCase(java.util.Locale.ROOT));
        if (i < 0) {
            throw new IllegalArgumentException("'" + grade + "' is not an Observatory grade (one of " + GRADES + ")");
        }
        return i;
    }

    /**
     * Fetches {@code path} as the Observatory's retriever does: over plain HTTP and over HTTPS,
     * following up to ten redirects each, and a CORS preflight on the page's final URL. A plain-HTTP
     * side that does not answer counts as "no HTTP", as it does for the Observatory.
     */
    public static Site fetch(Http http, String path) {
        Map<String, String> accept = Map.of("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        List<Exchange> httpRoute;
        try {
            httpRoute = follow(http, http.target().http(path), accept);
        } catch (io.ocmt.verify.http.TargetUnreachableException e) {
            httpRoute = List.of();
        }
        List<Exchange> httpsChain = follow(http, http.target().https(path), accept);
        Exchange last = httpsChain.get(httpsChain.size() - 1);
        Exchange cors = last.status() == 0 ? null : http.send("OPTIONS", URI.create(last.url()),
                Map.of("Access-Control-Request-Method", "GET", "Origin", CORS_ORIGIN));
        return new Site(http.target().https(path).getHost(), httpRoute, httpsChain, cors);
    }

    /**
     * The redirect chain from {@code start}. A redirect to another host is recorded (the redirection
     * test reads only where the chain leads) but not requested: the suite talks to the target alone.
     */
    private static List<Exchange> follow(Http http, URI start, Map<String, String> headers) {
        List<Exchange> chain = new ArrayList<>();
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (uri.getHost() == null || !uri.getHost().equalsIgnoreCase(start.getHost())) {
                chain.add(new Exchange("GET", uri.toString(), 0, Map.of(), "not requested: another host than the target's"));
                break;
            }
            Exchange e = http.send("GET", uri, headers);
            chain.add(e);
            List<String> location = e.all("Location");
            if (!List.of(301, 302, 303, 307, 308).contains(e.status()) || location.isEmpty()) {
                break;
            }
            try {
                uri = uri.resolve(location.get(0).strip());
            } catch (IllegalArgumentException badLocation) {
                break;
            }
        }
        return chain;
    }
}
