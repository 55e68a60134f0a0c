package io.ocmt.verify.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocmt.verify.config.Policy.HealthPolicy;
import io.ocmt.verify.http.Exchange;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Redactor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Judges a health endpoint: it answers 200 with a JSON object, and tells an anonymous caller
 * nothing an attacker can use: no credentials, keys or connection strings, no software versions.
 */
public final class HealthCheck {

    public static final String STATUS = "Health status";
    public static final String JSON = "Health JSON";
    public static final String SECRETS = "Health secrets";
    public static final String VERSIONS = "Health version banner";

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();
    /** Names whose values are credentials whatever they look like. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential|encryption[_-]?key|database[_-]?url|redis[_-]?url|dsn).*");
    /** Values that are credentials wherever they appear: URLs with a password, PEM keys, long random strings. */
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?s)(?:[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^@\\s/]+@.*)|(?:.*-----BEGIN [A-Z ]*PRIVATE KEY-----.*)|(?:[A-Fa-f0-9]{32,})|(?:[A-Za-z0-9+/_-]{40,}={0,2})");
    /** Keys that announce software and its version. */
    private static final Pattern VERSION_KEY = Pattern.compile(
            "(?i)(.*version.*|versions|node|npm|express|runtime|engine|server|platform|jdk|java|nginx|postgres(ql)?|redis|openssl|v8)");
    /** A product name followed by a version number: "nginx/1.22.1", "node v20.11.1", "Express 4.18". */
    private static final Pattern VERSION_VALUE = Pattern.compile(
            "(?i).*\\b(node(\\.js)?|express|nginx|apache|jetty|tomcat|openjdk|java|postgres(ql)?|redis|openssl|debian|ubuntu|alpine|npm|v8)\\b[ /:v-]*\\d+(\\.\\d+)+.*");
    private static final Pattern BARE_VERSION = Pattern.compile("v?\\d+\\.\\d+(\\.\\d+)?([-+.][\\w.]+)?");

    private HealthCheck() {
    }

    public static List<Finding> judge(Exchange health, HealthPolicy policy) {
        List<Finding> findings = new ArrayList<>();
        String subject = health.describe();
        if (health.status() != 200) {
            findings.add(new Finding(STATUS, subject, "200 OK", "status " + health.status()));
        }
        if (!health.contentType().startsWith("application/json")) {
            findings.add(new Finding(JSON, subject, "Content-Type application/json",
                    health.contentType().isEmpty() ? "no Content-Type" : "Content-Type " + health.contentType()));
        }
        JsonNode body;
        try {
            body = JSON_MAPPER.readTree(health.body());
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            findings.add(new Finding(JSON, subject, "a JSON object", "body " + preview(health.body())));
            scanText(health.body(), subject, findings);
            return findings;
        }
        walk(body, "", subject, policy.releaseField(), findings);
        return findings;
    }

    private static void walk(JsonNode node, String path, String subject, String releaseField, List<Finding> findings) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                JsonNode value = f.getValue();
                if (SECRET_KEY.matcher(f.getKey()).matches() && !isEmpty(value)) {
                    findings.add(new Finding(SECRETS, subject, "no credentials",
                            "field '" + child + "' = " + Redactor.MASK));
                    continue;
                }
                boolean release = path.isEmpty() && f.getKey().equals(releaseField);
                if (!release && VERSION_KEY.matcher(f.getKey()).matches() && value.isValueNode()
                        && BARE_VERSION.matcher(value.asText().trim()).matches()) {
                    findings.add(new Finding(VERSIONS, subject, "no software versions",
                            "field '" + child + "' = " + value.asText()));
                    continue;
                }
                walk(value, child, subject, releaseField, findings);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", subject, releaseField, findings);
            }
        } else if (node.isTextual()) {
            judgeValue(node.asText(), "field '" + path + "'", subject, findings);
        }
    }

    private static void scanText(String text, String subject, List<Finding> findings) {
        text.lines().forEach(line -> judgeValue(line, "body line", subject, findings));
    }

    private static void judgeValue(String value, String where, String subject, List<Finding> findings) {
        if (SECRET_VALUE.matcher(value.trim()).matches()) {
            findings.add(new Finding(SECRETS, subject, "no credentials", where + " looks like a credential: " + Redactor.MASK));
        } else if (VERSION_VALUE.matcher(value).matches()) {
            findings.add(new Finding(VERSIONS, subject, "no software versions", where + " = " + Redactor.text(value)));
        }
    }

    private static boolean isEmpty(JsonNode value) {
        return value.isNull() || (value.isValueNode() && value.asText().isEmpty()) || (value.isContainerNode() && value.isEmpty());
    }

    private static String preview(String body) {
        String b = body.strip();
        return b.isEmpty() ? "is empty" : "starts with '" + Redactor.text(b.length() > 40 ? b.substring(0, 40) + "…" : b) + "'";
    }
}
