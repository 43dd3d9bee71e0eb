package io.cxbridge.retry.worker;

import io.cxbridge.common.kafka.DeadLetterRecord;
import io.cxbridge.model.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
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
        Message<String> message = DeadLetterRecord.of(key, originalPayload, errorClass, reason, attempts, firstSeen);
        return Uni.createFrom().deferred(() -> emitter.sendMessage(message));
    }
}
