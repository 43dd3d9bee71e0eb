package io.cxbridge.common.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.audit.GatewayRequestAudit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.header.Header;
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

    final Channel channel = new Channel();
    final MeterRegistry registry = new SimpleMeterRegistry();
    final AuditEmitter audit = new AuditEmitter(channel, null, Clock.systemUTC(), registry);

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
    void anObservedEventIsOneBinaryModeRecordKeyedBySubject() {
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
        assertThatCode(() -> audit.emitObserved(event())).doesNotThrowAnyException();

        channel.only().nack(new IllegalStateException("broker gone"));
        channel.only().nack(new IllegalStateException("again"));
        channel.only().ack();

        assertThat(count("failed")).isEqualTo(1);
        assertThat(count("sent")).isZero();
    }

    @Test
    void anObservedEventAFullBufferRefusesCountsAsFailedAndNeverReachesTheCaller() {
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
}
