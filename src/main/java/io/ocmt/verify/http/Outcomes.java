package io.ocmt.verify.http;

import io.ocmt.verify.report.Redactor;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.net.URI;
import java.time.Instant;
import org.opentest4j.TestAbortedException;

/**
 * Sees every request {@link Http} sends, before it goes out: refuses it in a dry run ({@link DryRun})
 * and once the run's request budget is spent ({@link RequestBudget}), counts it ({@link RequestCount}),
 * and turns the two outcomes that say nothing about the control under test into a test aborted as not
 * verified, with the request named: a request that could not be sent, and a 429 where the check does
 * not judge rate limits.
 */
final class Outcomes implements Filter {

    private final boolean judgesRateLimits;
    private final URI proxy;
    private final RequestBudget budget;

    Outcomes(boolean judgesRateLimits, URI proxy, RequestBudget budget) {
        this.judgesRateLimits = judgesRateLimits;
        this.proxy = proxy;
        this.budget = budget;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec, FilterContext ctx) {
        String via = proxy == null ? "" : " via proxy " + Redactor.url(proxy.toString());
        String what = request.getMethod() + " " + Redactor.url(request.getURI()) + via;
        URI uri = URI.create(request.getURI());
        // Nothing below this line leaves the machine unless both allow it: a dry run sends nothing, a spent budget no more.
        if (DryRun.on()) {
            throw DryRun.notSent(what);
        }
        budget.spend(request.getMethod(), uri, what);
        RequestCount.count(request.getMethod(), uri);
        Response response;
        try {
            response = ctx.next(request, responseSpec);
        } catch (TestAbortedException | AssertionError e) {
            throw e;
        } catch (Exception e) { // REST Assured rethrows I/O errors unchecked, whatever their type
            throw new TargetUnreachableException(what, e);
        }
        if (!judgesRateLimits && response.getStatusCode() == 429) {
            throw RateLimitedException.of(what, Http.exchange(request.getMethod(), URI.create(request.getURI()), response), Instant.now());
        }
        return response;
    }
}
