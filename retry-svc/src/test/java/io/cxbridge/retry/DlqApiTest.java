package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitAudit;
import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaBroker;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class DlqApiTest {

    private static final String DLQ = "/v1/data-actions/dlq";

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    Breakers breakers;

    @Inject
    RedisAPI redis;

    @ConfigProperty(name = "cxbridge.retry.key-prefix")
    String prefix;

    @BeforeEach
    void reset() {
        sim.reset();
        breakers.reset();
    }

    /** Three runs of a new action refused with 400 (dead-lettered at once), in order. */
    private List<String> rejected(String action) throws Exception {
        sim.fault(Map.of("method", "POST", "path", path(action), "status", 400));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            publish(action, run(id, action));
            awaitFinished(id, "dead-lettered");
        }
        return ids;
    }

    @Test
    void deadLettersAreListedNewestFirstPagedAndFiltered() throws Exception {
        String action = newAction();
        List<String> ids = rejected(action);
        JsonPath all = given().get(DLQ + "?actionId=" + action)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(3, all.getInt("total"));
        assertEquals(List.of(ids.get(2), ids.get(1), ids.get(0)), all.getList("entities.requestId"), "newest first");
        assertEquals("dead-lettered", all.getString("entities[0].state"));
        assertEquals("rejected", all.getString("entities[0].errorClass"));
        assertTrue(all.getString("entities[0].reason").contains("400"));
        assertEquals(1, all.getInt("entities[0].attempts"));
        assertNotNull(all.getString("entities[0].deadLetteredAt"));

        given().get(DLQ + "?actionId=" + action + "&pageSize=2")
                .then()
                .statusCode(200)
                .body("entities", hasSize(2))
                .body("pageCount", equalTo(2))
                .body("entities[0].requestId", equalTo(ids.get(2)));
        given().get(DLQ + "?actionId=" + action + "&pageSize=2&pageNumber=2")
                .then()
                .statusCode(200)
                .body("entities", hasSize(1))
                .body("entities[0].requestId", equalTo(ids.get(0)));
        given().get(DLQ + "?requestId=" + ids.get(1))
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("entities[0].actionId", equalTo(action));
        given().get(DLQ + "?requestId=" + ids.get(1) + "&actionId=" + newAction())
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
        JsonPath newest = given().get(DLQ + "?pageSize=1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertTrue(newest.getInt("total") >= 3);
        assertEquals(ids.get(2), newest.getString("entities[0].requestId"), "across actions too");
    }

    @Test
    void badQueriesAre400AndUnknownReplaysAre404() {
        given().get(DLQ + "?pageSize=0")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations[0].field", equalTo("pageSize"));
        given().get(DLQ + "?pageNumber=x&pageSize=101").then().statusCode(400).body("violations", hasSize(2));
        given().get(DLQ + "?actionId=bad!").then().statusCode(400).body("violations[0].field", equalTo("actionId"));
        given().post(DLQ + "/replay")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations[0].field", equalTo("filter"));
        given().post(DLQ + "/replay?since=yesterday")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("since"));
        // parses as an instant, but its milliseconds overflow: a 400, and no bulk replay job is left behind
        given().urlEncodingEnabled(false)
                .get(DLQ + "?since=%2B300000000-01-01T00:00:00Z")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations[0].field", equalTo("since"));
        given().urlEncodingEnabled(false)
                .post(DLQ + "/replay?since=-300000000-01-01T00:00:00Z")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("since"));
        given().get(DLQ + "/replays/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().post(DLQ + "/" + UUID.randomUUID() + "/replay")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aReplayedDeadLetterSucceedsAfterTheSimRecoversAndShowsAsReplayed() throws Exception {
        String action = newAction();
        List<String> ids = rejected(action);
        String id = ids.get(0);
        sim.clearFaults();

        given().post(DLQ + "/" + id + "/replay")
                .then()
                .statusCode(202)
                .body("requestId", equalTo(id))
                .body("state", equalTo("replayed"))
                .body("replayedAt", notNullValue());
        awaitAudit(AuditTypes.RETRY_REPLAYED, id);
        // republished with the same requestId and attempts reset
        var republished = TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.FAILED_RUNS,
                1,
                rec -> rec.value() != null
                        && new String(rec.value(), StandardCharsets.UTF_8).contains(id)
                        && TopicReader.headers(rec).containsKey(Headers.REPLAYED_AT),
                Duration.ofSeconds(10));
        assertTrue(new String(republished.get(0).value(), StandardCharsets.UTF_8).contains("\"attempt\":0"));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> "succeeded"
                        .equals(given().get("/v1/data-actions/failed-runs/" + id)
                                .then()
                                .extract()
                                .path("state")));
        JsonPath run = given().get("/v1/data-actions/failed-runs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(1, run.getInt("attempts"), "attempts start again");
        assertNotNull(run.getString("replayedAt"));
        assertEquals(1, sim.stats().requests("POST", path(action), 200));
        given().get(DLQ + "?requestId=" + id)
                .then()
                .statusCode(200)
                .body("entities[0].state", equalTo("replayed"))
                .body("entities[0].replayedAt", notNullValue());

        given().post(DLQ + "/" + id + "/replay")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("replayed"));

        // bulk: a job replays the action's other two; the one already replayed is not selected
        String job = given().post(DLQ + "/replay?actionId=" + action)
                .then()
                .statusCode(202)
                .body("state", equalTo("running"))
                .extract()
                .path("id");
        JsonPath done = awaitJob(job);
        assertEquals(2, done.getInt("total"));
        assertEquals(2, done.getInt("replayed"));
        assertEquals(Map.of("actionId", action), done.getMap("filters"));
        assertEquals(java.util.Set.of(ids.get(2), ids.get(1)), new java.util.HashSet<>(done.getList("outcomes.id")));
        for (String other : ids.subList(1, 3)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "succeeded"
                            .equals(given().get("/v1/data-actions/failed-runs/" + other)
                                    .then()
                                    .extract()
                                    .path("state")));
        }
        JsonPath listed = given().get(DLQ + "?actionId=" + action)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of("replayed", "replayed", "replayed"), listed.getList("entities.state"));
    }

    static JsonPath awaitJob(String job) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "done"
                        .equals(given().get(DLQ + "/replays/" + job)
                                .then()
                                .statusCode(200)
                                .extract()
                                .path("state")));
        return given().get(DLQ + "/replays/" + job)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void anInvalidRecordIsListedButCannotBeReplayed() throws Exception {
        String id = UUID.randomUUID().toString();
        String payload = run(id, "bad action!");
        publish("bad action!", payload);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> given().get(DLQ + "?requestId=" + id)
                                .then()
                                .extract()
                                .jsonPath()
                                .getInt("total")
                        == 1);
        given().get(DLQ + "?requestId=" + id)
                .then()
                .body("entities[0].errorClass", equalTo("invalid"))
                .body("entities[0].replayable", equalTo(false))
                .body("entities[0].attempts", equalTo(0));
        given().post(DLQ + "/" + id + "/replay").then().statusCode(409).contentType("application/problem+json");
        // the dead letter was written before it was indexed
        var dlq = TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.FAILED_RUNS_DLQ,
                1,
                rec -> payload.equals(new String(rec.value(), StandardCharsets.UTF_8)),
                Duration.ofSeconds(10));
        assertEquals("invalid", TopicReader.headers(dlq.get(0)).get(Headers.ERROR_CLASS));
        assertTrue(Instant.parse(TopicReader.headers(dlq.get(0)).get(Headers.FIRST_SEEN))
                .isBefore(Instant.now()));
    }

    @Test
    void aReplayTheBrokerDoesNotTakeIs503AndChangesNothing() throws Exception {
        String action = newAction();
        String id = rejected(action).get(0);
        sim.clearFaults();
        KafkaBroker broker = KafkaBroker.shared();
        broker.stop();
        try {
            given().post(DLQ + "/" + id + "/replay")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5");
            given().get(DLQ + "?requestId=" + id)
                    .then()
                    .statusCode(200)
                    .body("entities[0].state", equalTo("dead-lettered"));
            given().get("/v1/data-actions/failed-runs/" + id)
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("dead-lettered"));
        } finally {
            broker.start();
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> given().post(DLQ + "/" + id + "/replay")
                                .then()
                                .extract()
                                .statusCode()
                        == 202);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "succeeded"
                        .equals(given().get("/v1/data-actions/failed-runs/" + id)
                                .then()
                                .extract()
                                .path("state")));
    }

    /**
     * A replay whose run state cannot be read after the dead letter was marked: 503 and the mark undone, so the dead
     * letter can be replayed once the state reads (it answered 500 and left the mark: never replayable again).
     */
    @Test
    void aRunStateThatDoesNotReadIs503AndTheMarkIsUndone() throws Exception {
        String action = newAction();
        sim.fault(Map.of("method", "POST", "path", path(action), "status", 400, "count", 1));
        String id = UUID.randomUUID().toString();
        publish(action, run(id, action));
        awaitFinished(id, "dead-lettered");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> given().get(DLQ + "?requestId=" + id)
                                .then()
                                .extract()
                                .jsonPath()
                                .getInt("total")
                        == 1);
        String key = "{" + prefix + "}:run:" + id;
        redis.set(List.of(key, "{not a run state", "PX", "600000")).await().atMost(Duration.ofSeconds(5));

        given().post(DLQ + "/" + id + "/replay")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("detail", containsString("nothing was changed"))
                .body("detail", not(containsString("not a run state")));
        given().get(DLQ + "?requestId=" + id)
                .then()
                .statusCode(200)
                .body("entities[0].state", equalTo("dead-lettered"))
                .body("entities[0].replayedAt", equalTo(null));

        // once the state is gone (expired), the same dead letter replays
        redis.del(List.of(key)).await().atMost(Duration.ofSeconds(5));
        sim.clearFaults();
        given().post(DLQ + "/" + id + "/replay").then().statusCode(202).body("state", equalTo("replayed"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "succeeded"
                        .equals(given().get("/v1/data-actions/failed-runs/" + id)
                                .then()
                                .extract()
                                .path("state")));
    }
}
