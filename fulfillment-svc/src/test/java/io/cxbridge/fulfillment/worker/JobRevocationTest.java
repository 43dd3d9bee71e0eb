package io.cxbridge.fulfillment.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * A revoked partition: its job that has not started (waiting behind another of its key) is never started nor
 * acknowledged, the revocation waits for its running job, and other partitions go on.
 */
class JobRevocationTest {

    static final TopicPartition P0 = new TopicPartition("jobs", 0);
    static final TopicPartition P1 = new TopicPartition("jobs", 1);

    /** The worker: each job runs until the test lets it end. */
    static final class HeldWorker extends FulfillmentWorker {
        final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

        HeldWorker() {
            super(null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        final Set<String> cancelled = ConcurrentHashMap.newKeySet();

        final Map<String, Instant> taken = new ConcurrentHashMap<>();

        @Override
        public Uni<Void> process(String key, String value, Instant taken) {
            this.taken.put(value, taken);
            CompletableFuture<Void> f = new CompletableFuture<>();
            running.put(value, f);
            return Uni.createFrom().completionStage(f).onCancellation().invoke(() -> cancelled.add(value));
        }
    }

    static FulfillmentConfig config() {
        return config(Duration.ofSeconds(10));
    }

    static FulfillmentConfig config(Duration grace) {
        return config(grace, 32L << 20);
    }

    static FulfillmentConfig config(Duration grace, long inFlightBytes) {
        return (FulfillmentConfig) Proxy.newProxyInstance(
                FulfillmentConfig.class.getClassLoader(),
                new Class<?>[] {FulfillmentConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "concurrency" -> 8;
                    case "shutdownGrace" -> grace;
                    case "maxRecordBytes" -> 1 << 20;
                    case "inFlightBytes" ->
                        new io.quarkus.runtime.configuration.MemorySize(java.math.BigInteger.valueOf(inFlightBytes));
                    default -> null;
                });
    }

    static Message<String> record(TopicPartition p, long offset, String key, String value, Set<String> acked) {
        return Message.of(value)
                .addMetadata(new IncomingKafkaRecordMetadata<>(
                        new ConsumerRecord<>(p.topic(), p.partition(), offset, key, value), "fulfillment-jobs-in"))
                .withAck(() -> {
                    acked.add(value);
                    return CompletableFuture.completedFuture(null);
                });
    }

    /**
     * A record the byte budget holds back is already counted by the connector (its max age runs from when it reached
     * the gate): its waits end by that time, not by when it started. Counted from its start, a record held while the
     * jobs ahead waited out a DNS outage could outlive the connector's max age and stop the channel.
     */
    @Test
    void aRecordHeldForTheByteBudgetCountsItsWaitsFromWhenItArrived() {
        AtomicReference<MultiEmitter<? super Message<String>>> emitter = new AtomicReference<>();
        Multi<Message<String>> jobs = Multi.createFrom().<Message<String>>emitter(emitter::set);
        HeldWorker worker = new HeldWorker();
        io.cxbridge.testkit.MutableClock clock = io.cxbridge.testkit.MutableClock.startingNow();
        JobPipeline pipeline = new JobPipeline(
                jobs,
                worker,
                config(Duration.ofSeconds(10), 1000),
                new FulfillmentMetrics(new SimpleMeterRegistry()),
                clock);
        pipeline.start(null);
        Set<String> acked = ConcurrentHashMap.newKeySet();
        String first = "first-" + "x".repeat(600);
        String second = "second-" + "y".repeat(600);

        Instant arrived = clock.instant();
        emitter.get().emit(record(P0, 0, "fid-a", first, acked));
        emitter.get().emit(record(P1, 0, "fid-b", second, acked)); // 1,200 bytes > 1,000: held by the gate
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.running.containsKey(first));
        assertFalse(worker.running.containsKey(second));

        clock.advance(Duration.ofMinutes(5));
        worker.running.get(first).complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.running.containsKey(second));
        assertEquals(arrived, worker.taken.get(second));
        worker.running.get(second).complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> acked.containsAll(List.of(first, second)));
    }

    @Test
    void aRevokedPartitionsWaitingJobNeverStartsAndTheRevocationWaitsForItsRunningJob() {
        AtomicReference<MultiEmitter<? super Message<String>>> emitter = new AtomicReference<>();
        Multi<Message<String>> jobs = Multi.createFrom().<Message<String>>emitter(emitter::set);
        HeldWorker worker = new HeldWorker();
        JobPipeline pipeline = new JobPipeline(
                jobs, worker, config(), new FulfillmentMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        pipeline.start(null);
        Set<String> acked = ConcurrentHashMap.newKeySet();

        emitter.get().emit(record(P0, 0, "fid-a", "a-first", acked));
        emitter.get().emit(record(P0, 1, "fid-a", "a-second", acked)); // waits for a-first (same key)
        emitter.get().emit(record(P1, 0, "fid-b", "b", acked));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> worker.running.keySet().containsAll(List.of("a-first", "b")));

        CompletableFuture<Void> revocation = CompletableFuture.runAsync(() -> pipeline.revoke(List.of(P0)));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !revocation.isDone());

        worker.running.get("a-first").complete(null);
        await().atMost(Duration.ofSeconds(5)).until(revocation::isDone);
        await().atMost(Duration.ofSeconds(5)).until(() -> acked.contains("a-first"));

        // the partition's next job was not started and is left unacknowledged for the next owner
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> !worker.running.containsKey("a-second") && !acked.contains("a-second"));
        // the other partition goes on, and a job of the revoked one that arrives late is not taken either
        emitter.get().emit(record(P0, 2, "fid-c", "c-late", acked));
        worker.running.get("b").complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> acked.contains("b"));
        assertFalse(worker.running.containsKey("c-late"));

        // given back: taken again
        pipeline.assign(List.of(P0));
        emitter.get().emit(record(P0, 3, "fid-d", "d", acked));
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.running.containsKey("d"));
        worker.running.get("d").complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> acked.contains("d"));
        assertEquals(Set.of("a-first", "b", "d"), Set.copyOf(acked));
    }

    @Test
    void aJobStillRunningWhenTheRevocationGivesUpIsCancelledAndNeverAcknowledged() {
        AtomicReference<MultiEmitter<? super Message<String>>> emitter = new AtomicReference<>();
        Multi<Message<String>> jobs = Multi.createFrom().<Message<String>>emitter(emitter::set);
        HeldWorker worker = new HeldWorker();
        JobPipeline pipeline = new JobPipeline(
                jobs,
                worker,
                config(Duration.ofMillis(200)),
                new FulfillmentMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC());
        pipeline.start(null);
        Set<String> acked = ConcurrentHashMap.newKeySet();

        emitter.get().emit(record(P0, 0, "fid-a", "a-slow", acked));
        emitter.get().emit(record(P1, 0, "fid-b", "b", acked));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> worker.running.keySet().containsAll(List.of("a-slow", "b")));

        // the revocation gives up after the grace: the revoked partition's job is cancelled where it stands
        pipeline.revoke(List.of(P0));
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.cancelled.contains("a-slow"));
        await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.inFlight() == 1); // only the other partition's

        // ending after the hand-over changes nothing: no acknowledgement from this instance
        worker.running.get("a-slow").complete(null);
        // the other partition's job is untouched and acknowledged as usual
        assertFalse(worker.cancelled.contains("b"));
        worker.running.get("b").complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> acked.contains("b"));
        assertEquals(Set.of("b"), Set.copyOf(acked));
    }
}
