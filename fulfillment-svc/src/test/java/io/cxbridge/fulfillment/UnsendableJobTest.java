package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.LOG_LINES;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.json;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.sim;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.simCallbackUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.fulfillment.worker.FulfillmentHttp;
import io.cxbridge.fulfillment.worker.FulfillmentWorker;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job whose requests cannot be built: a fulfillmentId with a control character (Vert.x refuses it as the
 * Idempotency-Key header value) once reached the external call, failed there with an IllegalArgumentException that
 * was retried as an outage for ever, held its partition uncommitted and, after the channel's unprocessed-record limit,
 * restarted the process onto the same record. Such a job is invalid: dead-lettered at once, and the partition goes on.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class UnsendableJobTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topics.FULFILLMENT_JOBS, 0);

    @Inject
    FulfillmentHttp http;

    @BeforeEach
    void setUp() {
        FulfillmentTestSupport.captureLogs();
    }

    /** Sends {@code key, value} to partition 0 of the jobs topic; answers its offset. */
    private static long produce(String key, String value) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(Topics.FULFILLMENT_JOBS, 0, key, value))
                    .get();
            return sent.offset();
        }
    }

    private static ConsumerRecord<String, byte[]> deadLetter(String jobId, Duration within) {
        return TopicReader.await(
                        bootstrap(),
                        Topics.FULFILLMENT_JOBS_DLQ,
                        1,
                        r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains(jobId),
                        within)
                .get(0);
    }

    private static void awaitCommittedPast(long offset) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets("fulfillment-svc")
                                .partitionsToOffsetAndMetadata()
                                .get()
                                .get(PARTITION);
                        return committed != null && committed.offset() > offset;
                    });
        }
    }

    @Test
    void aFulfillmentIdWithAControlCharacterIsDeadLetteredAtOnceAndTheNextJobOnItsPartitionCompletes()
            throws Exception {
        // the URL is a valid callback URL (its id "x"): only the fulfillmentId is bad
        FulfillmentJob poison = job("x\u0001", simCallbackUrl("x"), newToken(), Duration.ofSeconds(60));
        FulfillmentJob next = job(newFid(), newToken(), Duration.ofSeconds(60));
        long externalBefore = sim().stats().requests("POST", "/external/api");
        long callbacksBefore = sim().stats().callbacks("x");

        produce(poison.fulfillmentId(), json(poison));
        long nextOffset = produce(next.fulfillmentId(), json(next));

        ConsumerRecord<String, byte[]> dead = deadLetter(poison.jobId(), Duration.ofSeconds(10));
        Map<String, String> headers = TopicReader.headers(dead);
        assertThat(headers.get(Headers.ERROR_CLASS)).isEqualTo(FulfillmentWorker.INVALID_JOB);
        assertThat(headers.get(Headers.ERROR_REASON)).contains("fulfillmentId");
        assertThat(dead.key()).as("keyed as it came").isEqualTo(poison.fulfillmentId());
        assertThat(new String(dead.value(), java.nio.charset.StandardCharsets.UTF_8))
                .as("the payload unchanged")
                .isEqualTo(json(poison));
        assertThat(awaitTerminal(poison.jobId()).getString("state")).isEqualTo("dead-lettered");

        assertThat(awaitTerminal(next.jobId()).getString("state")).isEqualTo("complete");
        awaitCommittedPast(nextOffset);
        assertThat(sim().stats().callbacks("x"))
                .as("nothing posted for the poison")
                .isEqualTo(callbacksBefore);
        assertThat(sim().stats().requests("POST", "/external/api") - externalBefore)
                .as("only the next job called the external API")
                .isEqualTo(1);
        Management.given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aFulfillmentIdThatIsNotTheIdItsUrlNamesIsDeadLetteredAndNothingIsPosted() throws Exception {
        String urlId = newFid();
        FulfillmentJob mismatched = job(newFid(), simCallbackUrl(urlId), newToken(), Duration.ofSeconds(60));
        FulfillmentJob next = job(newFid(), newToken(), Duration.ofSeconds(60));

        produce(mismatched.fulfillmentId(), json(mismatched));
        long nextOffset = produce(next.fulfillmentId(), json(next));

        Map<String, String> headers = TopicReader.headers(deadLetter(mismatched.jobId(), Duration.ofSeconds(10)));
        assertThat(headers.get(Headers.ERROR_CLASS)).isEqualTo(FulfillmentWorker.INVALID_JOB);
        assertThat(headers.get(Headers.ERROR_REASON)).contains("fulfillmentId").contains("fulfillmentUrl");
        assertThat(awaitTerminal(next.jobId()).getString("state")).isEqualTo("complete");
        awaitCommittedPast(nextOffset);
        assertThat(sim().stats().callbacks(urlId)).isZero();
        assertThat(sim().stats().callbacks(mismatched.fulfillmentId())).isZero();
        assertThat(sim().stats().externalCalls(mismatched.fulfillmentId()))
                .as("no external call")
                .isZero();
    }

    @Test
    void aTokenThatCannotBeAHeaderValueEndsTheJobInvalidAtTheFirstPostNotAfterItsAttempts() throws Exception {
        String clear = "tok\u0001" + UUID.randomUUID();
        FulfillmentJob job = job(newFid(), clear, Duration.ofSeconds(60));
        FulfillmentJob next = job(newFid(), newToken(), Duration.ofSeconds(60));

        produce(job.fulfillmentId(), json(job));
        long nextOffset = produce(next.fulfillmentId(), json(next));

        Map<String, String> headers = TopicReader.headers(deadLetter(job.jobId(), Duration.ofSeconds(10)));
        assertThat(headers.get(Headers.ERROR_CLASS)).isEqualTo(FulfillmentWorker.INVALID_JOB);
        assertThat(headers.get(Headers.ERROR_REASON))
                .contains("X-Fulfillment-Token")
                .doesNotContain(clear);
        assertThat(headers.get(Headers.ATTEMPTS)).isEqualTo("1");
        assertThat(awaitTerminal(job.jobId()).getString("state")).isEqualTo("dead-lettered");
        assertThat(sim().stats().callbacks(job.fulfillmentId())).isZero();
        assertThat(awaitTerminal(next.jobId()).getString("state")).isEqualTo("complete");
        awaitCommittedPast(nextOffset);
        assertThat(LOG_LINES).noneSatisfy(line -> assertThat(line).contains(clear));
    }

    @Test
    void aRequestThatCannotBeBuiltFailsPermanentlyAndIsNeverSent() {
        // past Bean Validation (which now refuses it): the HTTP legs themselves classify what Vert.x refuses
        FulfillmentJob bad = job("a\nb", simCallbackUrl("ab"), newToken(), Duration.ofSeconds(60));
        long externalBefore = sim().stats().requests("POST", "/external/api");

        AtomicReference<Throwable> external = new AtomicReference<>();
        AtomicReference<Throwable> post = new AtomicReference<>();
        http.callExternal(bad, java.time.Instant.MAX, n -> {}).subscribe().with(item -> {}, external::set);
        http.postResult(bad, "token", Json.mapper().createObjectNode().put("status", "complete"), java.time.Instant.MAX)
                .subscribe()
                .with(item -> {}, post::set);
        await().atMost(Duration.ofSeconds(5)).until(() -> external.get() != null && post.get() != null);

        for (Throwable failure : List.of(external.get(), post.get())) {
            assertThat(InfrastructureRetry.permanent(failure))
                    .as("no wait can mend it: %s", failure)
                    .isTrue();
            assertThat(InfrastructureRetry.describe(failure))
                    .contains("Idempotency-Key")
                    .doesNotContain("a\nb");
        }
        assertThat(sim().stats().requests("POST", "/external/api")).isEqualTo(externalBefore);
        assertThat(sim().stats().callbacks("ab")).isZero();
    }
}
