package io.cxbridge.fulfillment.worker;

import io.cxbridge.common.kafka.DeadLetterRecord;
import io.cxbridge.model.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
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
        Message<String> record = DeadLetterRecord.of(key, payload, errorClass, reason, attempts, firstSeen);
        return Uni.createFrom().deferred(() -> dlq.sendMessage(record)).ifNoItem().after(ACK_TIMEOUT).fail();
    }
}
