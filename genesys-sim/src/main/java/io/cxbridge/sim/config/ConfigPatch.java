package io.cxbridge.sim.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.problem.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a {@code POST /sim/config} body against the current configuration: every violation is reported
 * at once and nothing is applied unless all of them pass.
 */
public final class ConfigPatch {

    public static final Set<String> FIELDS = Set.of(
            "tokenExpiresIn",
            "revokeOnRefresh",
            "rateLimitPerMinute",
            "directorySize",
            "externalLatencyMs",
            "jobCompletionMs");

    /** The outcome: either the new configuration, or the violations. */
    public record Result(SimConfig config, List<Violation> violations) {
        public boolean ok() {
            return violations.isEmpty();
        }
    }

    public static Result apply(SimConfig current, JsonNode body) {
        List<Violation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(new Violation("$", "must be a JSON object"));
            return new Result(current, violations);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!FIELDS.contains(name)) {
                violations.add(new Violation(
                        name,
                        "unknown field; known fields are "
                                + String.join(
                                        ", ",
                                        List.of(
                                                "tokenExpiresIn",
                                                "revokeOnRefresh",
                                                "rateLimitPerMinute",
                                                "directorySize",
                                                "externalLatencyMs",
                                                "jobCompletionMs"))));
            }
        }
        int tokenExpiresIn = (int) integer(
                body, "tokenExpiresIn", current.tokenExpiresIn(), 1, SimConfig.MAX_TOKEN_EXPIRES_IN, violations);
        boolean revokeOnRefresh = bool(body, "revokeOnRefresh", current.revokeOnRefresh(), violations);
        int rateLimit = (int) integer(
                body,
                "rateLimitPerMinute",
                current.rateLimitPerMinute(),
                Integer.MIN_VALUE,
                Integer.MAX_VALUE,
                violations);
        int directorySize = (int)
                integer(body, "directorySize", current.directorySize(), 0, SimConfig.MAX_DIRECTORY_SIZE, violations);
        long externalLatencyMs = integer(
                body,
                "externalLatencyMs",
                current.externalLatencyMs(),
                0,
                SimConfig.MAX_EXTERNAL_LATENCY_MS,
                violations);
        long jobCompletionMs = integer(
                body, "jobCompletionMs", current.jobCompletionMs(), -1, SimConfig.MAX_JOB_COMPLETION_MS, violations);
        if (violations.isEmpty()) {
            return new Result(
                    new SimConfig(
                            tokenExpiresIn,
                            revokeOnRefresh,
                            rateLimit,
                            directorySize,
                            externalLatencyMs,
                            jobCompletionMs),
                    violations);
        }
        return new Result(current, violations);
    }

    /** Checks start-up values with the same rules, so a bad {@code cxbridge.sim.*} value stops the start. */
    public static List<Violation> check(SimConfig config) {
        List<Violation> violations = new ArrayList<>();
        range("cxbridge.sim.token-expires-in", config.tokenExpiresIn(), 1, SimConfig.MAX_TOKEN_EXPIRES_IN, violations);
        range("cxbridge.sim.directory-size", config.directorySize(), 0, SimConfig.MAX_DIRECTORY_SIZE, violations);
        range(
                "cxbridge.sim.external-latency-ms",
                config.externalLatencyMs(),
                0,
                SimConfig.MAX_EXTERNAL_LATENCY_MS,
                violations);
        range(
                "cxbridge.sim.job-completion-ms",
                config.jobCompletionMs(),
                -1,
                SimConfig.MAX_JOB_COMPLETION_MS,
                violations);
        return violations;
    }

    private static void range(String field, long value, long min, long max, List<Violation> violations) {
        if (value < min || value > max) {
            violations.add(new Violation(field, "must be between " + min + " and " + max + ", was " + value));
        }
    }

    private static long integer(
            JsonNode body, String field, long current, long min, long max, List<Violation> violations) {
        JsonNode node = body.get(field);
        if (node == null) {
            return current;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            violations.add(new Violation(field, "must be an integer, was " + describe(node)));
            return current;
        }
        long value = node.longValue();
        if (value < min || value > max) {
            violations.add(new Violation(field, range(min, max) + ", was " + value));
            return current;
        }
        return value;
    }

    private static String range(long min, long max) {
        if (min == Integer.MIN_VALUE && max == Integer.MAX_VALUE) {
            return "must fit in a 32-bit integer";
        }
        return "must be between " + min + " and " + max;
    }

    private static boolean bool(JsonNode body, String field, boolean current, List<Violation> violations) {
        JsonNode node = body.get(field);
        if (node == null) {
            return current;
        }
        if (!node.isBoolean()) {
            violations.add(new Violation(field, "must be true or false, was " + describe(node)));
            return current;
        }
        return node.booleanValue();
    }

    public static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "the string \"" + abbreviate(node.textValue()) + "\"";
        }
        if (node.isContainerNode()) {
            return node.isArray() ? "an array" : "an object";
        }
        return abbreviate(node.toString());
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private ConfigPatch() {}
}
