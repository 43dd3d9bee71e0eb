package io.cxbridge.retry.state;

import io.cxbridge.model.event.FailedRun;
import java.time.Instant;

/**
 * A failed run's state in Redis: the run (with defaults filled), the consumed payload exactly as it came (a
 * dead-letter record carries it unchanged), the resubmissions made so far and what the last one got.
 */
public record RunRecord(String requestId, String actionId, RunState state, int attempts, Instant firstSeen,
                        Instant nextAttemptAt, Integer lastStatus, String error, Instant updatedAt, FailedRun run,
                        String originalPayload) {

    public static RunRecord pending(FailedRun run, String originalPayload, Instant now) {
        return new RunRecord(run.requestId(), run.actionId(), RunState.pending, 0, now, now, run.lastStatus(), null,
                now, run, originalPayload);
    }

    public RunRecord retryAt(int attempts, Integer status, String error, Instant next, Instant now) {
        return new RunRecord(requestId, actionId, RunState.pending, attempts, firstSeen, next, status, error, now, run,
                originalPayload);
    }

    public RunRecord finished(RunState state, int attempts, Integer status, String error, Instant now) {
        return new RunRecord(requestId, actionId, state, attempts, firstSeen, null, status, error, now, run,
                originalPayload);
    }
}
