package io.cxbridge.retry.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.retry.RunRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * retry-svc's system of record: every state change of a run goes to {@code cxbridge.dataactions.retry-state.v1}
 * (key requestId, acks=all, idempotent producer) before it is acted on, written to Redis or the source offset is
 * committed. Redis is an index of it, rebuilt by {@code rebuild.RetryRebuild} when Redis lost its data.
 */
@ApplicationScoped
public class RunJournal {

    private final MutinyEmitter<String> emitter;

    public RunJournal(@Channel(Channels.RETRY_STATE_OUT) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Completes once the broker has acknowledged the state (all in-sync replicas). */
    public Uni<RunRecord> write(RunRecord record) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(record);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("run state cannot be written", e));
        }
        Message<String> message = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(record.requestId())
                        .build());
        return Uni.createFrom().deferred(() -> emitter.sendMessage(message)).replaceWith(record);
    }
}
