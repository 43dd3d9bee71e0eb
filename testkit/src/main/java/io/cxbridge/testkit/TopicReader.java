package io.cxbridge.testkit;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its beginning with a plain Kafka consumer (no group, nothing committed), the
 * way an outside team would, until enough matching records arrived or the timeout passed.
 */
public final class TopicReader {

    private TopicReader() {}

    /** Waits for {@code count} records matching {@code filter}; fails with what was seen on timeout. */
    public static List<ConsumerRecord<String, byte[]>> await(
            String bootstrap,
            String topic,
            int count,
            Predicate<ConsumerRecord<String, byte[]>> filter,
            Duration timeout) {
        List<ConsumerRecord<String, byte[]>> matched = new ArrayList<>();
        int seen = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(2));
                partitions = info == null
                        ? List.of()
                        : info.stream()
                                .map(p -> new TopicPartition(p.topic(), p.partition()))
                                .toList();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (matched.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                    if (filter.test(r)) {
                        matched.add(r);
                    }
                }
            }
        }
        if (matched.size() < count) {
            throw new AssertionError("expected " + count + " matching records on " + topic + " within " + timeout
                    + ", found " + matched.size() + " of " + seen + " read");
        }
        return matched;
    }

    /** Every record now on the topic (reads until the end offsets known at the call). */
    public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            List<PartitionInfo> info = consumer.partitionsFor(topic, timeout);
            List<TopicPartition> partitions = info == null
                    ? List.of()
                    : info.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    /** Parses a record in CloudEvents binary content mode with the CloudEvents SDK. */
    public static CloudEvent cloudEvent(ConsumerRecord<String, byte[]> record) {
        return KafkaMessageFactory.createReader(record).toEvent();
    }

    /** A record's headers as strings (last value wins). */
    public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        record.headers().forEach(h -> out.put(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
        return out;
    }

    /** Predicate on a string header's value. */
    public static Predicate<ConsumerRecord<String, byte[]>> header(String name, String value) {
        return r -> {
            var h = r.headers().lastHeader(name);
            return h != null && value.equals(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
        };
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p);
    }
}
