package io.ocmt.verify.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Allure report's categories: a release manager signs "product defects" differently from
 * "not verified here" (a grant or secret the environment does not give) and from the suite's own
 * errors, so the three are kept apart instead of Allure's default failed/broken split.
 */
public final class Categories {

    /**
     * How a check that could not run says why: a grant or secret the environment lacks, preflight, or
     * "Not verified: …", which the http package and the checks put first when the target could not
     * be reached or rate-limited this runner (an address, not the product, was the obstacle). JUnit's
     * Assumptions put "Assumption failed: " before a check's own "Not verified: …".
     */
    static final String NOT_VERIFIED_MESSAGE =
            "(?s)((Assumption failed: )?Not verified: .*|.*(grants\\.|[Ss]ecret|Cannot open the target|[Ee]nvironment ').*)";

    private Categories() {
    }

    static List<Map<String, Object>> definitions() {
        return List.of(
                category("Product defects: a hardening control failed", List.of("failed"), null),
                category("Not verified: the environment does not grant what the check needs", List.of("skipped", "broken"),
                        NOT_VERIFIED_MESSAGE),
                category("Suite or target errors: the check could not reach a verdict", List.of("broken"),
                        "(?s)(?!" + NOT_VERIFIED_MESSAGE + ").*"));
    }

    public static void write(Path resultsDirectory) {
        try {
            Files.createDirectories(resultsDirectory);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(resultsDirectory.resolve("categories.json").toFile(), definitions());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> category(String name, List<String> statuses, String messageRegex) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("matchedStatuses", statuses);
        if (messageRegex != null) {
            c.put("messageRegex", messageRegex);
        }
        return c;
    }
}
