package io.cxbridge.retention.media;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cxbridge.model.Json;
import io.cxbridge.retention.policy.MediaMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares media retention policies field by field. Only what cxbridge manages is compared: {@code name},
 * {@code description}, {@code enabled} and {@code mediaPolicies} (ids, dates and errors the platform adds are not);
 * a list of objects is compared as its set of ids, a list of values as a set; nulls, empty lists and empty objects
 * count as absent, so a platform that echoes {@code []} for an unset condition is not a change.
 */
public final class PolicyDiff {

    /** One changed field: {@code path} dotted ({@code mediaPolicies.callPolicy.actions...}), absent is null. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Change(String path, JsonNode before, JsonNode after) {}

    static final List<String> COMPARED = List.of("name", "description", "enabled", "mediaPolicies");

    /** The changes from {@code before} to {@code after}, sorted by path. */
    public static List<Change> diff(JsonNode before, JsonNode after) {
        Map<String, JsonNode> from = flatten(before);
        Map<String, JsonNode> to = flatten(after);
        Set<String> paths = new TreeSet<>(from.keySet());
        paths.addAll(to.keySet());
        List<Change> out = new ArrayList<>();
        for (String path : paths) {
            if (!Objects.equals(from.get(path), to.get(path))) {
                out.add(new Change(path, from.get(path), to.get(path)));
            }
        }
        return out;
    }

    static Map<String, JsonNode> flatten(JsonNode policy) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (String field : COMPARED) {
            flatten(field, policy.get(field), out);
        }
        return out;
    }

    private static void flatten(String path, JsonNode node, Map<String, JsonNode> out) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode() && node.isEmpty()) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(path + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray()) {
            out.put(path, asSet(node));
        } else {
            out.put(path, node);
        }
    }

    /** A list as a sorted list of its ids (objects with an id) or values. */
    private static JsonNode asSet(JsonNode array) {
        Set<String> values = new TreeSet<>();
        for (JsonNode v : array) {
            values.add(
                    v.isObject() && v.has("id") ? v.get("id").asText() : v.isValueNode() ? v.asText() : v.toString());
        }
        ArrayNode out = Json.mapper().createArrayNode();
        values.forEach(out::add);
        return out;
    }

    /** The days after which {@code policy}'s media policy deletes recordings, or null. */
    public static Integer deleteAfterDays(JsonNode policy, String mediaPolicy) {
        JsonNode days = policy.path("mediaPolicies")
                .path(mediaPolicy)
                .path("actions")
                .path("retentionDuration")
                .path("deleteRetention")
                .path("days");
        return days.canConvertToInt() ? days.asInt() : null;
    }

    /**
     * Whether two policies overlap for one media type: both have that media policy and, for every filter condition
     * present in both, their value sets intersect (a condition absent from one means "all"). Date ranges, time
     * allowed, teams and durations are not compared.
     */
    public static boolean overlap(JsonNode a, JsonNode b, String mediaPolicy) {
        JsonNode ma = a.path("mediaPolicies").path(mediaPolicy);
        JsonNode mb = b.path("mediaPolicies").path(mediaPolicy);
        if (!ma.isObject() || !mb.isObject()) {
            return false;
        }
        for (String condition : MediaMapping.CONDITIONS.values()) {
            JsonNode ca = ma.path("conditions").path(condition);
            JsonNode cb = mb.path("conditions").path(condition);
            if (ca.isArray() && !ca.isEmpty() && cb.isArray() && !cb.isEmpty()) {
                Set<String> common = new TreeSet<>();
                asSet(ca).forEach(v -> common.add(v.asText()));
                Set<String> other = new TreeSet<>();
                asSet(cb).forEach(v -> other.add(v.asText()));
                common.retainAll(other);
                if (common.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    private PolicyDiff() {}
}
