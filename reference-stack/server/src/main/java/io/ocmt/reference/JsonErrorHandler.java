package io.ocmt.reference;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Answers the errors Jetty raises before or around the application (oversized headers, broken
 * requests, exceptions escaping the servlet) with the same JSON shape and security headers as the
 * application's own errors, instead of Jetty's HTML page and stack traces.
 */
final class JsonErrorHandler extends ErrorHandler {

    private final SecurityPolicy policy;

    JsonErrorHandler(SecurityPolicy policy) {
        this.policy = policy;
        setShowStacks(false);
        setShowServlet(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        // Jetty's default skips bodies for methods other than GET/POST/HEAD; every client gets JSON.
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        policy.applyTo(fields::put);
        fields.put(HttpHeader.CONTENT_TYPE, Json.CONTENT_TYPE);
        return ByteBuffer.wrap(Json.error(ErrorCatalog.errorStatus(status)));
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        if (response.isCommitted()) {
            return;
        }
        int status = ErrorCatalog.errorStatus(response.getStatus());
        response.setStatus(status);
        policy.applyTo(response::setHeader);
        response.setContentType(Json.CONTENT_TYPE);
        byte[] body = Json.error(status);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
