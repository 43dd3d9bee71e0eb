package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cxbridge.model.Channels;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis away, then back with its data, then back empty: consumption pauses and resumes by itself with nothing lost
 * or posted twice, and after the loss the DLQ API lists what it listed before (rebuilt from the DLQ topic).
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class RedisLossTest {

    private final SimControl sim = FulfillmentTestSupport.sim();

    @BeforeEach
    void setUp() {
        sim.reset();
    }

    /** Every listed dead letter (all pages): jobId -> errorClass. */
    static Map<String, String> dlqErrorClasses() {
        Map<String, String> out = new HashMap<>();
        for (int page = 1; ; page++) {
            io.restassured.path.json.JsonPath body = given().queryParam("pageSize", 100)
                    .queryParam("pageNumber", page)
                    .get("/v1/fulfillment/dlq")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<Map<String, Object>> entities = body.getList("entities");
            entities.forEach(e -> out.put(String.valueOf(e.get("jobId")), String.valueOf(e.get("errorClass"))));
            if (page >= body.getLong("pageCount")) {
                return out;
            }
        }
    }

    /** The one dead letter {@code GET /v1/fulfillment/dlq?jobId=} lists, as the API shows it. */
    static Map<String, Object> dlqEntity(String jobId) {
        io.restassured.path.json.JsonPath body = given().queryParam("jobId", jobId)
                .get("/v1/fulfillment/dlq")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(1, body.getInt("total"), () -> "dead letters of job " + jobId + ": " + body.prettify());
        return body.getMap("entities[0]");
    }

    /** The jobs channel's consumer as the connector runs it: paused or fetching. */
    private static boolean jobsChannelPaused() {
        PausableChannel channel =
                Arc.container().instance(ChannelRegistry.class).get().getPausable(Channels.FULFILLMENT_JOBS_IN);
        return channel != null && channel.isPaused();
    }

    /** What readiness lists as the holds of the jobs channel ({@code held:<channel>}), or null when it is not held. */
    private static String jobsChannelHolds() {
        List<Map<String, Object>> checks = Management.given()
                .get("/q/health/ready")
                .then()
                .extract()
                .jsonPath()
                .getList("checks");
        for (Map<String, Object> check : checks) {
            if (check.get("data") instanceof Map<?, ?> data
                    && data.get("held:" + Channels.FULFILLMENT_JOBS_IN) instanceof String holds) {
                return holds;
            }
        }
        return null;
    }

    /** The service's consumer group's committed offset on {@code partition}; 0 when it committed none there. */
    private static long committed(Admin admin, TopicPartition partition) throws Exception {
        String group = ConfigProvider.getConfig()
                .getValue("mp.messaging.incoming." + Channels.FULFILLMENT_JOBS_IN + ".group.id", String.class);
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS)
                .get(partition);
        return offset == null ? 0 : offset.offset();
    }

    @Test
    void redisAwayPausesTheJobsAndTheyAllCompleteOnceWhenItIsBack() throws Exception {
        RedisServer redis = RedisServer.shared();
        redis.kill();
        try (Admin admin = Admin.create(Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, FulfillmentTestSupport.bootstrap()))) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Management.given().get("/q/health/ready").statusCode() == 503);
            // The pause itself, not only its effect: the consumer is held for Redis and the connector has paused it.
            await("the jobs channel held for Redis (readiness) and paused (connector)")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> "redis".equals(jobsChannelHolds()) && jobsChannelPaused());
            List<FulfillmentJob> jobs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                FulfillmentJob job = job(newFid(), newToken(), Duration.ofSeconds(90));
                jobs.add(job);
                publish(job);
            }
            // The jobs are really on the topic the consumer reads (else "nothing worked" says nothing); their offsets.
            Set<String> fids = jobs.stream().map(FulfillmentJob::fulfillmentId).collect(Collectors.toSet());
            List<ConsumerRecord<String, byte[]>> waiting = TopicReader.await(
                    FulfillmentTestSupport.bootstrap(),
                    Topics.FULFILLMENT_JOBS,
                    jobs.size(),
                    r -> fids.contains(r.key()),
                    Duration.ofSeconds(20));
            // For a while (an unpaused consumer takes each within a poll): still paused for Redis, the group has
            // committed none of them, nothing reached the external API; and the channel does not stop.
            await("for 3 s: still held and paused, none of the jobs committed or worked")
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> r : waiting) {
                            if (committed(admin, new TopicPartition(r.topic(), r.partition())) > r.offset()) {
                                return false;
                            }
                        }
                        return "redis".equals(jobsChannelHolds())
                                && jobsChannelPaused()
                                && sim.stats().requests("POST", "/external/api") == 0;
                    });
            Management.given().get("/q/health/live").then().statusCode(200);
            redis.start();
            for (FulfillmentJob job : jobs) {
                assertEquals("complete", awaitTerminal(job.jobId()).getString("state"));
                assertEquals(1, sim.stats().callbacks(job.fulfillmentId()));
                assertEquals(1, sim.stats().externalCalls(job.fulfillmentId()), "one external call per job");
                assertEquals(0, sim.stats().duplicateCallbacks(job.fulfillmentId()));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Management.given().get("/q/health/ready").statusCode() == 200);
            // Resumed: no hold left on the channel.
            assertNull(jobsChannelHolds(), "the jobs channel is still held");
        } finally {
            if (!redis.isRunning()) {
                redis.start();
            }
        }
    }

    @Test
    void redisRestartedEmptyCountsTheLossAndTheDlqListsTheSameDeadLetters() {
        List<FulfillmentJob> refused = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String fid = newFid();
            FulfillmentJob job = job(
                    fid,
                    "https://api.example.com/api/v2/dataactions/fulfillments/" + fid,
                    newToken(),
                    Duration.ofMinutes(10));
            refused.add(job);
            publish(job);
        }
        for (FulfillmentJob job : refused) {
            assertEquals("dead-lettered", awaitTerminal(job.jobId()).getString("state"));
        }
        Map<String, String> before = dlqErrorClasses();
        Map<String, Map<String, Object>> listedBefore = new HashMap<>();
        for (FulfillmentJob job : refused) {
            Map<String, Object> entity = dlqEntity(job.jobId());
            assertEquals(job.jobId(), entity.get("jobId"), "the dead letter is listed before the loss: " + entity);
            assertNotNull(entity.get("deadLetteredAt"), "listed with its time: " + entity);
            listedBefore.put(job.jobId(), entity);
        }
        double losses = FulfillmentFlowTest.metric("cxbridge_redis_data_loss_total");

        RedisServer redis = RedisServer.shared();
        redis.kill();
        redis.wipe();
        redis.start();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> FulfillmentFlowTest.metric("cxbridge_redis_data_loss_total") == losses + 1);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> dlqErrorClasses().entrySet().containsAll(before.entrySet()));
        for (FulfillmentJob job : refused) {
            assertEquals("url-refused", dlqErrorClasses().get(job.jobId()));
            // rebuilt from the DLQ record: the entry as it was indexed, its time included, not just its class
            assertEquals(listedBefore.get(job.jobId()), dlqEntity(job.jobId()), "listed the same after the rebuild");
        }
        // and work goes on
        FulfillmentJob next = job(newFid(), newToken(), Duration.ofSeconds(60));
        publish(next);
        assertEquals("complete", awaitTerminal(next.jobId()).getString("state"));
        assertEquals(losses + 1, FulfillmentFlowTest.metric("cxbridge_redis_data_loss_total"));
    }
}
