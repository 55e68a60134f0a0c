package io.ocmt.reference;

/**
 * An expected failure answered with OCMT's error shape {"error":{"code":...,"message":...}}.
 * Stackless: it is control flow, never a bug to diagnose.
 */
final class ApiError extends RuntimeException {

    private final int status;
    private final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError forStatus(int status) {
        return new ApiError(status, ErrorCatalog.code(status), ErrorCatalog.message(status));
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
