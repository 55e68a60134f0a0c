package io.ocmt.verify.http;

import io.ocmt.verify.config.Target;
import io.ocmt.verify.report.AllureHttpSteps;
import io.ocmt.verify.report.Redactor;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.filter.Filter;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.ProxySpecification;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.http.conn.ssl.SSLSocketFactory;

/**
 * Talks to a {@link Target} over its public interfaces: HTTPS with the environment's trust and
 * strict host-name checking, and plain HTTP for the redirect check. Redirects are never followed,
 * because the first hop is what the checks judge. Every request becomes a redacted Allure step.
 * {@link #via} sends the same requests through an HTTP proxy, so the target sees them come from the
 * proxy's address.
 *
 * <p>Two outcomes are never a verdict on the target, and {@link Outcomes} turns them into a test
 * aborted as not verified, naming the request: a request that could not be sent at all (refused,
 * timed out), and a 429, which means this runner's rate-limit budget is spent, not that the control
 * under test is wrong. Only the rate-limit checks, which judge 429s, ask for them with
 * {@link #judgingRateLimits()}.
 */
public final class Http {

    private final Target target;
    private final RestAssuredConfig config;
    private final List<Filter> filters;
    private final URI proxy;
    private final boolean judgesRateLimits;

    private Http(Target target, List<Filter> filters, URI proxy, boolean judgesRateLimits) {
        this.target = target;
        this.filters = List.copyOf(filters);
        this.proxy = proxy;
        this.judgesRateLimits = judgesRateLimits;
        @SuppressWarnings("deprecation") // REST Assured 5 still takes HttpClient 4's socket factory.
        SSLSocketFactory sockets = new SSLSocketFactory(target.trust().sslContext(), SSLSocketFactory.STRICT_HOSTNAME_VERIFIER);
        this.config = RestAssuredConfig.config()
                .sslConfig(SSLConfig.sslConfig().sslSocketFactory(sockets))
                .redirect(RedirectConfig.redirectConfig().followRedirects(false))
                .httpClient(HttpClientConfig.httpClientConfig()
                        .setParam("http.connection.timeout", target.connectTimeoutMs())
                        .setParam("http.socket.timeout", target.readTimeoutMs())
                        .setParam("http.connection-manager.timeout", (long) target.connectTimeoutMs()));
    }

    public static Http to(Target target) {
        return new Http(target, List.of(), null, false);
    }

    /**
     * The same client, with {@code filter} also seeing every request it sends, e.g. to count a suite's
     * footprint on the target, including the requests other clients built on it (login) send.
     */
    public Http with(Filter filter) {
        List<Filter> more = new ArrayList<>(filters);
        more.add(filter);
        return new Http(target, more, proxy, judgesRateLimits);
    }

    /**
     * The same client, for checks that judge the target's rate limiting: a 429 is returned to them as
     * an answer instead of stopping the test as not verified.
     */
    public Http judgingRateLimits() {
        return new Http(target, filters, proxy, true);
    }

    /**
     * The same client, sending every request through the HTTP proxy at {@code proxy}
     * ({@code http://host:port}). For the https:// target the proxy only opens a tunnel (CONNECT to the
     * target's own host and port, as any client behind that proxy would ask for it); TLS runs through
     * the tunnel end to end, with this target's trust and strict host-name checking, so the proxy sees
     * neither the request nor its headers, and cannot answer in the target's name.
     */
    public Http via(URI proxy) {
        if (proxy == null || !"http".equalsIgnoreCase(proxy.getScheme()) || proxy.getHost() == null || proxy.getPort() < 1) {
            throw new IllegalArgumentException("A proxy is an http://host:port URL; got " + (proxy == null ? null : Redactor.url(proxy.toString())));
        }
        return new Http(target, filters, proxy, judgesRateLimits);
    }

    /** The proxy every request goes through, if this client was made by {@link #via}. */
    public Optional<URI> proxy() {
        return Optional.ofNullable(proxy);
    }

    public Target target() {
        return target;
    }

    /** A request specification with this target's TLS trust, time-outs and reporting; for requests the shortcuts do not cover. */
    public RequestSpecification spec() {
        // Outermost, so the report's step for a 429 is written before the test stops on it.
        RequestSpecification spec = RestAssured.given().config(config).urlEncodingEnabled(false)
                .filter(new Outcomes(judgesRateLimits, proxy, RequestBudget.of(target))).filter(new AllureHttpSteps());
        if (proxy != null) {
            spec.proxy(ProxySpecification.host(proxy.getHost()).withPort(proxy.getPort()).withScheme("http"));
        }
        filters.forEach(spec::filter);
        return spec;
    }

    public Exchange get(String path) {
        return send("GET", target.https(path), Map.of());
    }

    /** GET on the plain-HTTP address, as a browser does when someone types the bare host name. */
    public Exchange plainGet(String path) {
        return send("GET", target.http(path), Map.of());
    }

    public Exchange send(String method, URI uri, Map<String, String> headers) {
        Response response = spec().headers(new LinkedHashMap<>(headers)).request(method, uri);
        return exchange(method, uri, response);
    }

    public static Exchange exchange(String method, URI uri, Response response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        }
        return new Exchange(method, Redactor.url(uri.toString()), response.getStatusCode(), headers, response.getBody().asString());
    }
}
