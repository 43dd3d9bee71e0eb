package io.cxbridge.common.kafka;

import io.cxbridge.model.Headers;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The spec's dead-letter record, the same for every DLQ: the original payload unchanged, keyed as the source
 * record was, with {@code cxbridge-error-class}, {@code cxbridge-error-reason}, {@code cxbridge-attempts} and
 * {@code cxbridge-first-seen}. A reason is written by the service and must never quote a secret.
 */
public final class DeadLetterRecord {

    public static Message<String> of(
            String key, String payload, String errorClass, String reason, int attempts, Instant firstSeen) {
        return of(key, payload, errorClass, reason, attempts, firstSeen, null, null);
    }

    /**
     * The same, with {@code cxbridge-dlq-id} (the id of the entry in the service's DLQ index, so the index can be
     * rebuilt from the topic with the same ids after a Redis data loss) and the record's timestamp set to
     * {@code deadLetteredAt} (whole milliseconds, Kafka's unit: a rebuild reads the dead-letter time back from it, so
     * the index entry and the record must agree). Null leaves either out (the timestamp is then the send time).
     */
    public static Message<String> of(
            String key,
            String payload,
            String errorClass,
            String reason,
            int attempts,
            Instant firstSeen,
            String dlqId,
            Instant deadLetteredAt) {
        RecordHeaders headers = new RecordHeaders();
        if (dlqId != null) {
            headers.add(Headers.DLQ_ID, bytes(dlqId));
        }
        headers.add(Headers.ERROR_CLASS, bytes(errorClass));
        headers.add(Headers.ERROR_REASON, bytes(reason));
        headers.add(Headers.ATTEMPTS, bytes(String.valueOf(attempts)));
        headers.add(Headers.FIRST_SEEN, bytes(firstSeen.toString()));
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta =
                OutgoingKafkaRecordMetadata.<String>builder().withHeaders(headers);
        if (key != null) {
            meta = meta.withKey(key);
        }
        if (deadLetteredAt != null) {
            meta = meta.withTimestamp(deadLetteredAt);
        }
        return Message.of(payload).addMetadata(meta.build());
    }

    private static byte[] bytes(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }

    private DeadLetterRecord() {}
}
