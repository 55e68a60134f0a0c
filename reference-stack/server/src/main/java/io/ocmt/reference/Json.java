package io.ocmt.reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON in and out, with Express's body-parser rules for what counts as valid input. */
final class Json {

    static final String CONTENT_TYPE = "application/json; charset=utf-8";

    // body-parser rejects "{} junk"; Jackson accepts it unless told otherwise.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] error(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return write(Map.of("error", error));
    }

    static byte[] error(int status) {
        return error(ErrorCatalog.code(status), ErrorCatalog.message(status));
    }

    /** OCMT's auth middleware answers with a bare string, not the coded shape. */
    static byte[] plainError(String message) {
        return write(Map.of("error", message));
    }

    /**
     * Parses a request body the way express.json() does in strict mode: only an object or an array
     * may be the top-level value.
     *
     * @throws ApiError 400 INVALID_JSON when it is not valid JSON of that kind
     */
    static JsonNode parseBody(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw invalid();
        }
        if (node == null || !(node.isObject() || node.isArray())) {
            throw invalid();
        }
        return node;
    }

    private static ApiError invalid() {
        return new ApiError(400, "INVALID_JSON", "Invalid JSON in request body");
    }
}
