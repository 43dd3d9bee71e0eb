package io.cxbridge.fulfillment.worker;

import io.cxbridge.model.Channels;
import io.cxbridge.model.Headers;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes a job to {@code cxbridge.fulfillment.jobs.dlq.v1}: the payload unchanged, the reason in the
 * {@code cxbridge-error-*} headers. The token is never put in a header (the reason is written by this service and
 * never quotes the token).
 */
@ApplicationScoped
public class DeadLetters {

    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<String> dlq;

    public DeadLetters(@Channel(Channels.FULFILLMENT_JOBS_DLQ_OUT)
                       @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024) MutinyEmitter<String> dlq) {
        this.dlq = dlq;
    }

    public Uni<Void> send(String key, String payload, String errorClass, String reason, int attempts,
                          Instant firstSeen) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.ERROR_CLASS, errorClass.getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.ERROR_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.ATTEMPTS, String.valueOf(attempts).getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.FIRST_SEEN, firstSeen.toString().getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta =
                OutgoingKafkaRecordMetadata.<String>builder().withHeaders(headers);
        if (key != null) {
            meta = meta.withKey(key);
        }
        Message<String> record = Message.of(payload).addMetadata(meta.build());
        return Uni.createFrom().deferred(() -> dlq.sendMessage(record)).ifNoItem().after(ACK_TIMEOUT).fail();
    }
}
