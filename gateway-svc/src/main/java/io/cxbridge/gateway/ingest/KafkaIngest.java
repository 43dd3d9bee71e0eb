package io.cxbridge.gateway.ingest;

import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The ingestion rule both endpoints share: answer 202 only once the broker has acknowledged the record;
 * when it does not within the ack timeout, 503 with Retry-After (the client retries with the same id, and
 * duplicates are harmless downstream). The record is written straight to its UTF-8 bytes (the channel's value
 * serializer passes them on as they are), so no String copy of it is made on the way.
 */
final class KafkaIngest {

    /** Completes when the broker has acknowledged the record; fails when it has not within {@code ackTimeout}. */
    static Uni<Void> send(MutinyEmitter<byte[]> emitter, String key, Object value, Duration ackTimeout) {
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        Message<byte[]> record = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .build());
        // sendMessage is lazy: the record goes when the answer's Uni is subscribed.
        return emitter.sendMessage(record).ifNoItem().after(ackTimeout).fail();
    }

    static Uni<Response> publish(
            MutinyEmitter<byte[]> emitter,
            String key,
            Object value,
            Duration ackTimeout,
            Object accepted,
            String retryHint,
            String traceId) {
        return send(emitter, key, value, ackTimeout).onItemOrFailure().transform((x, e) -> {
            if (e == null) {
                return Response.accepted(accepted).build();
            }
            if (tooLarge(e)) {
                // the producer refuses it at once, and would again: not an outage to retry
                return ProblemResponses.of(Problem.of(
                        413,
                        Problem.typeFor(413),
                        "Payload Too Large",
                        "the request is larger than one Kafka record may be; nothing was published",
                        traceId));
            }
            return ProblemResponses.unavailable(
                    "the broker did not take the request within " + ackTimeout.toSeconds() + " s; " + retryHint,
                    traceId,
                    ackTimeout.toSeconds());
        });
    }

    /** The producer's (or the broker's) refusal of a record too large for it, anywhere in the cause chain. */
    static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (InfrastructureRetry.tooLargeForKafka(t)) {
                return true;
            }
        }
        return false;
    }

    private KafkaIngest() {}
}
