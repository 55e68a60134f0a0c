package io.ocmt.verify.report;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.restassured.specification.ProxySpecification;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Records every request as one Allure step, with the request and the response attached, both passed
 * through the {@link Redactor} first. Outside a running test (a preflight, a benchmark) it only
 * passes the request on.
 */
public final class AllureHttpSteps implements Filter {

    /** Bodies beyond this are cut in the report; the checks still see the whole body. */
    private static final int MAX_BODY = 16 * 1024;

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
                           FilterContext ctx) {
        AllureLifecycle lifecycle = Allure.getLifecycle();
        if (lifecycle.getCurrentTestCaseOrStep().isEmpty()) {
            return ctx.next(request, responseSpec);
        }
        ProxySpecification proxy = request.getProxySpecification();
        String title = request.getMethod() + " " + Redactor.url(request.getURI())
                + (proxy == null ? "" : " via proxy " + proxy.getScheme() + "://" + proxy.getHost() + ":" + proxy.getPort());
        String uuid = UUID.randomUUID().toString();
        lifecycle.startStep(uuid, new StepResult().setName(title).setStatus(Status.PASSED));
        try {
            attach("Request", describeRequest(request));
            Response response = ctx.next(request, responseSpec);
            lifecycle.updateStep(uuid, s -> s.setName(title + " → " + response.getStatusCode()));
            attach("Response " + response.getStatusCode(), describeResponse(response));
            return response;
        } catch (RuntimeException e) {
            lifecycle.updateStep(uuid, s -> s.setStatus(Status.BROKEN).setName(title + " → " + Redactor.text(e.getMessage())));
            throw e;
        } finally {
            lifecycle.stopStep(uuid);
        }
    }

    private static void attach(String name, String text) {
        Allure.addAttachment(name, "text/plain", text, ".txt");
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
