package io.cxbridge.common.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.audit.GatewayRequestAudit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * The audit emitter without a broker: what it hands the channel, and that every event's outcome (acknowledged,
 * refused by the broker, refused at once by a full buffer) is counted exactly once.
 */
class AuditEmitterUnitTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** The channel: keeps what it is given, or refuses it at once as a full buffer does. */
    static final class Channel implements Emitter<byte[]> {
        final List<Message<? extends byte[]>> messages = new CopyOnWriteArrayList<>();
        RuntimeException refusal;

        @Override
        public <M extends Message<? extends byte[]>> void send(M msg) {
            if (refusal != null) {
                throw refusal;
            }
            messages.add(msg);
        }

        @Override
        public CompletionStage<Void> send(byte[] payload) {
            throw new UnsupportedOperationException("the audit emitter sends messages");
        }

        @Override
        public void complete() {}

        @Override
        public void error(Exception e) {}

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }

        Message<? extends byte[]> only() {
            assertThat(messages).hasSize(1);
            return messages.get(0);
        }
    }

    /** The producer's sending thread, run by hand: what it was given waits until {@link #run}. */
    static final class SendingThread implements AuditProducer {
        final MockProducer<String, byte[]> producer =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        final List<Runnable> scheduled = new CopyOnWriteArrayList<>(); // an event loop's timer adds to it too
        /** False: the channel has no Kafka producer. */
        boolean kafka = true;
        /** True: the producer cannot run what it is given (it failed to start). */
        boolean broken;

        @Override
        public boolean onSendingThread(Consumer<Producer<String, byte[]>> drain, Runnable notRun) {
            if (!kafka) {
                return false;
            }
            scheduled.add(broken ? notRun : () -> drain.accept(producer));
            return true;
        }

        void run() {
            while (!scheduled.isEmpty()) {
                scheduled.remove(0).run();
            }
        }
    }

    final Channel channel = new Channel();
    final SendingThread sendingThread = new SendingThread();
    final MeterRegistry registry = new SimpleMeterRegistry();
    final AuditEmitter audit =
            new AuditEmitter(channel, sendingThread, "cxbridge.audit.v1", null, Clock.systemUTC(), registry);

    static AuditEvent event() {
        return AuditEvent.create(
                "gateway-svc",
                AuditTypes.GATEWAY_REQUEST,
                TRACE,
                TRACE,
                Instant.parse("2026-03-02T09:14:07.731Z"),
                new GatewayRequestAudit("demo", "GET", "/api/v2/routing/queues", 200, 200, 3, 0, 512, 0));
    }

    double count(String outcome) {
        return registry.get("cxbridge.audit.events")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    @Test
    void anObservedEventIsOneBinaryModeRecordKeyedBySubjectHandedToTheChannelsProducer() {
        AuditEvent event = event();
        audit.emitObserved(event);
        assertThat(sendingThread.producer.history())
                .as("nothing sent on the caller's thread")
                .isEmpty();

        sendingThread.run();

        ProducerRecord<String, byte[]> record = sendingThread.producer.history().get(0);
        assertThat(sendingThread.producer.history()).hasSize(1);
        assertThat(record.topic()).isEqualTo("cxbridge.audit.v1");
        assertThat(record.key()).isEqualTo(TRACE);
        assertThat(new String(record.value(), UTF_8)).isEqualTo(new String(event.value(), UTF_8));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), new String(h.value(), UTF_8));
        }
        assertThat(headers).containsExactlyEntriesOf(event.kafkaHeaders());
        assertThat(count("sent")).as("not before the broker answers").isZero();

        sendingThread.producer.completeNext();
        assertThat(count("sent")).isEqualTo(1);
    }

    @Test
    void observedEventsQueuedBeforeTheSendingThreadRunsGoInOneHandOver() {
        for (int i = 0; i < 100; i++) {
            audit.emitObserved(event());
        }
        assertThat(sendingThread.scheduled)
                .as("one hand-over for the queue, not one per event")
                .hasSize(1);

        sendingThread.run();

        assertThat(sendingThread.producer.history()).hasSize(100);
        while (sendingThread.producer.completeNext()) {
            // every record acknowledged
        }
        assertThat(count("sent")).isEqualTo(100);
        audit.emitObserved(event());
        assertThat(sendingThread.scheduled)
                .as("the next event starts a new hand-over")
                .hasSize(1);
    }

    @Test
    void observedEventsQueuedOnAnEventLoopLingerForTheOnesBehindThemAndGoInOneHandOver() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Integer> atOnce = new CompletableFuture<>();
            CompletableFuture<Integer> afterTheLinger = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                for (int i = 0; i < 3; i++) {
                    audit.emitObserved(event());
                }
                atOnce.complete(sendingThread.scheduled.size());
                // timers on one loop fire by deadline: this one after the emitter's
                vertx.setTimer(
                        AuditEmitter.LINGER_MILLIS + 20, id -> afterTheLinger.complete(sendingThread.scheduled.size()));
            });
            assertThat(atOnce.get(5, TimeUnit.SECONDS))
                    .as("not handed over while the request that queued it is still on the loop")
                    .isZero();
            assertThat(afterTheLinger.get(5, TimeUnit.SECONDS))
                    .as("one hand-over for the three")
                    .isEqualTo(1);
            sendingThread.run();
            assertThat(sendingThread.producer.history()).hasSize(3);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void atShutdownWhatWaitsForALingeringHandOverIsHandedOverAtOnceAndOnlyOnce() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Integer> atShutdown = new CompletableFuture<>();
            CompletableFuture<Void> timerFired = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                audit.emitObserved(event());
                audit.handOverAtShutdown();
                atShutdown.complete(sendingThread.scheduled.size());
                vertx.setTimer(AuditEmitter.LINGER_MILLIS + 20, id -> timerFired.complete(null));
            });
            assertThat(atShutdown.get(5, TimeUnit.SECONDS))
                    .as("the shutdown does not wait for the linger")
                    .isEqualTo(1);
            sendingThread.run();
            assertThat(sendingThread.producer.history()).hasSize(1);
            timerFired.get(5, TimeUnit.SECONDS);
            sendingThread.run(); // the lingering hand-over, when it comes, finds nothing left
            assertThat(sendingThread.producer.history()).hasSize(1);
            audit.handOverAtShutdown();
            assertThat(sendingThread.scheduled)
                    .as("nothing queued, nothing handed over")
                    .isEmpty();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anObservedEventTheProducerRefusesCountsAsFailedOnce() {
        audit.emitObserved(event());
        sendingThread.run();

        sendingThread.producer.errorNext(new IllegalStateException("broker gone"));

        assertThat(count("failed")).isEqualTo(1);
        assertThat(count("sent")).isZero();
    }

    @Test
    void whileTheBrokerRefusesEveryEventOneLineIsLoggedNotOneAnEvent() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(AuditEmitter.class.getName());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                Object[] p = record.getParameters();
                lines.add(p == null ? record.getMessage() : String.format(record.getMessage(), p));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        try {
            for (int i = 0; i < 50; i++) {
                audit.emitObserved(event());
                sendingThread.run();
                sendingThread.producer.errorNext(new IllegalStateException("broker gone"));
            }
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(count("failed")).as("every refusal counted").isEqualTo(50);
        assertThat(lines).filteredOn(l -> l.contains("was not acknowledged")).hasSize(1);
    }

    @Test
    void observedEventsAreBoundedWhileTheBrokerDoesNotAnswerAndRoomComesBackWithItsAnswers() {
        for (int i = 0; i < AuditEmitter.MAX_OBSERVED_PENDING; i++) {
            audit.emitObserved(event());
        }
        sendingThread.run();
        assertThat(sendingThread.producer.history()).hasSize(AuditEmitter.MAX_OBSERVED_PENDING);

        assertThatCode(() -> audit.emitObserved(event())).doesNotThrowAnyException();
        assertThat(count("failed")).as("refused at once, counted").isEqualTo(1);
        assertThat(sendingThread.scheduled).isEmpty();

        sendingThread.producer.completeNext();
        audit.emitObserved(event());
        sendingThread.run();
        assertThat(sendingThread.producer.history()).hasSize(AuditEmitter.MAX_OBSERVED_PENDING + 1);
        assertThat(count("failed")).isEqualTo(1);
    }

    @Test
    void whenTheProducerCannotRunTheQueuedEventsTheEmitterTakesThem() {
        sendingThread.broken = true;
        audit.emitObserved(event());
        audit.emitObserved(event());

        sendingThread.run();

        assertThat(channel.messages).hasSize(2);
        channel.messages.forEach(m -> m.ack());
        assertThat(count("sent")).isEqualTo(2);
    }

    @Test
    void withoutAKafkaProducerAnObservedEventIsOneBinaryModeRecordOnTheEmitter() {
        sendingThread.kafka = false;
        AuditEvent event = event();
        audit.emitObserved(event);

        Message<? extends byte[]> message = channel.only();
        assertThat(new String(message.getPayload(), UTF_8)).isEqualTo(new String(event.value(), UTF_8));
        OutgoingKafkaRecordMetadata<?> kafka =
                message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertThat(kafka.getKey()).isEqualTo(TRACE);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : kafka.getHeaders()) {
            headers.put(h.key(), new String(h.value(), UTF_8));
        }
        assertThat(headers).containsExactlyEntriesOf(event.kafkaHeaders());
    }

    @Test
    void anObservedEventCountsAsSentOnlyOnceTheBrokerAcknowledgesIt() {
        sendingThread.kafka = false; // the emitter's own acknowledgement
        audit.emitObserved(event());
        assertThat(count("sent"))
                .as("nothing counted before the broker answers")
                .isZero();

        channel.only().ack();
        channel.only().ack();
        channel.only().nack(new IllegalStateException("late"));

        assertThat(count("sent")).isEqualTo(1);
        assertThat(count("failed")).isZero();
    }

    @Test
    void anObservedEventTheBrokerRefusesCountsAsFailedOnceAndNeverReachesTheCaller() {
        sendingThread.kafka = false; // the emitter's own acknowledgement
        assertThatCode(() -> audit.emitObserved(event())).doesNotThrowAnyException();

        channel.only().nack(new IllegalStateException("broker gone"));
        channel.only().nack(new IllegalStateException("again"));
        channel.only().ack();

        assertThat(count("failed")).isEqualTo(1);
        assertThat(count("sent")).isZero();
    }

    @Test
    void anObservedEventAFullBufferRefusesCountsAsFailedAndNeverReachesTheCaller() {
        sendingThread.kafka = false; // the emitter's own acknowledgement
        channel.refusal = new IllegalStateException("SRMSG00034: Insufficient downstream requests to emit item");

        assertThatCode(() -> audit.emitObserved(event())).doesNotThrowAnyException();

        assertThat(channel.messages).isEmpty();
        assertThat(count("failed")).isEqualTo(1);
        assertThat(count("sent")).isZero();
    }

    @Test
    void emitSendsOnSubscriptionAndCompletesOnlyWhenTheBrokerAcknowledges() throws Exception {
        var uni = audit.emit(event());
        assertThat(channel.messages).as("nothing sent before subscription").isEmpty();

        CompletableFuture<Void> done = uni.subscribeAsCompletionStage();
        assertThat(done).isNotDone();

        channel.only().ack();

        done.get();
        assertThat(count("sent")).isEqualTo(1);
    }

    @Test
    void emitFailsWithTheBrokersRefusal() {
        IllegalStateException refusal = new IllegalStateException("not leader");
        CompletableFuture<Void> done = audit.emit(event()).subscribeAsCompletionStage();

        channel.only().nack(refusal);

        assertThat(done).isCompletedExceptionally();
        assertThat(done)
                .failsWithin(java.time.Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .withCause(refusal);
        assertThat(count("failed")).isEqualTo(1);
    }

    @Test
    void emitFailsWhenTheBufferIsFull() {
        channel.refusal = new IllegalStateException("buffer full");

        CompletableFuture<Void> done = audit.emit(event()).subscribeAsCompletionStage();

        assertThat(done).isCompletedExceptionally();
        assertThat(count("failed")).isEqualTo(1);
        assertThat(count("sent")).isZero();
    }

    /** A subject of 400 KB: the record was over the producer's 1 MiB (key, ce_subject and data each carried it). */
    @Test
    void aSubjectOrTraceIdOfHundredsOfKilobytesIsBoundedInTheKeyTheHeadersAndTheData() {
        String huge = "f-" + "a".repeat(400_000);
        AuditEvent event = AuditEvent.create(
                "fulfillment-svc",
                AuditTypes.FULFILLMENT_DEAD_LETTERED,
                huge,
                "t-" + "b".repeat(400_000),
                Instant.parse("2026-03-02T09:14:07.731Z"),
                Map.of("errorClass", "invalid-job"));
        audit.emit(event).subscribeAsCompletionStage();

        Message<? extends byte[]> message = channel.only();
        OutgoingKafkaRecordMetadata<?> kafka =
                message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        String key = (String) kafka.getKey();
        assertThat(key).hasSize(BoundedId.MAX_CHARS).startsWith("f-aaaa").isEqualTo(BoundedId.of(huge));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : kafka.getHeaders()) {
            headers.put(h.key(), new String(h.value(), UTF_8));
        }
        assertThat(headers.get(AuditEvent.H_SUBJECT)).isEqualTo(key);
        assertThat(headers.get(AuditEvent.H_TRACEID)).hasSize(BoundedId.MAX_CHARS);
        assertThat(headers.get(AuditEvent.H_ID)).isEqualTo(event.id());
        assertThat(new String(message.getPayload(), UTF_8))
                .hasSizeLessThan(1024)
                .contains("\"traceId\":\"" + headers.get(AuditEvent.H_TRACEID) + "\"");
    }

    /** Refused for good, the event was a failure the consumer passed on: its channel stopped. */
    @Test
    void anEventKafkaRefusesAsTooLargeIsReplacedByAStubAndEmitCompletes() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", "0b7c7e52-8d0e-4a53-9d55-0e3f9c7f1a01");
        data.put("reason", "r".repeat(2_000_000));
        data.put("attempts", 3);
        data.put("nested", Map.of("a", 1));
        AuditEvent event = AuditEvent.create(
                "fulfillment-svc",
                AuditTypes.FULFILLMENT_DEAD_LETTERED,
                "fid-1",
                TRACE,
                Instant.parse("2026-03-02T09:14:07.731Z"),
                data);
        CompletableFuture<Void> done = audit.emit(event).subscribeAsCompletionStage();

        channel.only()
                .nack(new org.apache.kafka.common.errors.RecordTooLargeException(
                        "The message is 2000300 bytes when serialized which is larger than 1048576"));
        assertThat(done).as("waits for the stub").isNotDone();
        assertThat(channel.messages).hasSize(2);
        Message<? extends byte[]> stub = channel.messages.get(1);
        stub.ack();
        done.get();

        OutgoingKafkaRecordMetadata<?> kafka =
                stub.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertThat(kafka.getKey()).isEqualTo("fid-1");
        var json = io.cxbridge.model.Json.mapper().readTree(stub.getPayload());
        assertThat(json.path("jobId").asText()).isEqualTo("0b7c7e52-8d0e-4a53-9d55-0e3f9c7f1a01");
        assertThat(json.path("attempts").asInt()).isEqualTo(3);
        assertThat(json.path("reason").asText()).hasSize(BoundedId.MAX_CHARS);
        assertThat(json.has("nested")).as("objects are left out").isFalse();
        assertThat(json.path("traceId").asText()).isEqualTo(TRACE);
        assertThat(json.path(AuditEmitter.STUB).path("reason").asText()).contains("too large", "1048576");
        assertThat(json.path(AuditEmitter.STUB).path("dataBytes").asLong()).isEqualTo(event.value().length);
        assertThat(json.path(AuditEmitter.STUB).path("dataSha256").asText()).isEqualTo(BoundedId.sha256(event.value()));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : kafka.getHeaders()) {
            headers.put(h.key(), new String(h.value(), UTF_8));
        }
        assertThat(headers)
                .containsEntry(AuditEvent.H_ID, event.id())
                .containsEntry(AuditEvent.H_TYPE, AuditTypes.FULFILLMENT_DEAD_LETTERED);
        assertThat(count("failed")).isEqualTo(1);
        assertThat(count("sent")).isEqualTo(1);
    }
}
