package io.cxbridge.fulfillment.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A job's state in Redis and on {@code GET /v1/fulfillment/jobs/{jobId}}. Never holds the fulfillment token.
 * {@code attempts} counts external API calls, {@code callbackAttempts} posts to the fulfillment URL (both of the
 * latest run); {@code replays} counts replays from the DLQ, the last at {@code replayedAt}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(
        String jobId,
        String fulfillmentId,
        JobState state,
        int attempts,
        int callbackAttempts,
        String errorCode,
        String errorMessage,
        Instant receivedAt,
        Instant deadline,
        Instant startedAt,
        Instant externalDoneAt,
        Instant finishedAt,
        Long externalMs,
        Long totalMs,
        Integer replays,
        Instant replayedAt) {

    public static JobRecord queued(
            String jobId, String fulfillmentId, Instant receivedAt, Instant deadline, Instant now) {
        return new JobRecord(
                jobId,
                fulfillmentId,
                JobState.queued,
                0,
                0,
                null,
                null,
                receivedAt,
                deadline,
                now,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    public JobRecord to(JobState next) {
        return new JobRecord(
                jobId,
                fulfillmentId,
                next,
                attempts,
                callbackAttempts,
                errorCode,
                errorMessage,
                receivedAt,
                deadline,
                startedAt,
                externalDoneAt,
                finishedAt,
                externalMs,
                totalMs,
                replays,
                replayedAt);
    }

    public JobRecord externalDone(int attempts, Instant at, String code, String message) {
        Long ms = startedAt == null ? null : Math.max(0, at.toEpochMilli() - startedAt.toEpochMilli());
        return new JobRecord(
                jobId,
                fulfillmentId,
                state,
                attempts,
                callbackAttempts,
                code,
                message,
                receivedAt,
                deadline,
                startedAt,
                at,
                finishedAt,
                ms,
                totalMs,
                replays,
                replayedAt);
    }

    public JobRecord finished(JobState terminal, int callbackAttempts, Instant at) {
        Long total = receivedAt == null ? null : Math.max(0, at.toEpochMilli() - receivedAt.toEpochMilli());
        return new JobRecord(
                jobId,
                fulfillmentId,
                terminal,
                attempts,
                callbackAttempts,
                errorCode,
                errorMessage,
                receivedAt,
                deadline,
                startedAt,
                externalDoneAt,
                at,
                externalMs,
                total,
                replays,
                replayedAt);
    }

    public JobRecord withError(String code, String message) {
        return new JobRecord(
                jobId,
                fulfillmentId,
                state,
                attempts,
                callbackAttempts,
                code,
                message,
                receivedAt,
                deadline,
                startedAt,
                externalDoneAt,
                finishedAt,
                externalMs,
                totalMs,
                replays,
                replayedAt);
    }

    /** Carries the replay count of an earlier record of the same job into a new run's record. */
    public JobRecord replayHistory(JobRecord earlier) {
        if (earlier == null || earlier.replays() == null) {
            return this;
        }
        return new JobRecord(
                jobId,
                fulfillmentId,
                state,
                attempts,
                callbackAttempts,
                errorCode,
                errorMessage,
                receivedAt,
                deadline,
                startedAt,
                externalDoneAt,
                finishedAt,
                externalMs,
                totalMs,
                earlier.replays(),
                earlier.replayedAt());
    }

    /** The record of a job handed back to the jobs topic from the DLQ. */
    public JobRecord replayed(Instant at) {
        return new JobRecord(
                jobId,
                fulfillmentId,
                JobState.replayed,
                attempts,
                callbackAttempts,
                errorCode,
                errorMessage,
                receivedAt,
                deadline,
                startedAt,
                externalDoneAt,
                finishedAt,
                externalMs,
                totalMs,
                replays == null ? 1 : replays + 1,
                at);
    }
}
