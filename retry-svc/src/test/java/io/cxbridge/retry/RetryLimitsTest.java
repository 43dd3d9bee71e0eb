package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitAudit;
import static io.cxbridge.retry.RetryFlowTest.awaitDeadLetter;
import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.bootstrap;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.common.redis.RedisEpoch;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Values at the edge of their range: an incoming attempt of 2147483647, a Retry-After longer than a pending run is
 * kept, a journaled next attempt time that cannot be scheduled. None may make a run retry for ever, vanish unseen, or
 * stop a Redis rebuild.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class RetryLimitsTest {

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    Breakers breakers;

    @Inject
    RedisAPI redis;

    @Inject
    RedisEpoch epoch;

    @BeforeEach
    void reset() {
        sim.reset();
        breakers.reset();
    }

    private static String runWithAttempt(String id, String action, long attempt) {
        return """
                {"requestId": "%s", "actionId": "%s", "originalRunId": "run-%s", "attempt": %d,
                 "requestPayload": {"customer": "c-1", "amount": 12}}""".formatted(id, action, id, attempt);
    }

    @Test
    void anIncomingAttemptOfIntMaxIsOneMoreAttemptThenExhausted() throws Exception {
        String action = newAction();
        sim.fault(Map.of("method", "POST", "path", path(action), "status", 503, "count", 100000));
        String id = UUID.randomUUID().toString();
        String payload = runWithAttempt(id, action, Integer.MAX_VALUE);
        publish(action, payload);

        // it used to wrap to -2147483648: never at max-attempts, and every later wait 0 ms
        JsonPath r = awaitFinished(id, "dead-lettered");
        assertEquals(Integer.MAX_VALUE, r.getInt("attempts"), "the count saturates");
        assertEquals(List.of(503), r.getList("history.status", Integer.class));
        Map<String, String> h = TopicReader.headers(awaitDeadLetter(payload));
        assertEquals("exhausted", h.get(Headers.ERROR_CLASS));
        assertEquals(String.valueOf(Integer.MAX_VALUE), h.get(Headers.ATTEMPTS));
        assertEquals(1, sim.stats().requests("POST", path(action), 503), "one attempt here");
        awaitAudit(AuditTypes.RETRY_EXHAUSTED, id);
    }

    @Test
    void aRetryAfterLongerThanAPendingRunIsKeptDeadLettersTheRunWithTheReason() throws Exception {
        // 10 days in seconds, and an HTTP date in the year 9999: both past the pending TTL (7 days)
        for (Object retryAfter : List.<Object>of(864000, "Fri, 31 Dec 9999 23:59:59 GMT")) {
            String action = newAction();
            sim.fault(Map.of(
                    "method", "POST", "path", path(action), "status", 503, "count", 100000, "retryAfter", retryAfter));
            String id = UUID.randomUUID().toString();
            String payload = run(id, action);
            publish(action, payload);

            // it used to be scheduled past its state's expiry: the state expired and the run vanished, unseen
            JsonPath r = awaitFinished(id, "dead-lettered");
            assertEquals(1, r.getInt("attempts"), retryAfter.toString());
            Map<String, String> h = TopicReader.headers(awaitDeadLetter(payload));
            assertEquals("exhausted", h.get(Headers.ERROR_CLASS));
            String reason = h.get(Headers.ERROR_REASON);
            assertTrue(reason.contains("Retry-After") && reason.contains("HTTP 503"), reason);
            assertEquals("1", h.get(Headers.ATTEMPTS));
            awaitAudit(AuditTypes.RETRY_EXHAUSTED, id);
            given().get("/v1/data-actions/dlq?requestId=" + id)
                    .then()
                    .statusCode(200)
                    .body("entities[0].errorClass", equalTo("exhausted"))
                    .body("entities[0].replayable", equalTo(true));
        }
    }

    @Test
    void aJournaledTimeThatCannotBeScheduledIsSkippedAndTheRebuildCompletes() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(epoch::open);
        String action = newAction();
        String bad = UUID.randomUUID().toString();
        String good = UUID.randomUUID().toString();
        Instant now = Instant.now();
        // as an older version journaled a Retry-After of ~9.3e15 s: an Instant, but past epoch milliseconds
        RunRecord unscorable = RunRecord.pending(
                Json.mapper().readValue(run(bad, action), FailedRun.class),
                run(bad, action),
                now,
                Instant.ofEpochSecond(9_300_000_000_000_000L),
                null);
        RunRecord later = RunRecord.pending(
                Json.mapper().readValue(run(good, action), FailedRun.class),
                run(good, action),
                now,
                now.plus(Duration.ofHours(1)),
                null);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.RETRY_STATE, bad, Json.mapper().writeValueAsString(unscorable)))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.RETRY_STATE, good, Json.mapper().writeValueAsString(later)))
                    .get();
        }
        double lossesBefore = epoch.losses();

        redis.flushall(List.of()).await().atMost(Duration.ofSeconds(5));

        // it used to throw inside the rebuild: retried for ever, Redis never reopened, the service not ready
        await().atMost(Duration.ofSeconds(30)).until(() -> epoch.losses() == lossesBefore + 1 && epoch.open());
        given().get("/v1/data-actions/failed-runs/" + good)
                .then()
                .statusCode(200)
                .body("state", equalTo("pending"));
        given().get("/v1/data-actions/failed-runs/" + bad).then().statusCode(404);
    }
}
