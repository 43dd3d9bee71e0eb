package io.cxbridge.sim.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.sim.config.ConfigPatch;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code POST /sim/actions/run} body: {@code url} (absolute http or https), {@code headers} (names to
 * string values), {@code body} (any JSON; absent: no body) and {@code timeoutMs} (1..600000, default 60000, the
 * platform's longest Data Action timeout).
 */
public record ActionRun(URI url, Map<String, String> headers, JsonNode body, long timeoutMs) {

    public static final long DEFAULT_TIMEOUT_MS = 60_000;
    public static final long MAX_TIMEOUT_MS = 600_000;
    private static final Set<String> FIELDS = Set.of("url", "headers", "body", "timeoutMs");

    /** The outcome: a run, or every violation. */
    public record Parsed(ActionRun run, List<Violation> violations) {}

    public static Parsed parse(JsonNode json) {
        List<Violation> violations = new ArrayList<>();
        if (json == null || !json.isObject()) {
            violations.add(new Violation("$", "must be a JSON object"));
            return new Parsed(null, violations);
        }
        json.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                violations.add(new Violation(name, "unknown field; known fields are url, headers, body, timeoutMs"));
            }
        });
        URI url = null;
        JsonNode u = json.get("url");
        if (u == null || !u.isTextual()) {
            violations.add(
                    new Violation("url", "is required: an absolute http or https URL, was " + ConfigPatch.describe(u)));
        } else {
            try {
                URI parsed = new URI(u.textValue());
                if (parsed.getScheme() == null
                        || !Set.of("http", "https").contains(parsed.getScheme())
                        || parsed.getHost() == null) {
                    violations.add(new Violation("url", "must be an absolute http or https URL with a host"));
                } else {
                    url = parsed;
                }
            } catch (java.net.URISyntaxException e) {
                violations.add(new Violation("url", "is not a URL: " + e.getReason()));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = json.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                violations.add(new Violation("headers", "must be an object of header names to strings"));
            } else {
                h.fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        violations.add(new Violation(
                                "headers." + e.getKey(),
                                "must be a string, was " + ConfigPatch.describe(e.getValue())));
                    } else {
                        headers.put(e.getKey(), e.getValue().textValue());
                    }
                });
            }
        }
        long timeoutMs = DEFAULT_TIMEOUT_MS;
        JsonNode t = json.get("timeoutMs");
        if (t != null && !t.isNull()) {
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.longValue() < 1 || t.longValue() > MAX_TIMEOUT_MS) {
                violations.add(new Violation(
                        "timeoutMs",
                        "must be a whole number of milliseconds from 1 to " + MAX_TIMEOUT_MS + ", was "
                                + ConfigPatch.describe(t)));
            } else {
                timeoutMs = t.longValue();
            }
        }
        JsonNode body = json.get("body");
        if (!violations.isEmpty()) {
            return new Parsed(null, violations);
        }
        return new Parsed(new ActionRun(url, Map.copyOf(headers), body, timeoutMs), violations);
    }
}
