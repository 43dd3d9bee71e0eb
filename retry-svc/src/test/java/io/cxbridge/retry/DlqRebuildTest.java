package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.bootstrap;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.run;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cxbridge.common.redis.RedisEpoch;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The DLQ topic is kept 30 days and every Redis rebuild reads all of it: a record whose {@code cxbridge-attempts} or
 * {@code cxbridge-first-seen} header does not read is skipped with a warning, and the rebuild completes (it used to
 * fail every time, holding intake, until the record expired).
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class DlqRebuildTest {

    @Inject
    RedisAPI redis;

    @Inject
    RedisEpoch epoch;

    private static ProducerRecord<String, String> deadLetter(
            String action, String id, String attempts, String firstSeen) {
        ProducerRecord<String, String> r = new ProducerRecord<>(Topics.FAILED_RUNS_DLQ, action, run(id, action));
        r.headers().add(Headers.ERROR_CLASS, "exhausted".getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.ERROR_REASON, "5 attempts failed, the last: HTTP 503".getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.DLQ_ID, id.getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.ATTEMPTS, attempts.getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.FIRST_SEEN, firstSeen.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    @Test
    void aDeadLetterWithMalformedHeadersIsSkippedAndTheRebuildCompletes() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(epoch::open);
        String action = newAction();
        String badAttempts = UUID.randomUUID().toString();
        String badFirstSeen = UUID.randomUUID().toString();
        String good = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(deadLetter(action, badAttempts, "five", now)).get();
            producer.send(deadLetter(action, badFirstSeen, "5", "yesterday")).get();
            producer.send(deadLetter(action, good, "5", now)).get();
        }
        double lossesBefore = epoch.losses();

        redis.flushall(List.of()).await().atMost(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(30)).until(() -> epoch.losses() == lossesBefore + 1 && epoch.open());
        given().get("/v1/data-actions/dlq?requestId=" + good)
                .then()
                .statusCode(200)
                .body(containsString(good))
                .body(containsString("HTTP 503"));
        given().get("/v1/data-actions/dlq?actionId=" + action)
                .then()
                .statusCode(200)
                .body("total", equalTo(1));
        assertEquals(lossesBefore + 1, epoch.losses(), "one loss, one rebuild");
    }
}
