package io.cxbridge.model.retry;

import io.cxbridge.model.event.FailedRun;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A failed run's state, as retry-svc keeps it in Redis and journals it to {@code cxbridge.dataactions.retry-state.v1}
 * (its system of record): the run (with defaults filled, its trace id included), the consumed payload exactly as it
 * came (a dead-letter record carries it unchanged), the resubmissions made so far (with when each went and what it got)
 * and, for a replayed dead letter, when it was replayed.
 */
public record RunRecord(
        @NotNull String requestId,
        @NotNull String actionId,
        @NotNull RunState state,
        int attempts,
        @NotNull Instant firstSeen,
        Instant nextAttemptAt,
        Integer lastStatus,
        String error,
        @NotNull Instant updatedAt,
        @NotNull FailedRun run,
        String originalPayload,
        List<AttemptLog> history,
        Instant replayedAt) {

    /**
     * One resubmission: its number (1-based), when it was sent, when its outcome came back, the status it got (null:
     * no answer). The next attempt's delay counts from {@code answeredAt}.
     */
    public record AttemptLog(int attempt, Instant at, Instant answeredAt, Integer status) {}

    public RunRecord {
        history = history == null ? List.of() : List.copyOf(history);
    }

    public static RunRecord pending(FailedRun run, String originalPayload, Instant now) {
        return pending(run, originalPayload, now, now, null);
    }

    public static RunRecord pending(
            FailedRun run, String originalPayload, Instant now, Instant due, Instant replayedAt) {
        // An incoming attempt counts: a run that already failed twice elsewhere is on its third attempt here.
        int attempts = run.attempt() == null ? 0 : run.attempt();
        return new RunRecord(
                run.requestId(),
                run.actionId(),
                RunState.pending,
                attempts,
                now,
                due,
                run.lastStatus(),
                null,
                now,
                run,
                originalPayload,
                List.of(),
                replayedAt);
    }

    public RunRecord retryAt(int attempts, Integer status, String error, Instant next, Instant now) {
        return new RunRecord(
                requestId,
                actionId,
                RunState.pending,
                attempts,
                firstSeen,
                next,
                status,
                error,
                now,
                run,
                originalPayload,
                history,
                replayedAt);
    }

    /** Waits until {@code next} without spending an attempt (an open breaker, a call the client did not send). */
    public RunRecord deferredTo(Instant next, Instant now) {
        return new RunRecord(
                requestId,
                actionId,
                RunState.pending,
                attempts,
                firstSeen,
                next,
                lastStatus,
                error,
                now,
                run,
                originalPayload,
                history,
                replayedAt);
    }

    public RunRecord finished(RunState state, int attempts, Integer status, String error, Instant now) {
        return new RunRecord(
                requestId,
                actionId,
                state,
                attempts,
                firstSeen,
                null,
                status,
                error,
                now,
                run,
                originalPayload,
                history,
                replayedAt);
    }

    /** The same record with one more attempt logged. */
    public RunRecord logged(int attempt, Instant sentAt, Instant answeredAt, Integer status) {
        List<AttemptLog> h = new ArrayList<>(history);
        h.add(new AttemptLog(attempt, sentAt, answeredAt, status));
        return new RunRecord(
                requestId,
                actionId,
                state,
                attempts,
                firstSeen,
                nextAttemptAt,
                lastStatus,
                error,
                updatedAt,
                run,
                originalPayload,
                h,
                replayedAt);
    }

    public RunRecord replayed(Instant at) {
        return new RunRecord(
                requestId,
                actionId,
                RunState.replayed,
                attempts,
                firstSeen,
                null,
                lastStatus,
                error,
                at,
                run,
                originalPayload,
                history,
                at);
    }
}
