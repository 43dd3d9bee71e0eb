package io.cxbridge.retention.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.retention.estimate.StorageEstimate;
import io.cxbridge.retention.estimate.StorageEstimator;
import io.cxbridge.retention.policy.MediaMapping;
import io.cxbridge.retention.policy.ValidatedPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Plans a file of valid policies against what Genesys holds. A managed policy (its description carries
 * {@link MediaMapping#MARKER}) is matched by name: none → {@code create}, fields differ → {@code update} with the
 * diff, else {@code unchanged}. An enabled policy not in the file that overlaps an enabled entry with a different
 * retention makes it a {@code conflict} (with {@code prune}, managed policies are never in conflict: those absent
 * from the file are deleted), unless the entry's {@code resolve: {replace}} names that policy. With
 * {@code prune}, managed policies absent from the file are planned {@code delete}; a policy made by hand never is.
 */
public final class MediaPlanner {

    static final String SCHEDULE_NOTE =
            "schedule: not applicable (a media retention policy acts at the end of each " + "conversation); ignored";

    public static MediaPlan plan(List<ValidatedPolicy> file, List<JsonNode> existing, boolean prune) {
        Map<String, JsonNode> managed = new HashMap<>();
        for (JsonNode p : existing) {
            if (MediaMapping.managed(p)) {
                managed.putIfAbsent(p.path("name").asText(), p);
            }
        }
        Set<String> names = new HashSet<>();
        file.forEach(v -> names.add(v.payload().path("name").asText()));
        Set<String> replaced = new HashSet<>();
        List<MediaPlan.Entry> entries = new ArrayList<>();
        for (ValidatedPolicy v : file) {
            JsonNode body = v.payload();
            String name = body.path("name").asText();
            String media = MediaMapping.MEDIA_POLICY.get(v.objectType());
            JsonNode current = managed.get(name);
            List<String> notes = new ArrayList<>();
            if (v.policy().schedule() != null) {
                notes.add(SCHEDULE_NOTE);
            }
            List<JsonNode> conflicts = new ArrayList<>();
            if (body.path("enabled").asBoolean()) {
                for (JsonNode p : existing) {
                    // a managed policy in the file is planned on its own; with prune, one absent is deleted
                    boolean planned = MediaMapping.managed(p)
                            && (prune || names.contains(p.path("name").asText()));
                    if (p != current
                            && !planned
                            && p.path("enabled").asBoolean(false)
                            && PolicyDiff.overlap(body, p, media)
                            && !Objects.equals(
                                    PolicyDiff.deleteAfterDays(body, media), PolicyDiff.deleteAfterDays(p, media))) {
                        conflicts.add(p);
                    }
                }
            }
            MediaPlan.Replacement replaces = null;
            JsonNode resolve = v.policy().resolve();
            if (resolve != null && resolve.path("replace").isTextual()) {
                String id = resolve.path("replace").asText();
                JsonNode target = existing.stream()
                        .filter(p -> id.equals(p.path("id").asText()))
                        .findFirst()
                        .orElse(null);
                if (target == null) {
                    notes.add("resolve.replace: no policy " + id + " exists; nothing to replace");
                } else if (!target.path("enabled").asBoolean(false) || target == current) {
                    notes.add("resolve.replace: " + id + " is already disabled or is this policy; nothing to replace");
                } else {
                    String how = MediaMapping.managed(target) ? "delete" : "disable";
                    replaces = new MediaPlan.Replacement(id, target.path("name").asText(null), how, target);
                    replaced.add(id);
                    conflicts.removeIf(p -> p == target);
                    notes.add("replaces " + id + " (" + target.path("name").asText() + "): " + how);
                }
            }
            List<PolicyDiff.Change> diff = current == null ? null : PolicyDiff.diff(current, body);
            String action;
            if (!conflicts.isEmpty()) {
                action = MediaPlan.CONFLICT;
                replaces = null;
            } else if (current == null) {
                action = MediaPlan.CREATE;
            } else if (!diff.isEmpty() || replaces != null) {
                action = MediaPlan.UPDATE;
            } else {
                action = MediaPlan.UNCHANGED;
            }
            entries.add(new MediaPlan.Entry(
                    name,
                    action,
                    v.objectType(),
                    current == null ? null : current.path("id").asText(null),
                    action.equals(MediaPlan.UPDATE) ? diff : null,
                    conflicts.isEmpty()
                            ? null
                            : conflicts.stream().map(MediaPlanner::ref).toList(),
                    replaces,
                    notes.isEmpty() ? null : notes,
                    body));
        }
        if (prune) {
            for (JsonNode p : existing) {
                String id = p.path("id").asText(null);
                if (MediaMapping.managed(p) && !names.contains(p.path("name").asText()) && !replaced.contains(id)) {
                    entries.add(new MediaPlan.Entry(
                            p.path("name").asText(),
                            MediaPlan.DELETE,
                            null,
                            id,
                            null,
                            null,
                            null,
                            List.of("managed by cxbridge and absent from the file"),
                            null));
                }
            }
        }
        return new MediaPlan(entries, estimate(file));
    }

    private static MediaPlan.PolicyRef ref(JsonNode p) {
        return new MediaPlan.PolicyRef(p.path("id").asText(null), p.path("name").asText(null));
    }

    /** The storage the policies that give dailyVolumeGB would keep, summed; null when none gives it. */
    static Map<String, Object> estimate(List<ValidatedPolicy> file) {
        double gb = 0;
        int counted = 0;
        for (ValidatedPolicy v : file) {
            Double volume = v.policy().dailyVolumeGB();
            if (volume != null) {
                StorageEstimate e = StorageEstimator.estimate(v.objectType(), v.retentionPeriod(), volume);
                gb += e.projectedStorageGB();
                counted++;
            }
        }
        if (counted == 0) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policies", counted);
        out.put("projectedStorageGB", Math.round(gb * 100) / 100.0);
        out.put("projectedStorageTB", Math.round(gb / 1024 * 100) / 100.0);
        return out;
    }

    private MediaPlanner() {}
}
