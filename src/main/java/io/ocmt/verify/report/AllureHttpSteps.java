package io.ocmt.verify.report;

import io.qameta.allure.model.Status;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.restassured.specification.ProxySpecification;
import java.nio.charset.StandardCharsets;

/**
 * Records every request as one Allure step, with the request and the response attached, both passed
 * through the {@link Redactor} first, and through {@link Evidence}, the one way into the report.
 * Outside a running test (a preflight, a benchmark) it only passes the request on.
 */
public final class AllureHttpSteps implements Filter {

    /** Bodies beyond this are cut in the report; the checks still see the whole body. */
    private static final int MAX_BODY = 16 * 1024;

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
                           FilterContext ctx) {
        if (!Evidence.recording()) {
            return ctx.next(request, responseSpec);
        }
        ProxySpecification proxy = request.getProxySpecification();
        String title = request.getMethod() + " " + Redactor.url(request.getURI())
                + (proxy == null ? "" : " via proxy " + proxy.getScheme() + "://" + proxy.getHost() + ":" + proxy.getPort());
        try (Evidence.Step step = Evidence.open(title)) {
            try {
                Evidence.attach("Request", describeRequest(request));
                Response response = ctx.next(request, responseSpec);
                step.rename(title + " → " + response.getStatusCode());
                Evidence.attach("Response " + response.getStatusCode(), describeResponse(response));
                return response;
            } catch (RuntimeException e) {
                step.status(Status.BROKEN).rename(title + " → " + e.getMessage());
                throw e;
            }
        }
    }

    private static String describeRequest(FilterableRequestSpecification r) {
        StringBuilder out = new StringBuilder(r.getMethod()).append(' ').append(Redactor.url(r.getURI())).append('\n');
        for (Header h : r.getHeaders()) {
            out.append(h.getName()).append(": ").append(Redactor.header(h.getName(), h.getValue())).append('\n');
        }
        Object body = r.getBody();
        if (body != null) {
            out.append('\n').append(cut(Redactor.text(body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : body.toString())));
        }
        return out.toString();
    }

    private static String describeResponse(Response r) {
        StringBuilder out = new StringBuilder(r.getStatusLine() == null ? "" : r.getStatusLine()).append('\n');
        for (Header h : r.getHeaders()) {
            out.append(h.getName()).append(": ").append(Redactor.header(h.getName(), h.getValue())).append('\n');
        }
        String body = r.getBody().asString();
        if (!body.isEmpty()) {
            out.append('\n').append(cut(Redactor.text(body)));
        }
        return out.toString();
    }

    private static String cut(String s) {
        return s.length() <= MAX_BODY ? s : s.substring(0, MAX_BODY) + "\n… (" + (s.length() - MAX_BODY) + " more characters)";
    }
}
