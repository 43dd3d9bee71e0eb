package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.json;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.fulfillment.worker.FulfillmentWorker;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Records that cannot be worked for a reason of their own, produced straight to the jobs topic between valid jobs:
 * each is on the DLQ topic with its reason, every valid job completes, and the consumer never stops.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class PoisonRecordTest {

    @BeforeEach
    void setUp() {
        FulfillmentTestSupport.sim().reset();
    }

    private record Poison(String key, String value, RecordHeaders headers, String errorClass) {}

    private static RecordHeaders header(String name, String value) {
        RecordHeaders h = new RecordHeaders();
        h.add(name, value.getBytes(StandardCharsets.UTF_8));
        return h;
    }

    @Test
    void poisonRecordsGoToTheDlqWithTheirReasonAndTheJobsAroundThemComplete() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        FulfillmentJob sample = job(newFid(), newToken(), Duration.ofSeconds(60));
        // 2 MiB of JSON: over the 1 MiB limit (it reaches the broker compressed)
        String huge = json(sample).replaceFirst("\\{", "{\"padding\":\"" + "x".repeat(2 * 1024 * 1024) + "\",");
        String invalid = json(sample).replace(sample.jobId(), "not-a-uuid");
        List<Poison> poisons = List.of(
                new Poison(
                        "p-notjson-" + tag, "<job>not json</job>", new RecordHeaders(), FulfillmentWorker.INVALID_JOB),
                new Poison("p-huge-" + tag, huge, new RecordHeaders(), RecordCheck.TOO_LARGE),
                new Poison("p-invalid-" + tag, invalid, new RecordHeaders(), FulfillmentWorker.INVALID_JOB),
                new Poison(
                        "p-traceparent-" + tag,
                        json(sample),
                        header(Headers.TRACEPARENT, "not-a-trace"),
                        RecordCheck.MALFORMED_HEADER),
                new Poison(
                        "p-version-" + tag,
                        json(sample),
                        header(Headers.SCHEMA_VERSION, "7"),
                        RecordCheck.UNKNOWN_SCHEMA_VERSION),
                new Poison(
                        "p-unknown-" + tag,
                        json(sample),
                        header("cxbridge-replayed-at", "not-a-date"),
                        RecordCheck.UNKNOWN_HEADER));

        List<FulfillmentJob> valid = new ArrayList<>();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("compression.type", "gzip");
        p.put("max.request.size", String.valueOf(8 * 1024 * 1024));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<Future<?>> sent = new ArrayList<>();
            for (Poison poison : poisons) {
                FulfillmentJob ok = job(newFid(), newToken(), Duration.ofSeconds(60));
                valid.add(ok);
                sent.add(producer.send(new ProducerRecord<>(Topics.FULFILLMENT_JOBS, ok.fulfillmentId(), json(ok))));
                sent.add(producer.send(new ProducerRecord<>(
                        Topics.FULFILLMENT_JOBS, null, poison.key(), poison.value(), poison.headers())));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }

        for (FulfillmentJob ok : valid) {
            assertEquals("complete", awaitTerminal(ok.jobId()).getString("state"));
        }
        List<ConsumerRecord<String, byte[]>> dead = TopicReader.await(
                bootstrap(),
                Topics.FULFILLMENT_JOBS_DLQ,
                poisons.size(),
                r -> r.key() != null && r.key().endsWith(tag),
                Duration.ofSeconds(30));
        Map<String, ConsumerRecord<String, byte[]>> byKey = new LinkedHashMap<>();
        dead.forEach(r -> byKey.put(r.key(), r));
        for (Poison poison : poisons) {
            ConsumerRecord<String, byte[]> r = byKey.get(poison.key());
            Map<String, String> headers = TopicReader.headers(r);
            assertEquals(poison.errorClass(), headers.get(Headers.ERROR_CLASS), poison.key());
            assertTrue(!headers.get(Headers.ERROR_REASON).isBlank(), poison.key());
            assertTrue(
                    Arrays.equals(poison.value().getBytes(StandardCharsets.UTF_8), r.value()),
                    "the value is kept unchanged: " + poison.key());
        }
        Management.given().get("/q/health/live").then().statusCode(200);
    }
}
