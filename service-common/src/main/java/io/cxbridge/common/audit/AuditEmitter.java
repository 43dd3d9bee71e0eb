package io.cxbridge.common.audit;

import io.cxbridge.common.service.ServiceConfig;
import io.cxbridge.model.Channels;
import io.cxbridge.model.audit.AuditEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes audit CloudEvents to {@code cxbridge.audit.v1} (binary content mode, keyed by subject).
 * {@link #emit} completes when the broker has acknowledged the record, so work can be committed after
 * it; {@link #emitObserved} is for events sent off a response path, whose failures are counted and logged.
 *
 * <p>Every event's outcome is counted exactly once ({@code cxbridge.audit.events{outcome=sent|failed}}), whether
 * the broker acknowledged it, refused it, or the emitter's bounded buffer (4096) refused it at once. The outcome is
 * taken straight from the message's acknowledgement: no Uni per observed event and no hop back to the sender's
 * event loop (a gateway sends one per request).
 */
@ApplicationScoped
@Unremovable // looked up programmatically too, not only injected
public class AuditEmitter {

    private static final Logger LOG = Logger.getLogger(AuditEmitter.class);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Emitter<byte[]> emitter;
    private final ServiceConfig config;
    private final Clock clock;
    private final Counter sent;
    private final Counter failed;

    public AuditEmitter(
            @Channel(Channels.AUDIT_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                    Emitter<byte[]> emitter,
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

    /** Builds an event of this service; {@code data} is a record (written straight to bytes), a map or an ObjectNode. */
    public AuditEvent event(String type, String subject, String traceId, Object data) {
        return AuditEvent.create(config.name(), type, subject, traceId, clock.instant(), data);
    }

    public Uni<Void> emit(String type, String subject, String traceId, Object data) {
        return emit(event(type, subject, traceId, data));
    }

    /**
     * Completes once the broker has the record; fails if it does not take it. A caller on a Vert.x context resumes on
     * it (the acknowledgement arrives on a Kafka thread), as it would after any other I/O.
     */
    public Uni<Void> emit(AuditEvent event) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            CompletableFuture<Void> acked = new CompletableFuture<>();
            send(event, new Outcome(event, acked));
            Uni<Void> uni = Uni.createFrom().completionStage(acked);
            return context == null ? uni : uni.emitOn(task -> context.runOnContext(ignored -> task.run()));
        });
    }

    /** Sends without making the caller wait; the outcome is still observed (counted, and logged on failure). */
    public void emitObserved(AuditEvent event) {
        send(event, new Outcome(event, null));
    }

    private void send(AuditEvent event, Outcome outcome) {
        try {
            RecordHeaders headers = new RecordHeaders();
            event.kafkaHeaders().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
            Metadata metadata = Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(event.subject())
                    .withHeaders(headers)
                    .build());
            emitter.send(Message.of(event.value(), metadata, outcome::ack, outcome::nack));
        } catch (RuntimeException e) {
            // refused before reaching the producer (buffer full, channel down, data not serialisable)
            outcome.nack(e);
        }
    }

    /** One event's outcome: the first of acknowledgement or failure counts, whatever reports it again. */
    private final class Outcome {
        private final AtomicBoolean settled = new AtomicBoolean();
        private final AuditEvent event;
        private final CompletableFuture<Void> awaited; // null when nobody waits: then failures are logged here

        Outcome(AuditEvent event, CompletableFuture<Void> awaited) {
            this.event = event;
            this.awaited = awaited;
        }

        CompletionStage<Void> ack() {
            if (settled.compareAndSet(false, true)) {
                sent.increment();
                if (awaited != null) {
                    awaited.complete(null);
                }
            }
            return DONE;
        }

        CompletionStage<Void> nack(Throwable failure) {
            if (settled.compareAndSet(false, true)) {
                failed.increment();
                if (awaited != null) {
                    awaited.completeExceptionally(failure);
                } else {
                    LOG.warnf(
                            "audit event %s (%s, subject %s) was not acknowledged: %s",
                            event.id(), event.type(), event.subject(), failure.getMessage());
                }
            }
            return DONE;
        }
    }
}
