package io.cxbridge.fulfillment.dlq;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One dead-lettered job as {@code GET /v1/fulfillment/dlq} lists it: what the DLQ record's headers say
 * ({@code errorClass}, {@code reason}, {@code attempts}, {@code firstSeen}) plus when it was written and whether it
 * has been replayed. Never the payload (it carries the sealed token) and never a token.
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
        Instant replayedAt) {

    public DeadLetterEntry replayedAt(Instant at) {
        return new DeadLetterEntry(jobId, fulfillmentId, errorClass, reason, attempts, firstSeen, deadLetteredAt,
                deadline, traceId, true, replays + 1, at);
    }
}
