package io.cxbridge.common.audit;

import io.cxbridge.common.service.ServiceConfig;
import io.cxbridge.model.Channels;
import io.cxbridge.model.audit.AuditEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes audit CloudEvents to {@code cxbridge.audit.v1} (binary content mode, keyed by subject).
 * {@link #emit} completes when the broker has acknowledged the record, so work can be committed after
 * it; {@link #emitObserved} is for events sent off a response path, whose failures are counted and logged.
 */
@ApplicationScoped
@Unremovable // looked up programmatically too, not only injected
public class AuditEmitter {

    private static final Logger LOG = Logger.getLogger(AuditEmitter.class);

    private final MutinyEmitter<byte[]> emitter;
    private final ServiceConfig config;
    private final Clock clock;
    private final Counter sent;
    private final Counter failed;

    public AuditEmitter(
            @Channel(Channels.AUDIT_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                    MutinyEmitter<byte[]> emitter,
            ServiceConfig config,
            Clock clock,
            MeterRegistry registry) {
        this.emitter = emitter;
        this.config = config;
        this.clock = clock;
        this.sent = Counter.builder("cxbridge.audit.events")
                .tag("outcome", "sent")
                .description("audit events acknowledged by the broker")
                .register(registry);
        this.failed = Counter.builder("cxbridge.audit.events")
                .tag("outcome", "failed")
                .description("audit events the broker did not acknowledge")
                .register(registry);
    }

    /** Builds an event of this service; {@code data} is any JSON-object-like value (record, map, ObjectNode). */
    public AuditEvent event(String type, String subject, String traceId, Object data) {
        return AuditEvent.create(config.name(), type, subject, traceId, clock.instant(), data);
    }

    public Uni<Void> emit(String type, String subject, String traceId, Object data) {
        return emit(event(type, subject, traceId, data));
    }

    /** Completes once the broker has the record; fails if it does not take it. */
    public Uni<Void> emit(AuditEvent event) {
        RecordHeaders headers = new RecordHeaders();
        event.kafkaHeaders().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        Message<byte[]> message = Message.of(event.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.subject())
                        .withHeaders(headers)
                        .build());
        return Uni.createFrom()
                .deferred(() -> emitter.sendMessage(message))
                .onItem()
                .invoke(() -> sent.increment())
                .onFailure()
                .invoke(e -> failed.increment());
    }

    /** Sends without making the caller wait; the outcome is still observed (counted, and logged on failure). */
    public void emitObserved(AuditEvent event) {
        emit(event)
                .subscribe()
                .with(
                        ignored -> {},
                        e -> LOG.warnf(
                                "audit event %s (%s, subject %s) was not acknowledged: %s",
                                event.id(), event.type(), event.subject(), e.getMessage()));
    }
}
