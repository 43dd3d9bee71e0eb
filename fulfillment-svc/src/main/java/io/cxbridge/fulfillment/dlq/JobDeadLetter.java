package io.cxbridge.fulfillment.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.common.dlq.DeadLetter;
import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FulfillmentJob;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A dead-lettered job as the index keeps it: what the DLQ record's headers say plus when it was written. Never the
 * token (the original record value, its token still sealed, is kept beside it for replay). {@code dlqStub} (null
 * otherwise): Kafka refused the dead letter as too large, so the DLQ topic holds only service-common's stub of it (the
 * value's size and SHA-256); a value the index did not keep is then nowhere to replay from.
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
        String traceId,
        DlqStub dlqStub)
        implements DeadLetter {

    /**
     * The DLQ record is a stub ({@code {"deadLetterStub": {reason, valueBytes, valueSha256}}}, service-common's
     * {@code DeadLetterRecord}): the size (UTF-8 bytes) and SHA-256 of the value it stands for, to match it with the
     * source record.
     */
    public record DlqStub(long valueBytes, String valueSha256) {

        /** The stub a DLQ record value is, or empty for any other value (a job, not JSON). */
        public static Optional<DlqStub> of(String recordValue) {
            if (recordValue == null || !recordValue.startsWith("{\"deadLetterStub\"")) {
                return Optional.empty(); // as DeadLetterRecord writes it: the rebuild reads every record
            }
            try {
                JsonNode stub = Json.mapper().readTree(recordValue).path("deadLetterStub");
                JsonNode bytes = stub.path("valueBytes");
                JsonNode sha = stub.path("valueSha256");
                return bytes.canConvertToLong() && sha.isTextual()
                        ? Optional.of(new DlqStub(bytes.asLong(), sha.asText()))
                        : Optional.empty();
            } catch (Exception e) {
                return Optional.empty();
            }
        }
    }

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
                job.traceId(),
                null);
    }

    /** The same entry, its DLQ record a stub. */
    public JobDeadLetter withDlqStub(DlqStub stub) {
        return new JobDeadLetter(
                jobId, fulfillmentId, errorClass, reason, attempts, firstSeen, deadLetteredAt, deadline, traceId, stub);
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
