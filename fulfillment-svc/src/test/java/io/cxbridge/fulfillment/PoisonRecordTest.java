package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.json;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.fulfillment.worker.FulfillmentWorker;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
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

    /** Produces the records in order (gzipped, so values far over the broker's 1 MiB limit reach it). */
    private static void produce(List<ProducerRecord<String, String>> records) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("compression.type", "gzip");
        p.put("max.request.size", String.valueOf(16 * 1024 * 1024));
        p.put("buffer.memory", String.valueOf(64 * 1024 * 1024));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<String, String> r : records) {
                sent.add(producer.send(r));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
    }

    private static ProducerRecord<String, String> jobRecord(FulfillmentJob job) {
        return new ProducerRecord<>(Topics.FULFILLMENT_JOBS, job.fulfillmentId(), json(job));
    }

    /**
     * A fulfillmentId (and trace id) of 400 KB in a job, and a record key of 400 KB on a refused record: each id went
     * into the dead-lettered audit event three times (key, ce_subject, data), over the producer's 1 MiB; Kafka's
     * refusal was passed to the channel, which stopped (liveness DOWN, the same record after every restart).
     */
    @Test
    void idsOfHundredsOfKilobytesAreBoundedInTheAuditEventsAndTheJobsAroundThemComplete() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String hugeFid = "big-" + tag + "-" + "a".repeat(400_000);
        String hugeKey = "key-" + tag + "-" + "k".repeat(400_000);
        FulfillmentJob base = job(newFid(), newToken(), Duration.ofSeconds(60));
        FulfillmentJob bigIds = new FulfillmentJob(
                base.jobId(),
                hugeFid,
                base.fulfillmentUrl(),
                base.fulfillmentToken(),
                base.data(),
                base.receivedAt(),
                base.deadline(),
                "trace-" + "t".repeat(400_000));
        List<FulfillmentJob> valid = List.of(
                job(newFid(), newToken(), Duration.ofSeconds(60)),
                job(newFid(), newToken(), Duration.ofSeconds(60)),
                job(newFid(), newToken(), Duration.ofSeconds(60)));
        produce(List.of(
                jobRecord(valid.get(0)),
                new ProducerRecord<>(Topics.FULFILLMENT_JOBS, hugeFid, json(bigIds)),
                jobRecord(valid.get(1)),
                new ProducerRecord<>(
                        Topics.FULFILLMENT_JOBS, null, hugeKey, json(base), header(Headers.TRACEPARENT, "not-a-trace")),
                jobRecord(valid.get(2))));

        for (FulfillmentJob ok : valid) {
            assertEquals("complete", awaitTerminal(ok.jobId()).getString("state"));
        }
        // the dead letters keep the records as they came, keys included
        Map<String, String> classes = new LinkedHashMap<>();
        TopicReader.await(
                        bootstrap(),
                        Topics.FULFILLMENT_JOBS_DLQ,
                        2,
                        r -> hugeFid.equals(r.key()) || hugeKey.equals(r.key()),
                        Duration.ofSeconds(30))
                .forEach(r -> classes.put(r.key(), TopicReader.headers(r).get(Headers.ERROR_CLASS)));
        assertEquals(FulfillmentWorker.INVALID_JOB, classes.get(hugeFid));
        assertEquals(RecordCheck.MALFORMED_HEADER, classes.get(hugeKey));
        // the audit events name them bounded: at most 256 chars in the key, ce_subject and the data
        List<ConsumerRecord<String, byte[]>> events = TopicReader.await(
                bootstrap(),
                Topics.AUDIT,
                2,
                TopicReader.header("ce_type", AuditTypes.FULFILLMENT_DEAD_LETTERED)
                        .and(r -> r.key().startsWith("big-" + tag) || r.key().startsWith("key-" + tag)),
                Duration.ofSeconds(30));
        for (ConsumerRecord<String, byte[]> e : events) {
            assertEquals(BoundedId.MAX_CHARS, e.key().length(), "a bounded key");
            assertEquals(e.key(), TopicReader.headers(e).get("ce_subject"));
            assertTrue(e.value().length < 4096, "a small event: " + e.value().length + " bytes");
            assertEquals(
                    e.key(),
                    Json.mapper().readTree(e.value()).path("fulfillmentId").asText());
        }
        assertEquals(BoundedId.of(hugeFid), awaitTerminal(bigIds.jobId()).getString("fulfillmentId"));
        assertConsumerGoesOn();
    }

    /**
     * 9 MiB gzipped to a few KB reaches the consumer whole; refused as too large, it was sent whole to the DLQ, whose
     * producer takes 8 MiB: Kafka's refusal stopped the channel. Now its dead letter is a stub: size and SHA-256.
     */
    @Test
    void aValueTooLargeEvenForTheDlqIsDeadLetteredAsAStubAndTheJobsAroundItComplete() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String key = "p-nine-" + tag;
        String nine = "{\"padding\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}";
        FulfillmentJob before = job(newFid(), newToken(), Duration.ofSeconds(60));
        FulfillmentJob after = job(newFid(), newToken(), Duration.ofSeconds(60));
        produce(List.of(jobRecord(before), new ProducerRecord<>(Topics.FULFILLMENT_JOBS, key, nine), jobRecord(after)));

        assertEquals("complete", awaitTerminal(before.jobId()).getString("state"));
        assertEquals("complete", awaitTerminal(after.jobId()).getString("state"));
        ConsumerRecord<String, byte[]> stub = TopicReader.await(
                        bootstrap(), Topics.FULFILLMENT_JOBS_DLQ, 1, r -> key.equals(r.key()), Duration.ofSeconds(30))
                .get(0);
        Map<String, String> headers = TopicReader.headers(stub);
        assertEquals(RecordCheck.TOO_LARGE, headers.get(Headers.ERROR_CLASS));
        assertTrue(headers.get(Headers.ERROR_REASON).contains(String.valueOf(nine.length())), headers.toString());
        var value = Json.mapper().readTree(stub.value()).path("deadLetterStub");
        byte[] bytes = nine.getBytes(StandardCharsets.UTF_8);
        assertEquals(bytes.length, value.path("valueBytes").asLong());
        assertEquals(BoundedId.sha256(bytes), value.path("valueSha256").asText());
        assertTrue(value.path("reason").asText().contains("too large"), value.toString());
        assertConsumerGoesOn();
    }

    /**
     * A job sent after the poison was dead-lettered completes and liveness is UP: jobs already in flight when a
     * poison failed the channel still completed, so only a later one shows the consumer did not stop.
     */
    private static void assertConsumerGoesOn() {
        FulfillmentJob later = job(newFid(), newToken(), Duration.ofSeconds(60));
        FulfillmentTestSupport.publish(later);
        assertEquals("complete", awaitTerminal(later.jobId()).getString("state"));
        Management.given().get("/q/health/live").then().statusCode(200);
    }
}
