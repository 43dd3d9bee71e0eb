package io.cxbridge.common.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The spec's dead-letter record, the same for every DLQ: the original payload unchanged, keyed as the source
 * record was, with {@code cxbridge-error-class}, {@code cxbridge-error-reason}, {@code cxbridge-attempts} and
 * {@code cxbridge-first-seen}. A reason is written by the service and must never quote a secret.
 *
 * <p>{@link #send} falls back to a stub when Kafka refuses the record as too large (a value over the DLQ producer's
 * {@code max.request.size} or the broker's limit, a key of hundreds of KB): the failure is the record's, no retry
 * mends it, and failing the consumer with it stopped the channel on the same record after every restart.
 */
public final class DeadLetterRecord {

    private static final Logger LOG = Logger.getLogger(DeadLetterRecord.class);

    /** The longest reason a stub keeps (chars): a reason is a sentence a person reads. */
    static final int MAX_STUB_REASON_CHARS = 1024;

    /** A dead letter before it is a record: what {@link #send} builds the record, or its stub, from. */
    public record Parts(
            String key,
            String payload,
            String errorClass,
            String reason,
            int attempts,
            Instant firstSeen,
            String dlqId,
            Instant deadLetteredAt) {

        public Message<String> record() {
            return of(key, payload, errorClass, reason, attempts, firstSeen, dlqId, deadLetteredAt);
        }

        /**
         * What stands for the record when Kafka refused it as too large: the same headers (the reason bounded), the
         * key bounded ({@link BoundedId}), and as value {@code {"deadLetterStub": {reason, valueBytes, valueSha256}}}
         * (the value's UTF-8 size and SHA-256, so it can be matched with the source record, which keeps it).
         */
        public Message<String> stub(String refusal) {
            byte[] value = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
            ObjectNode stub = Json.mapper().createObjectNode();
            stub.putObject("deadLetterStub")
                    .put("reason", refusal)
                    .put("valueBytes", value.length)
                    .put("valueSha256", BoundedId.sha256(value));
            String shortReason = reason == null || reason.length() <= MAX_STUB_REASON_CHARS
                    ? reason
                    : reason.substring(0, MAX_STUB_REASON_CHARS) + "...";
            return of(
                    BoundedId.of(key),
                    stub.toString(),
                    errorClass,
                    shortReason,
                    attempts,
                    firstSeen,
                    BoundedId.of(dlqId),
                    deadLetteredAt);
        }
    }

    /**
     * Sends {@code parts} as a dead-letter record with {@code send} (which completes once the broker has it); when
     * Kafka refuses it as too large, sends its {@link Parts#stub stub} instead, so a dead letter is never what stops
     * a consumer. Any other failure is the caller's (an outage: retried with the record in hand).
     */
    public static Uni<Void> send(Parts parts, Function<Message<String>, Uni<Void>> send) {
        return Uni.createFrom()
                .deferred(() -> send.apply(parts.record()))
                .onFailure(e -> TooLarge.in(e) != null)
                .recoverWithUni(e -> {
                    String refusal = "Kafka refused the dead letter as too large: "
                            + TooLarge.in(e).getMessage();
                    LOG.warnf(
                            "dead letter (%s, key %s) refused as too large; sending a stub with its size and SHA-256"
                                    + " instead: %s",
                            parts.errorClass(), BoundedId.of(parts.key()), refusal);
                    return send.apply(parts.stub(refusal));
                });
    }

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
