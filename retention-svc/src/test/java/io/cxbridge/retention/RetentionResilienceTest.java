package io.cxbridge.retention;

import static io.cxbridge.retention.RetentionFlowTest.awaitState;
import static io.cxbridge.retention.RetentionFlowTest.policy;
import static io.cxbridge.retention.RetentionFlowTest.submit;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.RetentionRequest;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.worker.RequestDeadLetters;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.PrometheusText;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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

/** Poison records go to retention-svc's DLQ; request states survive Redis restarted empty (rebuilt from the journal). */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class RetentionResilienceTest {

    @Inject
    RedisAPI redis;

    @Inject
    RetentionConfig config;

    @BeforeEach
    void resetSim() {
        GenesysSim.shared().control().reset();
        GenesysSim.shared().control().config(Map.of("jobCompletionMs", 150));
    }

    static String bootstrap() {
        return KafkaBroker.shared().bootstrapServers();
    }

    static double metric(String name) {
        return PrometheusText.sum(Management.metrics(), name);
    }

    private record Poison(String key, String value, RecordHeaders headers, String errorClass) {}

    @Test
    void poisonRecordsGoToTheDlqWithTheirReasonAndTheRequestsAroundThemAreDeployed() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String valid = Json.mapper()
                .writeValueAsString(new RetentionRequest(
                        UUID.randomUUID().toString(),
                        Json.mapper().readTree(policy("poison-" + tag, "call", 90)),
                        false,
                        null));
        RecordHeaders badTrace = new RecordHeaders();
        badTrace.add(Headers.TRACEPARENT, "00-nope".getBytes(StandardCharsets.UTF_8));
        List<Poison> poisons = List.of(
                new Poison("p-notjson-" + tag, "{not json", new RecordHeaders(), RequestDeadLetters.INVALID_REQUEST),
                new Poison(
                        "p-huge-" + tag,
                        valid.replaceFirst("\\{", "{\"padding\":\"" + "y".repeat(2 << 20) + "\","),
                        new RecordHeaders(),
                        RecordCheck.TOO_LARGE),
                new Poison(
                        "p-invalid-" + tag,
                        valid.replaceFirst("\"requestId\":\"[^\"]+\"", "\"requestId\":\"x\""),
                        new RecordHeaders(),
                        RequestDeadLetters.INVALID_REQUEST),
                new Poison("p-header-" + tag, valid, badTrace, RecordCheck.MALFORMED_HEADER),
                // 9 MiB gzipped to a few KB: over the DLQ producer's 8 MiB, so its dead letter is a stub (it was sent
                // whole, Kafka refused it, and the refusal stopped the channel on it after every restart)
                new Poison(
                        "p-nine-" + tag,
                        valid.replaceFirst("\\{", "{\"padding\":\"" + "z".repeat(9 << 20) + "\","),
                        new RecordHeaders(),
                        RecordCheck.TOO_LARGE));

        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("compression.type", "gzip");
        p.put("max.request.size", String.valueOf(16 << 20));
        List<String> requests = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<Future<?>> sent = new ArrayList<>();
            for (Poison poison : poisons) {
                requests.add(submit(policy("around-" + tag + "-" + requests.size(), "chat", 60)));
                sent.add(producer.send(new ProducerRecord<>(
                        Topics.RETENTION_REQUESTS, null, poison.key(), poison.value(), poison.headers())));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        requests.add(submit(policy("after-" + tag, "email", 45)));
        for (String id : requests) {
            awaitState(id, "deployed");
        }
        List<ConsumerRecord<String, byte[]>> dead = TopicReader.await(
                bootstrap(),
                Topics.RETENTION_REQUESTS_DLQ,
                poisons.size(),
                r -> r.key() != null && r.key().endsWith(tag),
                Duration.ofSeconds(30));
        Map<String, Map<String, String>> byKey = new LinkedHashMap<>();
        dead.forEach(r -> byKey.put(r.key(), TopicReader.headers(r)));
        for (Poison poison : poisons) {
            assertEquals(poison.errorClass(), byKey.get(poison.key()).get(Headers.ERROR_CLASS), poison.key());
            assertTrue(!byKey.get(poison.key()).get(Headers.ERROR_REASON).isBlank());
        }
        ConsumerRecord<String, byte[]> nine = dead.stream()
                .filter(r -> r.key().startsWith("p-nine-"))
                .findFirst()
                .orElseThrow();
        byte[] nineBytes = poisons.get(poisons.size() - 1).value().getBytes(StandardCharsets.UTF_8);
        var stub = Json.mapper().readTree(nine.value()).path("deadLetterStub");
        assertEquals(nineBytes.length, stub.path("valueBytes").asLong());
        assertEquals(BoundedId.sha256(nineBytes), stub.path("valueSha256").asText());
        Management.given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aRequestWhoseStoredStateDoesNotReadIsDeadLetteredAndTheRequestsBehindItAreDeployed() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String damagedId = UUID.randomUUID().toString();
        // edited by hand, or written by another version: the state field is not a state
        redis.set(List.of(
                        "{" + config.keyPrefix() + "}:request:" + damagedId,
                        "{\"requestId\":\"" + damagedId + "\",\"state\":[\"not\",\"a\",\"state\"]}",
                        "PX",
                        "120000"))
                .await()
                .atMost(Duration.ofSeconds(5));
        String value = Json.mapper()
                .writeValueAsString(new RetentionRequest(
                        damagedId, Json.mapper().readTree(policy("damaged-" + tag, "call", 90)), false, null));
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(Topics.RETENTION_REQUESTS, damagedId, value))
                    .get();
        }
        String behind = submit(policy("behind-damaged-" + tag, "chat", 60));

        awaitState(behind, "deployed");
        ConsumerRecord<String, byte[]> dead = TopicReader.await(
                        bootstrap(),
                        Topics.RETENTION_REQUESTS_DLQ,
                        1,
                        r -> damagedId.equals(r.key()),
                        Duration.ofSeconds(30))
                .get(0);
        assertEquals(
                RequestDeadLetters.STATE_UNREADABLE, TopicReader.headers(dead).get(Headers.ERROR_CLASS));
        assertTrue(TopicReader.headers(dead).get(Headers.ERROR_REASON).contains("cannot be read"));
        Management.given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void requestStatesAndTheReportAreRebuiltFromTheJournalAfterRedisRestartedEmpty() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        List<String> done =
                List.of(submit(policy("loss-a-" + tag, "sms", 40)), submit(policy("loss-b-" + tag, "task", 50)));
        for (String id : done) {
            awaitState(id, "deployed");
        }
        Map<String, Object> reportBefore = given().get("/v1/retention/report")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        double losses = metric("cxbridge_redis_data_loss_total");

        RedisServer redis = RedisServer.shared();
        redis.kill();
        redis.wipe();
        redis.start();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> metric("cxbridge_redis_data_loss_total") == losses + 1);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() ->
                        given().get("/v1/retention/requests/" + done.get(1)).statusCode() == 200);
        for (String id : done) {
            assertEquals(
                    "deployed",
                    given().get("/v1/retention/requests/" + id)
                            .then()
                            .statusCode(200)
                            .extract()
                            .path("state"));
        }
        Map<String, Object> reportAfter = given().get("/v1/retention/report")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        assertEquals(reportBefore.get("deployed"), reportAfter.get("deployed"));
        assertEquals(reportBefore.get("failed"), reportAfter.get("failed"));
        assertEquals(reportBefore.get("conflicts"), reportAfter.get("conflicts"));
        // every journaled request counts as submitted (tests that publish past the API were not counted before)
        assertTrue(((Number) reportAfter.get("totalRequests")).longValue()
                >= ((Number) reportBefore.get("totalRequests")).longValue());
        // and new requests are worked
        awaitState(submit(policy("loss-after-" + tag, "call", 90)), "deployed");
    }
}
