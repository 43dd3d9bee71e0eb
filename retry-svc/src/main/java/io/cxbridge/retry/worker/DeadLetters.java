package io.cxbridge.retry.worker;

import io.cxbridge.model.Channels;
import io.cxbridge.model.Headers;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Writes to {@code cxbridge.dataactions.failed-runs.dlq.v1}: the original payload unchanged plus the spec's headers. */
@ApplicationScoped
public class DeadLetters {

    /** {@code cxbridge-error-class} values. */
    public static final String INVALID = "invalid";
    public static final String REJECTED = "rejected";
    public static final String EXHAUSTED = "exhausted";

    private final MutinyEmitter<String> emitter;

    public DeadLetters(@Channel(Channels.FAILED_RUNS_DLQ_OUT) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Completes once the broker has the record. */
    public Uni<Void> send(String key, String originalPayload, String errorClass, String reason, int attempts,
                          Instant firstSeen) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.ERROR_CLASS, bytes(errorClass));
        headers.add(Headers.ERROR_REASON, bytes(reason));
        headers.add(Headers.ATTEMPTS, bytes(String.valueOf(attempts)));
        headers.add(Headers.FIRST_SEEN, bytes(firstSeen.toString()));
        Message<String> message = Message.of(originalPayload).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build());
        return Uni.createFrom().deferred(() -> emitter.sendMessage(message));
    }

    private static byte[] bytes(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
