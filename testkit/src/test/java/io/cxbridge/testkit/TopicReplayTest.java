package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.common.kafka.TopicReplay;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * service-common's {@code TopicReplay} against the real broker (testkit depends on service-common, so its tests live
 * here): a rebuild's two passes hand over each key's last record once, and never hold more than a poll of values.
 */
class TopicReplayTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void theSecondPassRestoresEachKeysLastRecordOnlyAndNothingWrittenAfterTheFirst() throws Exception {
        String topic = newTopic(3);
        Map<String, Object> config = config();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int version = 1; version <= 5; version++) {
                for (String key : List.of("a", "b", "c", "d")) {
                    producer.send(new ProducerRecord<>(topic, key, key + version));
                }
            }
            // the last of "c" does not read, so its fifth version stays its last; "d" ends in a tombstone
            producer.send(new ProducerRecord<>(topic, "c", "unreadable"));
            producer.send(new ProducerRecord<>(topic, "d", null));
            producer.flush();
        }
        TopicReplay.LastPerKey last =
                TopicReplay.lastPerKey(config, topic, TIMEOUT, r -> "unreadable".equals(r.value()) ? null : r.key());
        assertThat(last.read()).isEqualTo(22);
        assertThat(last.size()).isEqualTo(4);
        assertThat(last.records("a")).isEqualTo(5);
        assertThat(last.records("d")).isEqualTo(6);
        assertThat(last.contains("e")).isFalse();

        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "a", "a6"));
            producer.send(new ProducerRecord<>(topic, "e", "e1"));
            producer.flush();
        }
        Map<String, String> restored = new ConcurrentHashMap<>();
        AtomicLong handed = new AtomicLong();
        long answeredTrue = TopicReplay.restoreLast(
                config,
                topic,
                TIMEOUT,
                last,
                r -> {
                    handed.incrementAndGet();
                    restored.put(r.key(), String.valueOf(r.value()));
                    return Uni.createFrom().item(r.value() != null);
                },
                4);
        assertThat(handed).hasValue(4);
        assertThat(restored).isEqualTo(Map.of("a", "a5", "b", "b5", "c", "c5", "d", "null"));
        assertThat(answeredTrue).isEqualTo(3);
    }

    @Test
    void theSecondPassHoldsAboutAPollOfValuesNotTheTopic() throws Exception {
        String topic = newTopic(2);
        Map<String, Object> config = config();
        String value = "x".repeat(256 * 1024);
        int records = 160; // 40 MiB
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, value));
            }
            producer.flush();
        }
        TopicReplay.LastPerKey last = TopicReplay.lastPerKey(config, topic, TIMEOUT, r -> r.key());
        assertThat(last.size()).isEqualTo(records);

        // bytes of values handed over and not yet restored, and the most of them at any moment
        AtomicLong held = new AtomicLong();
        AtomicLong most = new AtomicLong();
        long restored = TopicReplay.restoreLast(
                config,
                topic,
                TIMEOUT,
                last,
                r -> {
                    most.accumulateAndGet(held.addAndGet(r.value().length()), Math::max);
                    return Uni.createFrom()
                            .item(true)
                            .onItem()
                            .delayIt()
                            .by(Duration.ofMillis(2))
                            .invoke(() -> held.addAndGet(-r.value().length()));
                },
                8);
        assertThat(restored).isEqualTo(records);
        assertThat(held).hasValue(0);
        // a poll brings at most max.partition.fetch.bytes (1 MiB) a partition; a whole read would hold 40 MiB
        assertThat(most.get()).isLessThanOrEqualTo(4L * 1024 * 1024).isPositive();
    }

    @Test
    void aTopicNotCreatedReadsAsEmptyInBothPasses() {
        Map<String, Object> config = config();
        String topic = "testkit.replay.absent." + UUID.randomUUID();
        TopicReplay.LastPerKey last = TopicReplay.lastPerKey(config, topic, TIMEOUT, r -> r.key());
        assertThat(last.size()).isZero();
        assertThat(TopicReplay.restoreLast(
                        config, topic, TIMEOUT, last, r -> Uni.createFrom().item(true), 4))
                .isZero();
    }

    private static Map<String, Object> config() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
    }

    private static String newTopic(int partitions) throws Exception {
        String topic = "testkit.replay." + UUID.randomUUID();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
