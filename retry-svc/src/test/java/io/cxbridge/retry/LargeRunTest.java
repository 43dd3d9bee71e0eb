package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.bootstrap;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.run;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Runs near the size limits, through the real broker, on one partition: a run state keeps the payload twice, and a
 * journal record the producer refused used to be retried forever, holding the partition (nothing committed, the
 * records behind it never read) until the channel's unprocessed-record limit restarted the process onto it again.
 * Each large run now ends as a succeeded run or a dead letter, and the records behind it are processed.
 */
@QuarkusTest
@TestProfile(LargeRunTest.FullSizeRecords.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class LargeRunTest {

    static final int BEHIND = 5;

    public static class FullSizeRecords implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The production record limit (the test profile's is 64 KiB). max-state-bytes above the journal
            // producer's 1 MiB: a run between the two passes intake and meets the producer's refusal, the failure
            // no wait can mend, which must dead-letter it rather than hold the partition.
            return Map.of(
                    "cxbridge.retry.max-record-bytes", "1048576",
                    "cxbridge.retry.max-state-bytes", "1500000",
                    "cxbridge.retry.key-prefix", "cxbridge:retry:test-large-runs");
        }
    }

    private final SimControl sim = GenesysSim.shared().control();

    /** A valid run whose value is about {@code bytes} long (its payload one long string). */
    static String bigRun(String requestId, String actionId, int bytes) {
        return """
                {"requestId": "%s", "actionId": "%s", "originalRunId": "run-%s",
                 "requestPayload": {"note": "%s"}}""".formatted(requestId, actionId, requestId, "a \\\"quoted\\\" line ".repeat(bytes / 20));
    }

    @Test
    void largeRunsEndAsSucceededOrDeadLetteredAndTheRecordsBehindThemAreProcessed() throws Exception {
        String action = newAction();
        String nearLimit = UUID.randomUUID().toString(); // ~1 MB: its state (~2 MB) is refused at intake
        String overJournal = UUID.randomUUID().toString(); // ~600 KB: passes intake, the producer refuses its state
        String fits = UUID.randomUUID().toString(); // ~300 KB: its state (~600 KB) is journaled
        String nearValue = bigRun(nearLimit, action, 1_040_000);
        String overValue = bigRun(overJournal, action, 600_000);
        List<String> behind = new ArrayList<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 << 20));
        RecordMetadata last;
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, 0, action, nearValue))
                    .get();
            producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, 0, action, overValue))
                    .get();
            producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, 0, action, bigRun(fits, action, 300_000)))
                    .get();
            last = null;
            for (int i = 0; i < BEHIND; i++) {
                String id = UUID.randomUUID().toString();
                behind.add(id);
                last = producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, 0, action, run(id, action)))
                        .get();
            }
        }

        // every record behind the large ones is processed
        for (String id : behind) {
            awaitFinished(id, "succeeded");
        }
        awaitFinished(fits, "succeeded");
        assertEquals(
                BEHIND + 1, sim.stats().requests("POST", path(action), 200), "the runs behind and the one that fits");

        List<ConsumerRecord<String, byte[]>> dead = TopicReader.await(
                bootstrap(),
                Topics.FAILED_RUNS_DLQ,
                2,
                r -> r.headers().lastHeader(Headers.DLQ_ID) != null
                        && List.of(nearLimit, overJournal)
                                .contains(TopicReader.headers(r).get(Headers.DLQ_ID)),
                Duration.ofSeconds(30));
        for (ConsumerRecord<String, byte[]> r : dead) {
            Map<String, String> h = TopicReader.headers(r);
            assertEquals("invalid", h.get(Headers.ERROR_CLASS));
            String reason = h.get(Headers.ERROR_REASON);
            if (nearLimit.equals(h.get(Headers.DLQ_ID))) {
                assertTrue(reason.startsWith("run too large to keep: its state would be "), reason);
                // the dead letter keeps the value byte for byte (the DLQ producer compresses, up to 8 MiB)
                assertArrayEquals(nearValue.getBytes(StandardCharsets.UTF_8), r.value());
            } else {
                assertTrue(
                        reason.startsWith("the run cannot be kept: Kafka refused the record as too large: "), reason);
                assertArrayEquals(overValue.getBytes(StandardCharsets.UTF_8), r.value());
            }
        }

        // the batch holding them was committed: the partition moves on
        TopicPartition partition = new TopicPartition(Topics.FAILED_RUNS, 0);
        long end = last.offset() + 1;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets("retry-svc")
                                .partitionsToOffsetAndMetadata()
                                .get()
                                .get(partition);
                        return committed != null && committed.offset() >= end;
                    });
        }
        Management.given().get("/q/health/live").then().statusCode(200);
        Management.given().get("/q/health/ready").then().statusCode(200);
    }
}
