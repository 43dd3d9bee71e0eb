package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.LOG_LINES;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publishAll;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.sim;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.state.JobStore;
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
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job's state in Redis that no longer reads (edited by hand, written by another version) answers 500 without a
 * value of it reaching the log: Jackson's message quotes what it stopped at, and the state holds the job's inputs.
 * When the job's record arrives, such a state is a failure no wait can mend: the job is dead-lettered (or skipped, if
 * its result was posted) and the records behind it are committed, instead of the job being retried until the
 * channel's unprocessed-record limit restarted the process onto it again.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class DamagedJobStateTest {

    private static final String NUMBER = "+15551234567";

    @Inject
    RedisAPI redis;

    @Inject
    FulfillmentConfig config;

    @Inject
    JobStore jobs;

    @BeforeEach
    void setUp() {
        FulfillmentTestSupport.captureLogs();
    }

    @Test
    void aStateThatDoesNotReadIs500AndNoValueOfItIsLogged() {
        String wrongType = UUID.randomUUID().toString();
        String notJson = UUID.randomUUID().toString();
        set(wrongType, "{\"jobId\":\"" + wrongType + "\",\"attempts\":\"" + NUMBER + "\"}");
        set(notJson, "{\"jobId\":\"" + notJson + "\",\"to\":tel" + NUMBER + "}");

        for (String jobId : List.of(wrongType, notJson)) {
            given().get("/v1/fulfillment/jobs/" + jobId)
                    .then()
                    .statusCode(500)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("the service could not handle the request"));
        }
        assertThat(LOG_LINES)
                .anySatisfy(line ->
                        assertThat(line).contains("job state cannot be read: field 'attempts' has the wrong type"))
                .anySatisfy(line ->
                        assertThat(line).contains("job state cannot be read: the stored value is not valid JSON"))
                .noneSatisfy(line -> assertThat(line).contains("5551234567"));
    }

    @Test
    void aJobWhoseStateDoesNotReadIsDeadLetteredUnrunAndTheRecordsBehindItAreCommitted() throws Exception {
        FulfillmentJob damaged = job(newFid(), newToken(), Duration.ofSeconds(60));
        set(damaged.jobId(), "{\"jobId\":\"" + damaged.jobId() + "\",\"attempts\":\"" + NUMBER + "\"}");
        // posted before its state was damaged: the receiver has the result, so it is skipped
        FulfillmentJob posted = job(newFid(), newToken(), Duration.ofSeconds(60));
        set(posted.jobId(), "{\"jobId\":\"" + posted.jobId() + "\",\"to\":tel" + NUMBER + "}");
        jobs.markPosted(posted.fulfillmentId(), posted.jobId()).await().atMost(Duration.ofSeconds(5));
        List<FulfillmentJob> behind = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            behind.add(job(newFid(), newToken(), Duration.ofSeconds(60)));
        }

        publish(damaged);
        publish(posted);
        publishAll(behind);

        for (FulfillmentJob ok : behind) {
            assertThat(awaitTerminal(ok.jobId()).getString("state")).isEqualTo("complete");
        }
        // its state is replaced by the dead letter's: listed, readable and replayable again
        assertThat(awaitTerminal(damaged.jobId()).getString("state")).isEqualTo("dead-lettered");
        ConsumerRecord<String, byte[]> dead = TopicReader.await(
                        bootstrap(),
                        Topics.FULFILLMENT_JOBS_DLQ,
                        1,
                        r -> damaged.fulfillmentId().equals(r.key()),
                        Duration.ofSeconds(20))
                .get(0);
        Map<String, String> headers = TopicReader.headers(dead);
        assertThat(headers.get(Headers.ERROR_CLASS)).isEqualTo(FulfillmentWorker.STATE_UNREADABLE);
        assertThat(headers.get(Headers.ERROR_REASON))
                .isEqualTo("job state cannot be read: field 'attempts' has the wrong type: whether the job ran is"
                        + " unknown, so it is not run");
        assertThat(sim().stats().callbacks(damaged.fulfillmentId()))
                .as("not run, nothing posted")
                .isZero();
        assertThat(sim().stats().callbacks(posted.fulfillmentId()))
                .as("not posted again")
                .isZero();

        // every record, the damaged ones included, is committed: the partition moves on
        TopicPartition partition = new TopicPartition(Topics.FULFILLMENT_JOBS, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                    .partitionResult(partition)
                    .get()
                    .offset();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets("fulfillment-svc")
                                .partitionsToOffsetAndMetadata()
                                .get()
                                .get(partition);
                        return committed != null && committed.offset() >= end;
                    });
        }
        Management.given().get("/q/health/live").then().statusCode(200);
        assertThat(LOG_LINES).noneSatisfy(line -> assertThat(line).contains("5551234567"));
    }

    private void set(String jobId, String value) {
        redis.set(List.of(config.keyPrefix() + ":job:" + jobId, value, "PX", "60000"))
                .await()
                .atMost(Duration.ofSeconds(10));
    }
}
