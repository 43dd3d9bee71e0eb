package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.common.dlq.DeadLetterReplays;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.retry.dlq.RunDeadLetterWriter;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DLQ API's Genesys paging followed to the end, and bulk replay as a job (500 dead letters, a held job's 409). */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class DlqPagingAndBulkReplayTest {

    private static final String DLQ = "/v1/data-actions/dlq";

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    Breakers breakers;

    @Inject
    RunDeadLetterWriter writer;

    @Inject
    DeadLetterReplays replays;

    @BeforeEach
    void reset() {
        sim.reset();
        breakers.reset();
    }

    @Test
    void sixtyDeadLettersAreListedTwentyFiveAtATimeFollowingNextUri() throws Exception {
        String action = newAction();
        sim.fault(Map.of("method", "POST", "path", path(action), "status", 400));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            publish(action, run(id, action));
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> given().get(DLQ + "?actionId=" + action)
                                .then()
                                .extract()
                                .jsonPath()
                                .getInt("total")
                        == 60);

        List<String> listed = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        String uri = DLQ + "?actionId=" + action;
        JsonPath first = given().get(uri).then().statusCode(200).extract().jsonPath();
        assertEquals(25, first.getInt("pageSize"));
        assertEquals(1, first.getInt("pageNumber"));
        assertEquals(3, first.getInt("pageCount"));
        assertEquals(DLQ + "?actionId=" + action + "&pageSize=25&pageNumber=1", first.getString("firstUri"));
        assertEquals(DLQ + "?actionId=" + action + "&pageSize=25&pageNumber=3", first.getString("lastUri"));
        assertNull(first.getString("previousUri"), "no page before the first");
        JsonPath page = first;
        while (true) {
            List<String> pageIds = page.getList("entities.requestId");
            page.getList("entities.deadLetteredAt", String.class).forEach(t -> times.add(Instant.parse(t)));
            listed.addAll(pageIds);
            sizes.add(pageIds.size());
            assertEquals(60, page.getInt("total"));
            assertEquals(
                    page.getString("selfUri"),
                    DLQ + "?actionId=" + action + "&pageSize=25&pageNumber=" + page.getInt("pageNumber"));
            String next = page.getString("nextUri");
            if (next == null) {
                break;
            }
            page = given().get(next).then().statusCode(200).extract().jsonPath();
            assertEquals(
                    DLQ + "?actionId=" + action + "&pageSize=25&pageNumber=" + (page.getInt("pageNumber") - 1),
                    page.getString("previousUri"));
        }
        assertEquals(List.of(25, 25, 10), sizes);
        assertEquals(new HashSet<>(ids), new HashSet<>(listed), "every dead letter once");
        assertEquals(60, listed.size());
        for (int i = 1; i < times.size(); i++) { // the index orders by the millisecond
            assertTrue(
                    times.get(i).toEpochMilli() <= times.get(i - 1).toEpochMilli(),
                    "newest first at " + i + ": " + times);
        }
        given().get(DLQ + "?actionId=" + action + "&pageNumber=4")
                .then()
                .statusCode(200)
                .body("entities.size()", equalTo(0))
                .body("nextUri", equalTo(null));
        given().get(DLQ + "?actionId=" + action + "&reason=rejected&pageSize=100")
                .then()
                .statusCode(200)
                .body("total", equalTo(60));
        given().get(DLQ + "?actionId=" + action + "&reason=exhausted")
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
        given().get(DLQ + "?actionId=" + action + "&since=" + Instant.now().plusSeconds(60))
                .then()
                .statusCode(200)
                .body("total", equalTo(0))
                .body("selfUri", containsString("since="));
    }

    @Test
    void aBulkReplayOfFiveHundredIsAJobAndAnOverlappingOneWhileItIsHeldIs409() {
        String action = newAction();
        Instant now = Instant.now();
        List<DlqEntry> seeded = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String id = UUID.randomUUID().toString();
            FailedRun run = parse(run(id, action))
                    .withDefaults(
                            Clock.systemUTC(),
                            () -> UUID.randomUUID().toString().replace("-", ""));
            seeded.add(new DlqEntry(
                    id,
                    id,
                    action,
                    run.originalRunId(),
                    "exhausted",
                    "HTTP 503 after 8 attempts",
                    8,
                    now.minusSeconds(600),
                    now.minusMillis(i),
                    run.traceId(),
                    run,
                    run(id, action)));
        }
        // Written as the workers write them (the DLQ topic, then the index), so a later Redis loss rebuilds them.
        Multi.createFrom()
                .iterable(seeded)
                .onItem()
                .transformToUni(e -> writer.send(action, e))
                .merge(16)
                .collect()
                .last()
                .await()
                .atMost(Duration.ofSeconds(120));

        CompletableFuture<Void> gate = new CompletableFuture<>();
        replays.beforeEachRecord(() -> Uni.createFrom().completionStage(gate));
        String job;
        try {
            job = given().post(DLQ + "/replay?actionId=" + action)
                    .then()
                    .statusCode(202)
                    .body("state", equalTo("running"))
                    .body("selfUri", containsString(DLQ + "/replays/"))
                    .extract()
                    .path("id");
            given().get(DLQ + "/replays/" + job)
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("running"))
                    .body("processed", equalTo(0));

            // overlapping: the same action, or any action since a time
            given().post(DLQ + "/replay?actionId=" + action)
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", containsString(job));
            given().post(DLQ + "/replay?since=" + now.minusSeconds(3600)).then().statusCode(409);
            given().post(DLQ + "/replay?requestId=" + seeded.get(7).id()).then().statusCode(409);
            // apart: another action
            String other = given().post(DLQ + "/replay?actionId=" + newAction())
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "done"
                            .equals(given().get(DLQ + "/replays/" + other)
                                    .then()
                                    .extract()
                                    .path("state")));
        } finally {
            replays.beforeEachRecord(() -> Uni.createFrom().voidItem());
            gate.complete(null);
        }
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> "done"
                        .equals(given().get(DLQ + "/replays/" + job)
                                .then()
                                .statusCode(200)
                                .extract()
                                .path("state")));
        JsonPath done = given().get(DLQ + "/replays/" + job)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(500, done.getInt("total"));
        assertEquals(500, done.getInt("processed"));
        assertEquals(500, done.getInt("replayed"), done.prettify());
        assertEquals(500, done.getList("outcomes").size());
        assertEquals(
                new HashSet<>(seeded.stream().map(DlqEntry::id).toList()),
                new HashSet<>(done.getList("outcomes.id")),
                "one outcome per dead letter");
        assertTrue(done.getList("outcomes.outcome").stream().allMatch("replayed"::equals));
        given().get(DLQ + "?actionId=" + action + "&pageSize=100")
                .then()
                .statusCode(200)
                .body("entities.state.unique()", equalTo(List.of("replayed")));
        // the replayed runs go again (the sim answers 200); waited for, so the next test finds the service idle
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> sim.stats().executions(seeded.get(499).id()) > 0
                        && sim.stats().requests("POST", path(action)) >= 500);
        for (DlqEntry e : List.of(seeded.get(0), seeded.get(250), seeded.get(499))) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> "succeeded"
                            .equals(given().get("/v1/data-actions/failed-runs/" + e.id())
                                    .then()
                                    .extract()
                                    .path("state")));
        }
        // done: the same filter may run again, and finds nothing left to replay
        String again = given().post(DLQ + "/replay?actionId=" + action)
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "done"
                        .equals(given().get(DLQ + "/replays/" + again)
                                .then()
                                .extract()
                                .path("state")));
        given().get(DLQ + "/replays/" + again).then().body("total", equalTo(0));
    }

    private static FailedRun parse(String json) {
        try {
            return Json.mapper().readValue(json, FailedRun.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
