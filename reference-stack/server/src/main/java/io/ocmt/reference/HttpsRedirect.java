package io.ocmt.reference;

/** Ends a plain-HTTP request with OCMT's production redirect; stackless because it is control flow. */
final class HttpsRedirect extends RuntimeException {

    private final String location;

    HttpsRedirect(String location) {
        super(location, null, false, false);
        this.location = location;
    }

    String location() {
        return location;
    }
}
