package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void recordsSurviveARestartOnTheSameAddress() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String bootstrap = broker.bootstrapServers();
        String topic = "testkit.restart";

        send(bootstrap, topic, "k1", "before", Duration.ofSeconds(30));

        broker.stop();
        assertThat(broker.isRunning()).isFalse();
        assertThatThrownBy(() -> send(bootstrap, topic, "k2", "while-down", Duration.ofSeconds(2)))
                .as("a send while the broker is stopped is not acknowledged");

        broker.start();
        assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
        send(bootstrap, topic, "k3", "after", Duration.ofSeconds(30));

        List<ConsumerRecord<String, byte[]>> records =
                TopicReader.await(bootstrap, topic, 2, r -> true, Duration.ofSeconds(20));
        assertThat(records)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("before", "after");
    }

    @Test
    void awaitFailsWithWhatItSawWhenTooFewRecordsArrive() throws Exception {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        send(bootstrap, "testkit.short", "k", "only-one", Duration.ofSeconds(30));
        assertThatThrownBy(() -> TopicReader.await(bootstrap, "testkit.short", 2, r -> true, Duration.ofSeconds(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("found 1 of 1 read");
    }

    private static void send(String bootstrap, String topic, String key, String value, Duration timeout)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 100);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("not acknowledged: " + e.getCause(), e.getCause());
        }
    }
}
