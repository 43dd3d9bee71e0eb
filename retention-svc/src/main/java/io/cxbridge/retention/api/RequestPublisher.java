package io.cxbridge.retention.api;

import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.RetentionRequest;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestState;
import io.cxbridge.retention.state.RequestStore;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Queues a validated policy: the request's state is recorded as {@code queued}, then the record goes to
 * {@code cxbridge.retention.requests.v1} (key requestId). When the broker does not acknowledge in time the
 * state becomes {@code failed} and the caller gets a 503.
 */
@ApplicationScoped
public class RequestPublisher {

    private final MutinyEmitter<String> emitter;
    private final RequestStore store;
    private final RetentionConfig config;
    private final Clock clock;

    public RequestPublisher(
            @Channel(Channels.RETENTION_REQUESTS_OUT) MutinyEmitter<String> emitter,
            RequestStore store,
            RetentionConfig config,
            Clock clock) {
        this.emitter = emitter;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    public Uni<Void> publish(RetentionRequest request, String objectType) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        Message<String> record = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(request.requestId())
                        .build());
        RequestRecord queued = RequestRecord.queued(request.requestId(), objectType, clock.instant());
        return store.create(queued)
                .chain(created -> Uni.createFrom()
                        .deferred(() -> emitter.sendMessage(record))
                        .ifNoItem()
                        .after(config.publishAckTimeout())
                        .fail()
                        .onFailure()
                        .call(e -> !created
                                ? Uni.createFrom().voidItem()
                                : store.put(queued.withError("the broker did not take the request: " + e.getMessage())
                                                .to(RequestState.failed, clock.instant()))
                                        .onFailure()
                                        .recoverWithNull()));
    }
}
