package io.cxbridge.fulfillment.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

/**
 * The in-flight byte budget of the job pipeline: items (record sizes) start while a slot is free and their bytes fit,
 * one that does not fit waits and nothing more is pulled, one bigger than the budget runs alone, and the bytes in
 * flight never pass the budget, whatever order the work ends in. The work is ended by the test: no timing.
 */
class ByteBudgetGateUnitTest {

    /** The work of the items started, each ended by the test; the bytes in flight seen at every start. */
    private static final class Harness {
        final List<UniEmitter<? super Void>> running = new ArrayList<>();
        final List<Long> started = new ArrayList<>();
        final AtomicLong inFlightBytes = new AtomicLong();
        final AtomicLong maxBytes = new AtomicLong();
        final AtomicInteger pulled = new AtomicInteger();
        final AtomicBoolean completed = new AtomicBoolean();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        void run(List<Long> sizes, int slots, long budget) {
            Multi.createFrom()
                    .iterable(sizes)
                    .onItem()
                    .invoke(pulled::incrementAndGet)
                    .subscribe()
                    .withSubscriber(new ByteBudgetGate<Long>(
                            slots,
                            budget,
                            n -> n,
                            n -> Uni.createFrom().emitter(e -> {
                                started.add(n);
                                maxBytes.accumulateAndGet(inFlightBytes.get(), Math::max);
                                running.add(e);
                            }),
                            inFlightBytes,
                            failures::add,
                            () -> completed.set(true)));
        }

        void end(int i) {
            running.set(i, null).complete(null);
        }
    }

    @Test
    void theBytesInFlightNeverPassTheBudgetAndNothingMoreIsPulledWhileOneWaits() {
        Harness h = new Harness();
        long mib = 1024 * 1024;
        h.run(List.of(600 * 1024L, 300 * 1024L, 300 * 1024L, 10L, 10L), 256, mib);

        // 600 + 300 KiB fit; the next 300 KiB does not: it waits, and nothing after it is pulled
        assertThat(h.started).containsExactly(600 * 1024L, 300 * 1024L);
        assertThat(h.pulled).hasValue(3);
        assertThat(h.inFlightBytes).hasValue(900 * 1024L);

        h.end(0); // 600 KiB back: the waiting one starts, then the small ones
        assertThat(h.started).containsExactly(600 * 1024L, 300 * 1024L, 300 * 1024L, 10L, 10L);
        assertThat(h.maxBytes.get()).isLessThanOrEqualTo(mib);
        assertThat(h.inFlightBytes).hasValue(600 * 1024L + 20);

        for (int i = 1; i < h.running.size(); i++) {
            h.end(i);
        }
        assertThat(h.inFlightBytes).hasValue(0);
        assertThat(h.completed).isTrue();
        assertThat(h.failures).isEmpty();
    }

    @Test
    void aRecordBiggerThanTheBudgetRunsAlone() {
        Harness h = new Harness();
        h.run(List.of(10L, 5000L, 10L), 256, 1000);

        assertThat(h.started).containsExactly(10L); // the big one waits for the small one to end
        h.end(0);
        assertThat(h.started).containsExactly(10L, 5000L); // alone: nothing else is pulled while it runs
        assertThat(h.pulled).hasValue(2);
        h.end(1);
        assertThat(h.started).containsExactly(10L, 5000L, 10L);
        h.end(2);
        assertThat(h.inFlightBytes).hasValue(0);
    }

    @Test
    void theSlotsStillBoundTheJobs() {
        Harness h = new Harness();
        h.run(List.of(1L, 1L, 1L, 1L), 2, 1000);
        assertThat(h.started).hasSize(2);
        h.end(1);
        assertThat(h.started).hasSize(3);
        assertThat(h.pulled).hasValue(3);
    }

    @Test
    void aFailedJobFailsTheGateAndCancelsTheUpstream() {
        Harness h = new Harness();
        h.run(List.of(1L, 1L, 1L), 1, 1000);
        h.running.set(0, null).fail(new IllegalStateException("a bug"));
        assertThat(h.failures).singleElement().extracting(Throwable::getMessage).isEqualTo("a bug");
        assertThat(h.started).hasSize(1);
        assertThat(h.pulled).hasValue(1);
    }

    /** A record as the connector hands it to the pipeline: key, value and headers. */
    private static Message<String> record(String key, String value, RecordHeaders headers) {
        ConsumerRecord<String, String> r = new ConsumerRecord<>(
                "cxbridge.fulfillment.jobs.v1",
                0,
                0L,
                ConsumerRecord.NO_TIMESTAMP,
                TimestampType.NO_TIMESTAMP_TYPE,
                ConsumerRecord.NULL_SIZE,
                ConsumerRecord.NULL_SIZE,
                key,
                value,
                headers,
                Optional.empty());
        return Message.of(value, Metadata.of(new IncomingKafkaRecordMetadata<>(r, "fulfillment-jobs-in")));
    }

    /**
     * A record weighs its key and headers, not only its value: a 1 MiB key with a tiny value fills a 1 MiB budget, so
     * the next such record waits. Weighed by the value alone, both ran (and 256 slots held 256 MiB of keys).
     */
    @Test
    void aRecordsKeyAndHeadersCountInItsWeight() {
        int mib = 1024 * 1024;
        String mibKey = "k".repeat(mib);
        assertThat(JobPipeline.size(record(mibKey, "{}", new RecordHeaders()))).isEqualTo(mib + 2L);
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", new byte[4096]);
        assertThat(JobPipeline.size(record("é", "v", headers))).isEqualTo(2 + 1 + "traceparent".length() + 4096L);
        assertThat(JobPipeline.size(record(null, null, new RecordHeaders()))).isZero();

        List<Message<String>> started = new ArrayList<>();
        AtomicLong inFlightBytes = new AtomicLong();
        Multi.createFrom()
                .items(record(mibKey + "1", "{}", new RecordHeaders()), record(mibKey + "2", "{}", new RecordHeaders()))
                .subscribe()
                .withSubscriber(new ByteBudgetGate<Message<String>>(
                        256,
                        mib,
                        JobPipeline::size,
                        m -> Uni.createFrom().emitter(e -> started.add(m)),
                        inFlightBytes,
                        e -> {},
                        () -> {}));
        assertThat(started).hasSize(1);
        assertThat(inFlightBytes).hasValue(mib + 3L);
    }
}
