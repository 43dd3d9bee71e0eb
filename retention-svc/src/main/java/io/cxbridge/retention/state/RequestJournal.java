package io.cxbridge.retention.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.RetentionStateRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Writes a request's state to {@code cxbridge.retention.state.v1} (key requestId, {@code acks=all}), the system of
 * record for request states: {@link RequestStore} journals each state before it writes it to Redis, and Redis is
 * rebuilt from the topic after a loss ({@link RequestStateRebuild}).
 */
@ApplicationScoped
public class RequestJournal {

    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<String> journal;
    private final Clock clock;

    public RequestJournal(
            @Channel(Channels.RETENTION_STATE_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                    MutinyEmitter<String> journal,
            Clock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    /** Completes once the broker has the state (all in-sync replicas). */
    public Uni<Void> write(RequestRecord record) {
        try {
            return send(
                    record.requestId(),
                    RetentionStateRecord.request(
                            record.requestId(), Json.mapper().valueToTree(record), clock.instant()));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new IllegalStateException("request state cannot be journaled", e));
        }
    }

    /**
     * The last applied state of one media retention policy ({@code kind} {@code policy-set}, key
     * {@value #POLICY_SET_KEY} + its name): {@code {name, policyId, policy}} as applied, or {@code {name, policyId,
     * deleted: true}} once cxbridge removed it. The entries still present make up the last applied set.
     */
    public Uni<Void> writePolicySet(String name, JsonNode applied) {
        return send(
                POLICY_SET_KEY + name,
                new RetentionStateRecord(RetentionStateRecord.POLICY_SET, null, null, applied, clock.instant()));
    }

    public static final String POLICY_SET_KEY = "policy-set:";

    private Uni<Void> send(String key, RetentionStateRecord entry) {
        String value;
        try {
            value = Json.mapper().writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("state cannot be journaled", e));
        }
        Message<String> message = Message.of(value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .build());
        return Uni.createFrom()
                .deferred(() -> journal.sendMessage(message))
                .ifNoItem()
                .after(ACK_TIMEOUT)
                .fail();
    }
}
