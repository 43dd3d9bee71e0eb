package io.cxbridge.common.kafka;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic, from the beginning to the end offsets of the moment it starts, with a consumer of its own
 * (no group, nothing committed), built from the service's {@code kafka.*} settings
 * ({@code @Identifier("default-kafka-broker") Map<String, Object>}): how a {@code RedisRebuild} reads its journal or
 * DLQ topic. A topic that does not exist yet reads as empty (never auto-created). Blocking: call it off the event
 * loop (e.g. {@code Uni.createFrom().item(...).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())}).
 *
 * <p>A rebuild that wants the last record of each key reads in two passes ({@link #lastPerKey}, then
 * {@link #restoreLast}), so that what it holds grows with the number of keys, never with the size of their values:
 * a journal kept for days holds far more bytes than a service's heap.
 */
public final class TopicReplay {

    /** Bytes one poll may bring (Kafka's default is 50 MiB): what a replay holds at once is one poll. */
    static final int FETCH_MAX_BYTES = 8 * 1024 * 1024;

    private TopicReplay() {}

    /** Calls {@code each} for every record, in offset order per partition; answers how many there were. */
    public static long read(
            Map<String, Object> kafkaConfig,
            String topic,
            Duration timeout,
            Consumer<ConsumerRecord<String, String>> each) {
        return replay(kafkaConfig, topic, timeout, null, batch -> batch.forEach(each))
                .read();
    }

    /** Where the last record of a key is, and how many records of the key were read. */
    public record Position(int partition, long offset, int records) {}

    /**
     * The first pass: where the last record of each key is. Holds a key and its position per key (about 150 bytes
     * for a UUID), never a value.
     */
    public static final class LastPerKey {

        private final String topic;
        private final Map<String, Position> positions;
        private final Map<TopicPartition, Long> ends;
        private final long read;
        private final Map<Integer, long[]> lastOffsets = new HashMap<>();

        LastPerKey(String topic, Map<String, Position> positions, Map<TopicPartition, Long> ends, long read) {
            this.topic = topic;
            this.positions = positions;
            this.ends = ends;
            this.read = read;
            Map<Integer, List<Long>> byPartition = new HashMap<>();
            positions
                    .values()
                    .forEach(p -> byPartition
                            .computeIfAbsent(p.partition(), k -> new ArrayList<>())
                            .add(p.offset()));
            byPartition.forEach((partition, offsets) -> {
                long[] sorted = offsets.stream().mapToLong(Long::longValue).toArray();
                Arrays.sort(sorted);
                lastOffsets.put(partition, sorted);
            });
        }

        /** Records read in the first pass. */
        public long read() {
            return read;
        }

        /** Keys found. */
        public int size() {
            return positions.size();
        }

        public boolean contains(String key) {
            return positions.containsKey(key);
        }

        /** Records of {@code key} read (0 for a key not found). */
        public int records(String key) {
            Position p = positions.get(key);
            return p == null ? 0 : p.records();
        }

        boolean isLast(ConsumerRecord<?, ?> r) {
            long[] offsets = lastOffsets.get(r.partition());
            return topic.equals(r.topic()) && offsets != null && Arrays.binarySearch(offsets, r.offset()) >= 0;
        }
    }

    /**
     * Reads {@code topic} once and answers where the last record of each key is. {@code keyOf} names the key a
     * record stands for, or null for a record that stands for none (unreadable, out of scope): such a record never
     * becomes a key's last, so an earlier one of its key stays the last. A tombstone is a key's last record like any
     * other: the restoring function decides what it means.
     */
    public static LastPerKey lastPerKey(
            Map<String, Object> kafkaConfig,
            String topic,
            Duration timeout,
            Function<ConsumerRecord<String, String>, String> keyOf) {
        Map<String, Position> positions = new HashMap<>();
        Replayed replayed = replay(kafkaConfig, topic, timeout, null, batch -> {
            for (ConsumerRecord<String, String> r : batch) {
                String key = keyOf.apply(r);
                if (key != null) {
                    Position before = positions.get(key);
                    positions.put(
                            key, new Position(r.partition(), r.offset(), before == null ? 1 : before.records() + 1));
                }
            }
        });
        return new LastPerKey(topic, positions, replayed.ends(), replayed.read());
    }

    /**
     * Reads {@code topic} a second time, up to where {@link #lastPerKey} stopped (records written since then are
     * not read: whoever wrote them wrote Redis too), and restores the last record of each key found there, at most
     * {@code concurrency} at once, one poll at a time: the next poll waits until the records of the last one are
     * restored. Answers how many restorations answered true.
     */
    public static long restoreLast(
            Map<String, Object> kafkaConfig,
            String topic,
            Duration timeout,
            LastPerKey last,
            Function<ConsumerRecord<String, String>, Uni<Boolean>> restore,
            int concurrency) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long[] restored = {0};
        replay(kafkaConfig, topic, timeout, last.ends, batch -> {
            List<ConsumerRecord<String, String>> lasts = new ArrayList<>();
            for (ConsumerRecord<String, String> r : batch) {
                if (last.isLast(r)) {
                    lasts.add(r);
                }
            }
            if (lasts.isEmpty()) {
                return;
            }
            // Applied here, on the reading thread: parsing a value is not work for the event loop a Uni completes on.
            List<Uni<Boolean>> restorations = new ArrayList<>(lasts.size());
            for (ConsumerRecord<String, String> r : lasts) {
                restorations.add(restore.apply(r));
            }
            Long done = Multi.createFrom()
                    .iterable(restorations)
                    .onItem()
                    .transformToUni(u -> u)
                    .merge(concurrency)
                    .filter(Boolean::booleanValue)
                    .collect()
                    .with(java.util.stream.Collectors.counting())
                    .await()
                    .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            restored[0] += done;
        });
        return restored[0];
    }

    /** What {@link #restoreLastPerKey} did: records read by the first pass, keys, restorations that answered true. */
    public record Restored(long read, int keys, long restored) {}

    /**
     * Both passes, {@link #lastPerKey} then {@link #restoreLast}, on a worker thread (they block); {@code restore}
     * gets the first pass's findings with each last record (e.g. how many records its key had).
     */
    public static Uni<Restored> restoreLastPerKey(
            Map<String, Object> kafkaConfig,
            String topic,
            Duration timeout,
            Function<ConsumerRecord<String, String>, String> keyOf,
            BiFunction<LastPerKey, ConsumerRecord<String, String>, Uni<Boolean>> restore,
            int concurrency) {
        return Uni.createFrom()
                .item(() -> {
                    LastPerKey last = lastPerKey(kafkaConfig, topic, timeout, keyOf);
                    long restored =
                            restoreLast(kafkaConfig, topic, timeout, last, r -> restore.apply(last, r), concurrency);
                    return new Restored(last.read(), last.size(), restored);
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private record Replayed(Map<TopicPartition, Long> ends, long read) {}

    /** Reads from the beginning to {@code ends} (the end offsets of now when null), one poll's records at a time. */
    private static Replayed replay(
            Map<String, Object> kafkaConfig,
            String topic,
            Duration timeout,
            Map<TopicPartition, Long> ends,
            Consumer<List<ConsumerRecord<String, String>>> eachPoll) {
        Map<String, Object> config = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                config.put(k, v);
            }
        });
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A topic not created yet is read as empty; creating it here would skip its retention and cleanup policy.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "cxbridge-rebuild-" + topic);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = 0;
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            if (!consumer.listTopics(timeout).containsKey(topic)) {
                return new Replayed(Map.of(), 0);
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            if (ends != null) {
                // the first pass's ends; a partition added since is not read
                end.replaceAll((tp, now) -> Math.min(now, ends.getOrDefault(tp, 0L)));
            }
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took longer than " + timeout);
                }
                ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(500));
                List<ConsumerRecord<String, String>> batch = new ArrayList<>(polled.count());
                for (ConsumerRecord<String, String> r : polled) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        batch.add(r);
                    }
                }
                if (!batch.isEmpty()) {
                    eachPoll.accept(batch);
                    count += batch.size();
                }
            }
            return new Replayed(Map.copyOf(end), count);
        }
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
