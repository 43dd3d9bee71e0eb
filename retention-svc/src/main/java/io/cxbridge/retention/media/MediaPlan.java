package io.cxbridge.retention.media;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A plan for the media-retention target: {@code policies} in the order of the file (then the prune deletions) and
 * the storage {@code estimate} of the policies that give {@code dailyVolumeGB} (null when none does).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MediaPlan(List<Entry> policies, Map<String, Object> estimate) {

    public static final String CREATE = "create";
    public static final String UPDATE = "update";
    public static final String UNCHANGED = "unchanged";
    public static final String CONFLICT = "conflict";
    public static final String DELETE = "delete";

    /** A policy named by another entry: {@code id}, {@code name}. */
    public record PolicyRef(String id, String name) {}

    /**
     * One policy's planned action. {@code policyId}: the existing policy it updates or deletes; {@code diff}: the
     * fields an update changes (before: Genesys, after: the file); {@code conflictsWith}: the enabled policies not in
     * the file that it overlaps with a different retention; {@code replaces}: the policy its
     * {@code resolve: {replace}} disables (made by hand) or deletes (managed) first.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            String name,
            String action,
            String objectType,
            String policyId,
            List<PolicyDiff.Change> diff,
            List<PolicyRef> conflictsWith,
            Replacement replaces,
            List<String> notes,
            @JsonIgnore JsonNode body) {

        @JsonIgnore
        public boolean writes() {
            return action.equals(CREATE) || action.equals(UPDATE) || action.equals(DELETE);
        }
    }

    /** {@code how}: {@code delete} (a managed policy) or {@code disable} (one made by hand). */
    public record Replacement(
            String id, String name, String how, @JsonIgnore JsonNode current) {}
}
