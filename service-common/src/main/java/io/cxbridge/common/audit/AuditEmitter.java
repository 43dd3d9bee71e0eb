package io.cxbridge.common.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.kafka.TooLarge;
import io.cxbridge.common.logging.LogThrottle;
import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.common.service.ServiceConfig;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
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
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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
 * the broker acknowledged it, refused it, or a bounded buffer (4096) refused it at once.
 *
 * <p>Ids from records are bounded here, once for every service: an event's subject (its Kafka key and
 * {@code ce_subject}) and trace id longer than {@link BoundedId#MAX_CHARS} keep their beginning and a SHA-256. An
 * event Kafka still refuses for good (too large, data that does not serialise) is replaced by a {@link #stubOf stub}
 * that {@link #emit} sends instead: a refusal no retry mends, passed to a consumer, stopped its channel.
 *
 * <p>Observed events (a gateway sends one per request) skip the messaging emitter: they wait in a bounded queue and
 * one task on the audit channel's own Kafka sending thread hands every queued event to the producer. The emitter
 * path cost about 9 % of the gateway's CPU per proxied request (a Message, a Multi stage with a context-propagation
 * wrapper, and a hop to the sending thread for every record); this costs one hop per batch (issue #20). An event
 * queued on an event loop lingers up to {@value #LINGER_MILLIS} ms for the ones behind it, so a busy gateway hands
 * over one batch per millisecond rather than one per request. The
 * producer, its settings ({@code mp.messaging.outgoing.audit-out.*}) and its flush at shutdown stay the channel's.
 */
@ApplicationScoped
@Unremovable // looked up programmatically too, not only injected
public class AuditEmitter {

    private static final Logger LOG = Logger.getLogger(AuditEmitter.class);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    /** Observed events queued for the producer, at most this many at a time (the emitter's buffer was 4096 too). */
    static final int MAX_OBSERVED_PENDING = 4096;

    /**
     * How long the first observed event queued on an event loop waits for others before they are handed to the
     * sending thread together (issue #20: a hand-over per request woke that thread about once per request).
     */
    static final long LINGER_MILLIS = 1;

    private final Emitter<byte[]> emitter;
    private final AuditProducer producer;
    private final String topic;
    private final Queue<AuditEvent> observed = new ConcurrentLinkedQueue<>();
    /** Observed events queued or handed to the producer and not yet settled: the bound. */
    private final AtomicInteger observedPending = new AtomicInteger();
    /** True while a drain is scheduled or running on the sending thread. */
    private final AtomicBoolean draining = new AtomicBoolean();

    private final ServiceConfig config;
    private final Clock clock;
    private final Counter sent;
    private final Counter failed;
    // while the broker is away every request's event fails: one line per 10 s, the counter keeps the record
    private final LogThrottle unacknowledgedWarnings = new LogThrottle(Duration.ofSeconds(10));

    public AuditEmitter(
            @Channel(Channels.AUDIT_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                    Emitter<byte[]> emitter,
            AuditProducer producer,
            @ConfigProperty(name = "mp.messaging.outgoing.audit-out.topic", defaultValue = Topics.AUDIT) String topic,
            ServiceConfig config,
            Clock clock,
            MeterRegistry registry) {
        this.emitter = emitter;
        this.producer = producer;
        this.topic = topic;
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
        return AuditEvent.create(
                config.name(), type, BoundedId.of(subject), BoundedId.of(traceId), clock.instant(), data);
    }

    public Uni<Void> emit(String type, String subject, String traceId, Object data) {
        return emit(event(type, subject, traceId, data));
    }

    /**
     * Completes once the broker has the record; fails if it does not take it. A caller on a Vert.x context resumes on
     * it (the acknowledgement arrives on a Kafka thread), as it would after any other I/O. An event refused for good
     * ({@link InfrastructureRetry#permanent}) is counted failed and its {@link #stubOf stub} is sent in its place.
     */
    public Uni<Void> emit(AuditEvent event) {
        AuditEvent bounded = bounded(event);
        return awaited(bounded).onFailure(InfrastructureRetry::permanent).recoverWithUni(e -> {
            AuditEvent stub = stubOf(bounded, e);
            LOG.warnf(
                    "audit event %s (%s, subject %s) refused for good; sending a stub in its place: %s",
                    bounded.id(),
                    bounded.type(),
                    bounded.subject(),
                    stub.data().path(STUB).path("reason").asText());
            return awaited(stub);
        });
    }

    /** The data field that marks a stub: {@code {reason, dataBytes, dataSha256}} (the sizes when it was written). */
    public static final String STUB = "auditStub";

    /** At most this many of the refused event's top-level scalar fields are kept in its stub. */
    static final int STUB_FIELDS = 32;

    /**
     * {@code event} with its subject and trace id bounded ({@link BoundedId}): the subject is the record's key and a
     * header, the trace id a header and a data field, so a long one counted three or two times against the limit.
     */
    static AuditEvent bounded(AuditEvent event) {
        String subject = BoundedId.of(event.subject());
        String traceId = BoundedId.of(event.traceId());
        if (subject.equals(event.subject()) && Objects.equals(traceId, event.traceId())) {
            return event;
        }
        Object payload = event.payload() instanceof ObjectNode node && traceId != null
                ? node.deepCopy().put("traceId", traceId)
                : event.payload();
        return new AuditEvent(event.id(), event.source(), event.type(), subject, event.time(), traceId, payload);
    }

    /**
     * What is sent in place of an event Kafka refused for good: the same id, type, subject and time, the data's
     * top-level scalar fields (text bounded as ids are, at most {@value #STUB_FIELDS}; objects and arrays left out) and
     * {@value #STUB}: why, and the size and SHA-256 of the data as it was written (absent when it could not be).
     */
    static AuditEvent stubOf(AuditEvent event, Throwable failure) {
        ObjectNode data = Json.mapper().createObjectNode();
        byte[] value = null;
        ObjectNode original = null;
        try {
            value = event.value();
            original = event.data();
        } catch (RuntimeException e) {
            // data that does not serialise: only the stub's own fields
        }
        if (original != null) {
            int kept = 0;
            for (Map.Entry<String, JsonNode> f : original.properties()) {
                if (kept >= STUB_FIELDS) {
                    break;
                }
                if (f.getKey().length() > 64 || !f.getValue().isValueNode()) {
                    continue;
                }
                data.set(
                        f.getKey(),
                        f.getValue().isTextual()
                                ? data.textNode(BoundedId.of(f.getValue().asText()))
                                : f.getValue());
                kept++;
            }
        }
        Throwable tooLarge = TooLarge.in(failure);
        ObjectNode stub = data.putObject(STUB)
                .put(
                        "reason",
                        tooLarge != null
                                ? "Kafka refused the event as too large: " + tooLarge.getMessage()
                                : "the event's data could not be written (" + InfrastructureRetry.describe(failure)
                                        + ")");
        if (value != null) {
            stub.put("dataBytes", value.length).put("dataSha256", BoundedId.sha256(value));
        }
        if (event.traceId() != null) {
            data.put("traceId", event.traceId());
        }
        return new AuditEvent(
                event.id(), event.source(), event.type(), event.subject(), event.time(), event.traceId(), data);
    }

    private Uni<Void> awaited(AuditEvent event) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            CompletableFuture<Void> acked = new CompletableFuture<>();
            send(event, new Outcome(event, acked));
            Uni<Void> uni = Uni.createFrom().completionStage(acked);
            return context == null ? uni : uni.emitOn(task -> context.runOnContext(ignored -> task.run()));
        });
    }

    /** Sends without making the caller wait; the outcome is still observed (counted, and logged on failure). */
    public void emitObserved(AuditEvent given) {
        AuditEvent event = bounded(given);
        if (observedPending.incrementAndGet() > MAX_OBSERVED_PENDING) {
            observedPending.decrementAndGet();
            new Outcome(event, null)
                    .nack(new IllegalStateException(
                            MAX_OBSERVED_PENDING + " audit events are already waiting for the broker"));
            return;
        }
        observed.add(event);
        if (draining.compareAndSet(false, true)) {
            Context context = Vertx.currentContext();
            if (context == null || !context.isEventLoopContext() || !lingerOn(context)) {
                scheduleDrain();
            }
        }
    }

    /**
     * The hand-over waits a millisecond for the events behind it: one wake-up of the sending thread per millisecond
     * at most, not one per request. The timer is the loop's own, so no other thread is woken for it. False when the
     * loop takes no timer any more (Vert.x closing).
     */
    private boolean lingerOn(Context context) {
        try {
            context.owner().setTimer(LINGER_MILLIS, id -> scheduleDrain());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * At shutdown, before the channel's producer is flushed and closed ({@link AuditShutdown}): what waits for a
     * lingering hand-over goes now.
     */
    void handOverAtShutdown() {
        if (!observed.isEmpty()) {
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        boolean scheduled;
        try {
            scheduled = producer.onSendingThread(this::drain, this::drainToEmitter);
        } catch (RuntimeException e) {
            LOG.warnf("the audit channel's producer did not take the queued events: %s", e.getMessage());
            scheduled = false;
        }
        if (!scheduled) {
            drainToEmitter();
        }
    }

    /** No Kafka producer on the channel (another connector, or it failed to start): the emitter takes the events. */
    private void drainToEmitter() {
        drainTo(event -> send(event, new Outcome(event, null, observedPending)));
    }

    /** On the producer's sending thread: hands every queued event to the producer, then lets the next drain start. */
    private void drain(Producer<String, byte[]> kafka) {
        drainTo(event -> {
            Outcome outcome = new Outcome(event, null, observedPending);
            try {
                RecordHeaders headers = new RecordHeaders();
                event.kafkaHeaders().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
                kafka.send(
                        new ProducerRecord<>(topic, null, event.subject(), event.value(), headers),
                        (metadata, failure) -> {
                            if (failure == null) {
                                outcome.ack();
                            } else {
                                outcome.nack(failure);
                            }
                        });
            } catch (RuntimeException e) {
                // the producer refused it at once (closed, record too large, data not serialisable)
                outcome.nack(e);
            }
        });
    }

    private void drainTo(java.util.function.Consumer<AuditEvent> sink) {
        try {
            AuditEvent event;
            while ((event = observed.poll()) != null) {
                sink.accept(event);
            }
        } finally {
            draining.set(false);
            // an event queued after the last poll but before the flag dropped would otherwise wait for the next one
            if (!observed.isEmpty() && draining.compareAndSet(false, true)) {
                scheduleDrain();
            }
        }
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
        private final AtomicInteger pending; // the bound this event counts in until settled, or null

        Outcome(AuditEvent event, CompletableFuture<Void> awaited) {
            this(event, awaited, null);
        }

        Outcome(AuditEvent event, CompletableFuture<Void> awaited, AtomicInteger pending) {
            this.event = event;
            this.awaited = awaited;
            this.pending = pending;
        }

        private void release() {
            if (pending != null) {
                pending.decrementAndGet();
            }
        }

        CompletionStage<Void> ack() {
            if (settled.compareAndSet(false, true)) {
                release();
                sent.increment();
                if (awaited != null) {
                    awaited.complete(null);
                }
            }
            return DONE;
        }

        CompletionStage<Void> nack(Throwable failure) {
            if (settled.compareAndSet(false, true)) {
                release();
                failed.increment();
                if (awaited != null) {
                    awaited.completeExceptionally(failure);
                } else {
                    long held = unacknowledgedWarnings.pass();
                    if (held >= 0) {
                        LOG.warnf(
                                "audit event %s (%s, subject %s) was not acknowledged: %s%s",
                                event.id(),
                                event.type(),
                                event.subject(),
                                failure.getMessage(),
                                held == 0
                                        ? ""
                                        : " (and " + held + " more since the last such warning; all are counted in "
                                                + "cxbridge_audit_events_total{outcome=\"failed\"})");
                    }
                }
            }
            return DONE;
        }
    }
}
