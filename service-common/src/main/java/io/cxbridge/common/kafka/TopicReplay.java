package io.cxbridge.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic, from the beginning to the end offsets of the moment it starts, with a consumer of its own
 * (no group, nothing committed), built from the service's {@code kafka.*} settings
 * ({@code @Identifier("default-kafka-broker") Map<String, Object>}): how a {@code RedisRebuild} reads its journal or
 * DLQ topic. A topic that does not exist yet reads as empty (never auto-created). Blocking: call it off the event
 * loop (e.g. {@code Uni.createFrom().item(...).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())}).
 */
public final class TopicReplay {

    private TopicReplay() {}

    /** Calls {@code each} for every record, in offset order per partition; answers how many there were. */
    public static long read(
            Map<String, Object> kafkaConfig,
            String topic,
            Duration timeout,
            Consumer<ConsumerRecord<String, String>> each) {
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
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = 0;
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            if (!consumer.listTopics(timeout).containsKey(topic)) {
                return 0;
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took longer than " + timeout);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        each.accept(r);
                        count++;
                    }
                }
            }
        }
        return count;
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
