package io.cxbridge.fulfillment.dlq;

import io.cxbridge.common.dlq.DeadLetter;
import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.model.event.FulfillmentJob;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A dead-lettered job as the index keeps it: what the DLQ record's headers say plus when it was written. Never the
 * token (the original record value, its token still sealed, is kept beside it for replay).
 */
public record JobDeadLetter(
        String jobId,
        String fulfillmentId,
        String errorClass,
        String reason,
        int attempts,
        Instant firstSeen,
        Instant deadLetteredAt,
        Instant deadline,
        String traceId)
        implements DeadLetter {

    /**
     * The dead-letter time in whole milliseconds: a rebuild reads it back from the DLQ record's timestamp. The
     * fulfillmentId and trace id of an invalid job may be any length: bounded, as the listings show them.
     */
    public JobDeadLetter {
        fulfillmentId = BoundedId.of(fulfillmentId);
        traceId = BoundedId.of(traceId);
        deadLetteredAt = deadLetteredAt == null ? null : deadLetteredAt.truncatedTo(ChronoUnit.MILLIS);
    }

    public static JobDeadLetter of(
            FulfillmentJob job, String errorClass, String reason, int attempts, Instant firstSeen, Instant now) {
        return new JobDeadLetter(
                job.jobId(),
                job.fulfillmentId(),
                errorClass,
                reason,
                attempts,
                firstSeen,
                now,
                job.deadline(),
                job.traceId());
    }

    @Override
    public String id() {
        return jobId;
    }

    /** Jobs have no group: the index lists them all in one set. */
    @Override
    public String group() {
        return null;
    }
}
