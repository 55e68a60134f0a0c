package io.ocmt.reference;

/**
 * Codes and messages for errors that no route chose itself (Jetty's own errors, unmatched routes),
 * so every error body has OCMT's shape and never echoes request data or internals.
 */
final class ErrorCatalog {

    private ErrorCatalog() {
    }

    static String code(int status) {
        switch (status) {
            case 400: return "BAD_REQUEST";
            case 401: return "AUTH_REQUIRED";
            case 403: return "FORBIDDEN";
            // Express answers an unknown method on a known path with 404, so 405 is never told apart.
            case 404: case 405: return "NOT_FOUND";
            case 408: return "REQUEST_TIMEOUT";
            case 413: return "PAYLOAD_TOO_LARGE";
            case 414: return "URI_TOO_LONG";
            case 415: return "UNSUPPORTED_MEDIA_TYPE";
            case 431: return "HEADERS_TOO_LARGE";
            case 503: return "SERVICE_UNAVAILABLE";
            default: return status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
        }
    }

    static String message(int status) {
        switch (status) {
            case 400: return "Bad request";
            case 401: return "Authentication required";
            case 403: return "Access denied";
            case 404: case 405: return "Not found";
            case 408: return "Request timeout";
            case 413: return "Request body too large";
            case 414: return "Request URI too long";
            case 415: return "Unsupported media type";
            case 431: return "Request headers too large";
            case 503: return "Service temporarily unavailable";
            default: return status >= 500 ? "Internal server error" : "Bad request";
        }
    }

    /** Jetty may hand over a status that is not an error at all; never send a 2xx error body. */
    static int errorStatus(int status) {
        return status >= 400 && status <= 599 ? status : 500;
    }
}
