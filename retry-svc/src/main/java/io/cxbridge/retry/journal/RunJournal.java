package io.cxbridge.retry.journal;

import io.cxbridge.common.redis.StoredJson;
import io.cxbridge.model.Channels;
import io.cxbridge.model.retry.RunRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * retry-svc's system of record: every state change of a run goes to {@code cxbridge.dataactions.retry-state.v1}
 * (key requestId, acks=all, idempotent producer) before it is acted on, written to Redis or the source offset is
 * committed. Redis is an index of it, rebuilt by {@code rebuild.RetryRebuild} when Redis lost its data. A state the
 * producer or the broker refuses (too large) or that cannot be serialised fails the write at once, not as an outage
 * ({@code InfrastructureRetry.permanent}); intake keeps states within {@code max-state-bytes} so that none does.
 */
@ApplicationScoped
public class RunJournal {

    private final MutinyEmitter<String> emitter;

    public RunJournal(@Channel(Channels.RETRY_STATE_OUT) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /**
     * Room a run's state may still need after intake: one attempt's log entry (about 100 bytes of JSON) per
     * {@code max-attempts}, and the last error (a redacted answer of at most 500 characters, escaped).
     */
    public static long growth(int maxAttempts) {
        return 160L * Math.max(0, maxAttempts) + 4096;
    }

    /** The state as it is journaled; fails with a {@code PermanentFailure} if it cannot be serialised. */
    public static String json(RunRecord record) {
        return StoredJson.write(record, "run state");
    }

    /** Bytes of {@code json} on the wire (UTF-8). */
    public static long bytes(String json) {
        return Utils.utf8Length(json);
    }

    /** Completes once the broker has acknowledged the state (all in-sync replicas). */
    public Uni<RunRecord> write(RunRecord record) {
        String json;
        try {
            json = json(record);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        return write(record, json);
    }

    /** As {@link #write(RunRecord)}, with the state already serialised ({@link #json}). */
    public Uni<RunRecord> write(RunRecord record, String json) {
        Message<String> message = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(record.requestId())
                        .build());
        return Uni.createFrom().deferred(() -> emitter.sendMessage(message)).replaceWith(record);
    }
}
