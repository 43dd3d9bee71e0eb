package io.cxbridge.fulfillment.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
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
        Copy c = new Copy(this);
        c.state = next;
        return c.build();
    }

    public JobRecord externalDone(int attempts, Instant at, String code, String message) {
        Copy c = new Copy(this);
        c.attempts = attempts;
        c.errorCode = code;
        c.errorMessage = message;
        c.externalDoneAt = at;
        c.externalMs = startedAt == null ? null : millisBetween(startedAt, at);
        return c.build();
    }

    /**
     * Milliseconds from {@code from} to {@code to}, at least 0, saturated: a job's instants come from the record and
     * may be millions of years away, where {@code toEpochMilli} overflows (a throw here retried the job for ever).
     */
    static long millisBetween(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        if (d.isNegative()) {
            return 0;
        }
        return d.compareTo(MAX_MILLIS) >= 0 ? Long.MAX_VALUE : d.toMillis();
    }

    private static final Duration MAX_MILLIS = Duration.ofMillis(Long.MAX_VALUE);

    public JobRecord finished(JobState terminal, int callbackAttempts, Instant at) {
        Copy c = new Copy(this);
        c.state = terminal;
        c.callbackAttempts = callbackAttempts;
        c.finishedAt = at;
        c.totalMs = receivedAt == null ? null : millisBetween(receivedAt, at);
        return c.build();
    }

    public JobRecord withError(String code, String message) {
        Copy c = new Copy(this);
        c.errorCode = code;
        c.errorMessage = message;
        return c.build();
    }

    /** Carries the replay count of an earlier record of the same job into a new run's record. */
    public JobRecord replayHistory(JobRecord earlier) {
        if (earlier == null || earlier.replays() == null) {
            return this;
        }
        Copy c = new Copy(this);
        c.replays = earlier.replays();
        c.replayedAt = earlier.replayedAt();
        return c.build();
    }

    /** The record of a job handed back to the jobs topic from the DLQ. */
    public JobRecord replayed(Instant at) {
        Copy c = new Copy(this);
        c.state = JobState.replayed;
        c.replays = replays == null ? 1 : replays + 1;
        c.replayedAt = at;
        return c.build();
    }

    /** The one place that copies every field: each change above sets only what it changes. */
    private static final class Copy {
        private final String jobId;
        private final String fulfillmentId;
        private JobState state;
        private int attempts;
        private int callbackAttempts;
        private String errorCode;
        private String errorMessage;
        private final Instant receivedAt;
        private final Instant deadline;
        private final Instant startedAt;
        private Instant externalDoneAt;
        private Instant finishedAt;
        private Long externalMs;
        private Long totalMs;
        private Integer replays;
        private Instant replayedAt;

        private Copy(JobRecord r) {
            jobId = r.jobId;
            fulfillmentId = r.fulfillmentId;
            state = r.state;
            attempts = r.attempts;
            callbackAttempts = r.callbackAttempts;
            errorCode = r.errorCode;
            errorMessage = r.errorMessage;
            receivedAt = r.receivedAt;
            deadline = r.deadline;
            startedAt = r.startedAt;
            externalDoneAt = r.externalDoneAt;
            finishedAt = r.finishedAt;
            externalMs = r.externalMs;
            totalMs = r.totalMs;
            replays = r.replays;
            replayedAt = r.replayedAt;
        }

        private JobRecord build() {
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
                    replays,
                    replayedAt);
        }
    }
}
