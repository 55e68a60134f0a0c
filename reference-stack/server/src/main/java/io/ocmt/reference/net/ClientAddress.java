package io.ocmt.reference.net;

import io.javalin.http.Context;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The one place that decides a request's client IP, for rate limits, session records, audit logs
 * and IP allowlists alike, so they can never disagree about who a client is.
 */
public final class ClientAddress {

    // Not a holder class: its initialiser would turn a configuration error into
    // ExceptionInInitializerError once and NoClassDefFoundError on every later request.
    private static volatile ProxyTrust trust;

    private ClientAddress() {
    }

    /** The client IP in canonical text form (IPv4 dotted quad, or RFC 5952 IPv6). */
    public static String resolve(Context ctx) {
        return resolve(ctx, trust());
    }

    public static String resolve(Context ctx, ProxyTrust trust) {
        Enumeration<String> values = ctx.req().getHeaders("X-Forwarded-For");
        List<String> forwardedFor = values == null ? List.of() : Collections.list(values);
        return trust.resolve(ctx.req().getRemoteAddr(), forwardedFor, ctx.header("X-Real-IP"));
    }

    /**
     * The settings read from the environment on first use. Call it at startup so a malformed
     * TRUSTED_PROXIES stops the server there instead of failing the first request.
     *
     * @throws io.ocmt.reference.ConfigurationException when the environment is malformed
     */
    public static ProxyTrust trust() {
        ProxyTrust current = trust;
        if (current == null) {
            synchronized (ClientAddress.class) {
                if (trust == null) {
                    trust = ProxyTrust.fromEnvironment(System.getenv());
                }
                current = trust;
            }
        }
        return current;
    }
}
