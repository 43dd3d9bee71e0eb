package io.cxbridge.common.kafka;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
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
 * Reads a whole topic once, from its beginning to the end offsets of the moment the read starts: how a service
 * rebuilds what it keeps in Redis from its system of record (a journal or a DLQ topic) after Redis lost its data.
 * Its own consumer (no group, nothing committed), built from the service's {@code kafka.*} settings so SASL/TLS
 * apply; it runs on a worker thread, never on an event loop.
 */
@ApplicationScoped
public class TopicReplay {

    private final Map<String, Object> kafkaConfig;

    public TopicReplay(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.kafkaConfig = kafkaConfig;
    }

    /** Hands every record to {@code each} (one thread, in offset order per partition); the number read. */
    public Uni<Long> read(String topic, Duration timeout, Consumer<ConsumerRecord<String, String>> each) {
        return Uni.createFrom().item(() -> readBlocking(topic, timeout, each))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    long readBlocking(String topic, Duration timeout, Consumer<ConsumerRecord<String, String>> each) {
        Map<String, Object> config = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                config.put(k, v);
            }
        });
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "cxbridge-replay-" + topic);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        long deadline = System.nanoTime() + timeout.toNanos();
        long read = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (behind(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took longer than " + timeout);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    // Records written after the read began are the running service's: they are already in Redis.
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        each.accept(r);
                        read++;
                    }
                }
            }
        }
        return read;
    }

    private static boolean behind(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue());
    }
}
