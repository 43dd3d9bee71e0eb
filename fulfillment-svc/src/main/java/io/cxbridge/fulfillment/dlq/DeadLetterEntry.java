package io.cxbridge.fulfillment.dlq;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cxbridge.common.dlq.StoredDeadLetter;
import java.time.Instant;

/**
 * One dead-lettered job as {@code GET /v1/fulfillment/dlq} lists it: the indexed {@link JobDeadLetter} and whether it
 * has been replayed. Never the payload (it carries the sealed token) and never a token. {@code payloadOnlyOnTopic}
 * (true, else absent): the record value was not kept in the index (its payload budget was spent), so it cannot be
 * replayed from here, only from the DLQ topic. {@code dlqStub} (else absent): the DLQ topic holds only a stub of the
 * record (Kafka refused it as too large), with the value's size and SHA-256; without a kept value it is not
 * replayable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterEntry(
        String jobId,
        String fulfillmentId,
        String errorClass,
        String reason,
        int attempts,
        Instant firstSeen,
        Instant deadLetteredAt,
        Instant deadline,
        String traceId,
        boolean replayed,
        int replays,
        Instant replayedAt,
        Boolean payloadOnlyOnTopic,
        JobDeadLetter.DlqStub dlqStub) {

    static DeadLetterEntry of(StoredDeadLetter<JobDeadLetter> stored) {
        JobDeadLetter e = stored.entry();
        return new DeadLetterEntry(
                e.jobId(),
                e.fulfillmentId(),
                e.errorClass(),
                e.reason(),
                e.attempts(),
                e.firstSeen(),
                e.deadLetteredAt(),
                e.deadline(),
                e.traceId(),
                stored.replayed(),
                stored.replays(),
                stored.replayedAt(),
                stored.payloadOmitted() ? Boolean.TRUE : null,
                e.dlqStub());
    }
}
