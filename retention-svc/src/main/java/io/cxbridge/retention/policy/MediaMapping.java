package io.cxbridge.retention.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code media-retention} target's rules and its mapping of a flat policy onto the SDK's {@code Policy}:
 * objectType → {@code mediaPolicies.<callPolicy|chatPolicy|emailPolicy|messagePolicy>}, retentionPeriod → the
 * recording retained and deleted after that many days, filters → the media policy's conditions (ids).
 */
public final class MediaMapping {

    /** Put in the description of every policy cxbridge writes: how a managed policy is recognised. */
    public static final String MARKER = "[managed-by: cxbridge]";

    public static final int MAX_NAME = 200;
    /** cxbridge's own bound: the platform documents none. */
    public static final int MAX_DAYS = 36_500;

    /** objectType → the {@code MediaPolicies} field; sms maps to messagePolicy, which covers every messaging channel. */
    public static final Map<String, String> MEDIA_POLICY =
            Map.of("call", "callPolicy", "chat", "chatPolicy", "email", "emailPolicy", "sms", "messagePolicy");

    /** Filter key → the condition field of {@code *MediaPolicyConditions} (values are ids). */
    public static final Map<String, String> CONDITIONS;

    static {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("queues", "forQueues");
        c.put("users", "forUsers");
        c.put("wrapupCodes", "wrapupCodes");
        c.put("languages", "languages");
        c.put("directions", "directions");
        CONDITIONS = java.util.Collections.unmodifiableMap(c);
    }

    static final Set<String> DIRECTIONS = Set.of("INBOUND", "OUTBOUND");

    public static Optional<String> mediaPolicy(String objectType) {
        return PolicyRules.objectType(objectType).map(MEDIA_POLICY::get);
    }

    public static boolean managed(JsonNode policy) {
        return policy.path("description").asText("").contains(MARKER);
    }

    /** What this target refuses beyond the rules both targets share. */
    public static List<Violation> violations(RetentionPolicy p) {
        List<Violation> out = new ArrayList<>();
        if (p.name() != null && p.name().trim().length() > MAX_NAME) {
            out.add(new Violation("name", "must be 1-" + MAX_NAME + " characters on the media-retention target"));
        }
        if (p.retentionPeriod() != null && p.retentionPeriod() > MAX_DAYS) {
            out.add(new Violation(
                    "retentionPeriod", "must be at most " + MAX_DAYS + " days (was " + p.retentionPeriod() + ")"));
        }
        String type = PolicyRules.objectType(p.objectType()).orElse(null);
        if (type != null && !MEDIA_POLICY.containsKey(type)) {
            out.add(new Violation(
                    "objectType",
                    type + " has no media retention policy: the media-retention target "
                            + "takes call, chat, email or sms"));
        }
        filters(p.filters(), type, out);
        JsonNode resolve = p.resolve();
        if (resolve != null
                && !resolve.isNull()
                && !(resolve.isObject()
                        && resolve.path("replace").isTextual()
                        && !resolve.path("replace").asText().isBlank()
                        && resolve.size() == 1)) {
            out.add(new Violation("resolve", "must be {replace: <id of the policy to disable or delete>}"));
        }
        return out;
    }

    private static void filters(JsonNode filters, String type, List<Violation> out) {
        if (filters == null || filters.isNull()) {
            return;
        }
        if (!filters.isObject()) {
            out.add(new Violation(
                    "filters", "must be an object of filter keys (" + String.join(", ", CONDITIONS.keySet()) + ")"));
            return;
        }
        filters.fieldNames().forEachRemaining(key -> {
            String field = "filters." + key;
            if (!CONDITIONS.containsKey(key)) {
                out.add(new Violation(
                        field, "is not a media retention filter (" + String.join(", ", CONDITIONS.keySet()) + ")"));
                return;
            }
            if (key.equals("directions") && type != null && !type.equals("call")) {
                out.add(new Violation(field, "applies to call policies only (this is a " + type + " policy)"));
                return;
            }
            JsonNode values = filters.get(key);
            boolean ids = values.isArray() && !values.isEmpty();
            for (JsonNode v : values) {
                ids &= v.isTextual() && !v.asText().isBlank();
            }
            if (!ids) {
                out.add(new Violation(field, "must be a non-empty list of ids"));
            } else if (key.equals("directions")) {
                for (JsonNode v : values) {
                    if (!DIRECTIONS.contains(v.asText().trim().toUpperCase(Locale.ROOT))) {
                        out.add(new Violation(field, "must list INBOUND or OUTBOUND (was '" + v.asText() + "')"));
                        return;
                    }
                }
            }
        });
    }

    /** The SDK's {@code Policy} for a valid policy: what cxbridge creates, updates and later compares. */
    public static ObjectNode body(RetentionPolicy p) {
        String type = PolicyRules.objectType(p.objectType()).orElseThrow();
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("name", p.name().trim());
        String description = p.description() == null || p.description().isBlank()
                ? "Retain " + type + " recordings for " + p.retentionPeriod() + " days"
                : p.description().trim();
        out.put("description", description.contains(MARKER) ? description : description + " " + MARKER);
        out.put("enabled", p.enabled());
        ObjectNode media = out.putObject("mediaPolicies").putObject(MEDIA_POLICY.get(type));
        ObjectNode conditions = media.putObject("conditions");
        if (p.filters() != null && p.filters().isObject()) {
            CONDITIONS.forEach((key, condition) -> {
                JsonNode values = p.filters().get(key);
                if (values == null) {
                    return;
                }
                ArrayNode list = conditions.putArray(condition);
                for (JsonNode v : values) {
                    if (key.equals("directions")) {
                        list.add(v.asText().trim().toUpperCase(Locale.ROOT));
                    } else {
                        list.addObject().put("id", v.asText().trim());
                    }
                }
            });
        }
        ObjectNode actions = media.putObject("actions");
        actions.put("retainRecording", true);
        actions.put("deleteRecording", false);
        actions.putObject("retentionDuration").putObject("deleteRetention").put("days", p.retentionPeriod());
        return out;
    }

    private MediaMapping() {}
}
