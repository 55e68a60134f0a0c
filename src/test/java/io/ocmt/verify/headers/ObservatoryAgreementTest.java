package io.ocmt.verify.headers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The suite's Java scorer gives the grade and score the real MDN HTTP Observatory (1.4.8) gave the
 * same nginx configurations ({@code observatory/sites.conf}). Each {@code <configuration>.json} holds
 * the Observatory's result and the responses its retriever fetched, written by
 * {@code scripts/observatory-grades}; the table below is what it found, so a refresh that changes a
 * grade shows here as well.
 */
class ObservatoryAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}: Observatory {1} ({2})")
    @CsvSource({
        "hardened,               A+, 130",
        "no-csp,                 B,  75",
        "weak-cookies,           B,  70",
        "hsts-short,             A+, 115",
        "permissive-cors,        A+, 125",
        "unsafe-inline-framable, D,  35",
        "legacy,                 D-, 25",
    })
    void javaScorerAgreesWithTheObservatory(String configuration, String grade, int score) throws IOException {
        JsonNode file = read(configuration);
        JsonNode observatory = file.get("observatory");
        assertThat(observatory.get("grade").asText()).as("the Observatory's grade in %s.json", configuration).isEqualTo(grade);
        assertThat(observatory.get("score").asInt()).as("the Observatory's score in %s.json", configuration).isEqualTo(score);

        HeaderGrade.Result java = HeaderGrade.score(site(file.get("retrieved")), Set.of());

        Map<String, String> expected = new LinkedHashMap<>();
        observatory.get("tests").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().get("result").asText()));
        Map<String, String> actual = new LinkedHashMap<>();
        java.tests().forEach(t -> actual.put(t.name(), t.result()));
        assertThat(actual).as("each test's result, %s", java.asEvidence()).containsExactlyEntriesOf(expected);
        assertThat(java.score()).as("score").isEqualTo(score);
        assertThat(java.grade()).as("grade").isEqualTo(grade);
    }

    private static JsonNode read(String configuration) throws IOException {
        try (InputStream in = ObservatoryAgreementTest.class.getResourceAsStream("observatory/" + configuration + ".json")) {
            assertThat(in).as("observatory/%s.json (scripts/observatory-grades writes it)", configuration).isNotNull();
            // The script keeps the run's random ports out of the files; any fixed pair reads the same.
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("HTTPS_PORT", "8443").replace("HTTP_PORT", "8080");
            return JSON.readTree(text);
        }
    }

    static HeaderGrade.Site site(JsonNode retrieved) {
        List<Exchange> route = new ArrayList<>();
        for (JsonNode hop : retrieved.get("httpRoute")) {
            route.add(new Exchange("GET", hop.get("url").asText(), hop.get("status").asInt(), Map.of(), ""));
        }
        Exchange page = exchange("GET", retrieved.get("page"));
        Exchange cors = retrieved.get("cors").isNull() ? null : exchange("OPTIONS", retrieved.get("cors"));
        return new HeaderGrade.Site(retrieved.get("host").asText(), route, List.of(page), cors);
    }

    private static Exchange exchange(String method, JsonNode response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (JsonNode h : response.get("headers")) {
            headers.computeIfAbsent(h.get(0).asText(), k -> new ArrayList<>()).add(h.get(1).asText());
        }
        return new Exchange(method, response.get("url").asText(), response.get("status").asInt(), headers,
                response.get("body").asText());
    }
}
