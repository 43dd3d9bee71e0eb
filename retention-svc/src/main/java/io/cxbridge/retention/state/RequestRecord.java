package io.cxbridge.retention.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What retention-svc knows about one request, kept in Redis as JSON. The first six fields and {@code latencyMs},
 * {@code error} are the API's view; {@code objectType}, {@code resubmissions}, {@code pollingSince} and
 * {@code overlap} are the worker's bookkeeping (a redelivered record resumes from here).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RequestRecord(
        String requestId,
        RequestState state,
        List<Transition> history,
        String jobId,
        String policyId,
        Integer mergedRetentionPeriod,
        List<String> replacedPolicyIds,
        Long latencyMs,
        String error,
        String objectType,
        int resubmissions,
        Instant pollingSince,
        boolean overlap) {

    public record Transition(RequestState state, Instant at) {}

    public static RequestRecord queued(String requestId, String objectType, Instant at) {
        return new RequestRecord(
                requestId,
                RequestState.queued,
                List.of(new Transition(RequestState.queued, at)),
                null,
                null,
                null,
                List.of(),
                null,
                null,
                objectType,
                0,
                null,
                false);
    }

    /** Moves to {@code next} (recorded in the history); a terminal state also gets its latency from the first one. */
    public RequestRecord to(RequestState next, Instant at) {
        List<Transition> h = new ArrayList<>(history);
        h.add(new Transition(next, at));
        Long latency = latencyMs;
        if (next.terminal() && !history.isEmpty()) {
            latency = Math.max(0L, at.toEpochMilli() - history.get(0).at().toEpochMilli());
        }
        Instant since = next == RequestState.polling && pollingSince == null ? at : pollingSince;
        return new RequestRecord(
                requestId,
                next,
                List.copyOf(h),
                jobId,
                policyId,
                mergedRetentionPeriod,
                replacedPolicyIds,
                latency,
                error,
                objectType,
                resubmissions,
                since,
                overlap);
    }

    public RequestRecord withJob(String id) {
        return new RequestRecord(
                requestId,
                state,
                history,
                id,
                policyId,
                mergedRetentionPeriod,
                replacedPolicyIds,
                latencyMs,
                error,
                objectType,
                resubmissions,
                null,
                overlap);
    }

    public RequestRecord withPolicy(String id) {
        return new RequestRecord(
                requestId,
                state,
                history,
                jobId,
                id,
                mergedRetentionPeriod,
                replacedPolicyIds,
                latencyMs,
                error,
                objectType,
                resubmissions,
                pollingSince,
                overlap);
    }

    public RequestRecord withMerge(int merged, List<String> replaced) {
        return new RequestRecord(
                requestId,
                state,
                history,
                jobId,
                policyId,
                merged,
                List.copyOf(replaced),
                latencyMs,
                error,
                objectType,
                resubmissions + 1,
                pollingSince,
                true);
    }

    public RequestRecord withError(String message) {
        return new RequestRecord(
                requestId,
                state,
                history,
                jobId,
                policyId,
                mergedRetentionPeriod,
                replacedPolicyIds,
                latencyMs,
                message,
                objectType,
                resubmissions,
                pollingSince,
                overlap);
    }

    @JsonIgnore
    public boolean terminal() {
        return state.terminal();
    }
}
