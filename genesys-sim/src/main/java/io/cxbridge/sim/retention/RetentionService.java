package io.cxbridge.sim.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.Ids;
import io.cxbridge.sim.config.RuntimeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Retention policies and their deployment jobs. A job is RUNNING until {@code jobCompletionMs} (as configured
 * when it was submitted) has passed, then COMPLETED: only then is its policy stored and the policies named in its
 * {@code replacesPolicyIds} removed. Jobs complete lazily, whenever retention state is read, so no timer runs.
 * Overlap (409) is checked against stored policies only: a policy whose job is still running is not yet a policy.
 */
@ApplicationScoped
public class RetentionService {

    public static final String POLICIES_PATH = "/api/v2/datamanagement/retention/policies";
    public static final int OVERLAP_DAYS = 15;

    /** What a submission gives. */
    public sealed interface Submission {}

    public record Accepted(String jobId) implements Submission {}

    public record Conflict(List<String> conflictingPolicyIds, String objectType) implements Submission {}

    public record Invalid(String message) implements Submission {}

    private static final class Job {
        final String id;
        final ObjectNode policy;
        final List<String> replaces;
        final Instant created;
        final long dueAtMillis;
        final String failure;
        String status = "RUNNING";
        String policyId;
        Instant completed;

        Job(String id, ObjectNode policy, List<String> replaces, Instant created, long dueAtMillis, String failure) {
            this.id = id;
            this.policy = policy;
            this.replaces = replaces;
            this.created = created;
            this.dueAtMillis = dueAtMillis;
            this.failure = failure;
        }
    }

    private final RuntimeConfig config;
    private final Clock clock;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, ObjectNode> policies = new LinkedHashMap<>();
    private int failNext;
    private String failMessage;

    public RetentionService(RuntimeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public synchronized Submission submit(JsonNode body) {
        settle();
        if (body == null || !body.isObject()) {
            return new Invalid("The request body must be a JSON object");
        }
        JsonNode objectType = body.get("objectType");
        if (objectType == null
                || !objectType.isTextual()
                || objectType.textValue().isBlank()) {
            return new Invalid("objectType is required (a string)");
        }
        JsonNode period = body.get("retentionPeriod");
        if (period == null || !period.isIntegralNumber() || !period.canConvertToInt() || period.intValue() < 1) {
            return new Invalid("retentionPeriod is required (a whole number of days, at least 1)");
        }
        List<String> replaces = new ArrayList<>();
        JsonNode replacesNode = body.get("replacesPolicyIds");
        if (replacesNode != null && !replacesNode.isNull()) {
            if (!replacesNode.isArray()) {
                return new Invalid("replacesPolicyIds must be an array of policy ids");
            }
            for (JsonNode id : replacesNode) {
                if (!id.isTextual()) {
                    return new Invalid("replacesPolicyIds must be an array of policy ids");
                }
                replaces.add(id.textValue());
            }
        }
        List<String> conflicts = new ArrayList<>();
        for (ObjectNode existing : policies.values()) {
            String id = existing.path("id").asText();
            if (existing.path("objectType").asText().equalsIgnoreCase(objectType.textValue())
                    && Math.abs(existing.path("retentionPeriod").asLong() - period.longValue()) <= OVERLAP_DAYS
                    && !replaces.contains(id)) {
                conflicts.add(id);
            }
        }
        if (!conflicts.isEmpty()) {
            return new Conflict(conflicts, objectType.textValue());
        }
        ObjectNode policy = ((ObjectNode) body).deepCopy();
        policy.remove("replacesPolicyIds");
        long completion = config.get().jobCompletionMs();
        Instant now = clock.instant();
        String failure = null;
        if (failNext > 0) {
            failNext--;
            failure = failMessage;
        }
        Job job = new Job(
                Ids.newEventId(),
                policy,
                replaces,
                now,
                completion < 0 ? -1 : now.toEpochMilli() + completion,
                failure);
        jobs.put(job.id, job);
        settle();
        return new Accepted(job.id);
    }

    public synchronized Optional<ObjectNode> job(String id) {
        settle();
        Job job = jobs.get(id);
        if (job == null) {
            return Optional.empty();
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("id", job.id);
        out.put("status", job.status);
        out.put("dateCreated", job.created.toString());
        if (job.completed != null) {
            out.put("dateCompleted", job.completed.toString());
        }
        if ("COMPLETED".equals(job.status)) {
            out.putObject("result").put("policyId", job.policyId);
        } else if ("FAILED".equals(job.status)) {
            out.put("errorMessage", job.failure);
        }
        return Optional.of(out);
    }

    public synchronized List<ObjectNode> policies() {
        settle();
        return policies.values().stream().map(ObjectNode::deepCopy).toList();
    }

    public synchronized Optional<ObjectNode> policy(String id) {
        settle();
        return Optional.ofNullable(policies.get(id)).map(ObjectNode::deepCopy);
    }

    public synchronized boolean deletePolicy(String id) {
        settle();
        return policies.remove(id) != null;
    }

    /** Makes the next {@code count} submitted jobs end FAILED with {@code message}. */
    public synchronized void failNext(int count, String message) {
        failNext = count;
        failMessage = message;
    }

    public synchronized void reset() {
        jobs.clear();
        policies.clear();
        failNext = 0;
        failMessage = null;
    }

    private void settle() {
        long now = clock.millis();
        List<Job> due = new ArrayList<>();
        for (Job job : jobs.values()) {
            if ("RUNNING".equals(job.status) && job.dueAtMillis >= 0 && job.dueAtMillis <= now) {
                due.add(job);
            }
        }
        due.sort(Comparator.comparingLong(j -> j.dueAtMillis));
        for (Job job : due) {
            job.completed = Instant.ofEpochMilli(Math.max(job.dueAtMillis, job.created.toEpochMilli()));
            if (job.failure != null) {
                job.status = "FAILED";
                continue;
            }
            String policyId = Ids.newEventId();
            ObjectNode stored = Json.mapper().createObjectNode();
            stored.put("id", policyId);
            stored.setAll(job.policy);
            stored.put("id", policyId);
            stored.put("selfUri", POLICIES_PATH + "/" + policyId);
            job.replaces.forEach(policies::remove);
            policies.put(policyId, stored);
            job.policyId = policyId;
            job.status = "COMPLETED";
        }
    }
}
