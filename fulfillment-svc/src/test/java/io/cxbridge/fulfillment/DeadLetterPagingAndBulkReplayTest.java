package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitState;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.json;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cxbridge.common.dlq.DeadLetterReplays;
import io.cxbridge.fulfillment.dlq.JobDeadLetter;
import io.cxbridge.fulfillment.dlq.JobDeadLetterWriter;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fulfillment DLQ API pages like the retry one, and replays in bulk as a job. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class DeadLetterPagingAndBulkReplayTest {

    private static final String DLQ = "/v1/fulfillment/dlq";
    private static final String CALLBACKS = "/api/v2/dataactions/fulfillments/**";

    private final SimControl sim = FulfillmentTestSupport.sim();

    @Inject
    JobDeadLetterWriter writer;

    @Inject
    DeadLetterReplays replays;

    @BeforeEach
    void setUp() {
        sim.reset();
    }

    @Test
    void sixtyDeadLettersAreListedTwentyFiveAtATimeFollowingNextUri() {
        String marker = "marker-" + UUID.randomUUID();
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        List<FulfillmentJob> seeded = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            seeded.add(job(newFid(), newToken(), Duration.ofSeconds(600)));
        }
        // Written as the worker writes them (the DLQ topic, then the index), oldest first: the topic stays the
        // system of record, so a later Redis loss rebuilds exactly these.
        for (int i = 59; i >= 0; i--) {
            FulfillmentJob job = seeded.get(i);
            ids.add(0, job.jobId());
            writer.send(
                            job.fulfillmentId(),
                            json(job),
                            JobDeadLetter.of(
                                    job,
                                    "callback-failed",
                                    "HTTP 503 " + marker,
                                    3,
                                    now.minusSeconds(60),
                                    now.minusMillis(i)))
                    .await()
                    .atMost(Duration.ofSeconds(10));
        }

        String base = DLQ + "?reason=" + marker + "&pageSize=25&pageNumber=";
        List<String> listed = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        JsonPath page = given().get(DLQ + "?reason=" + marker)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertNull(page.getString("previousUri"));
        assertEquals(base + 1, page.getString("firstUri"));
        assertEquals(base + 3, page.getString("lastUri"));
        while (true) {
            assertEquals(60, page.getInt("total"));
            assertEquals(3, page.getInt("pageCount"));
            assertEquals(base + page.getInt("pageNumber"), page.getString("selfUri"));
            List<String> pageIds = page.getList("entities.jobId");
            listed.addAll(pageIds);
            sizes.add(pageIds.size());
            String next = page.getString("nextUri");
            if (next == null) {
                break;
            }
            page = given().get(next).then().statusCode(200).extract().jsonPath();
            assertEquals(base + (page.getInt("pageNumber") - 1), page.getString("previousUri"));
        }
        assertEquals(List.of(25, 25, 10), sizes);
        assertEquals(ids, listed, "every dead letter once, newest first");
        given().get(DLQ + "?jobId=" + ids.get(3))
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("entities[0].jobId", equalTo(ids.get(3)))
                .body("entities[0].replayed", equalTo(false));
        given().get(DLQ + "?since=" + now.plusSeconds(5)).then().statusCode(200).body("total", equalTo(0));
        given().get(DLQ + "?since=nope&pageNumber=0")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", org.hamcrest.Matchers.containsInAnyOrder("since", "pageNumber"));
    }

    @Test
    void aBulkReplayIsAJobAndAnOverlappingOneWhileItIsHeldIs409() {
        sim.fault(Map.of("method", "POST", "path", CALLBACKS, "status", 503));
        Instant since = Instant.now();
        List<FulfillmentJob> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FulfillmentJob job = job(newFid(), newToken(), Duration.ofSeconds(120));
            publish(job);
            jobs.add(job);
        }
        for (FulfillmentJob job : jobs) {
            assertEquals("dead-lettered", awaitTerminal(job.jobId()).getString("state"));
        }
        sim.clearFaults();

        CompletableFuture<Void> gate = new CompletableFuture<>();
        replays.beforeEachRecord(() -> Uni.createFrom().completionStage(gate));
        String id;
        try {
            id = given().post(DLQ + "/replay?since=" + since)
                    .then()
                    .statusCode(202)
                    .body("state", equalTo("running"))
                    .extract()
                    .path("id");
            given().post(DLQ + "/replay?jobId=" + jobs.get(0).jobId())
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", containsString(id));
            given().post(DLQ + "/replay?reason=callback-failed").then().statusCode(409);
            given().get(DLQ + "/replays/" + id).then().statusCode(200).body("state", equalTo("running"));
        } finally {
            replays.beforeEachRecord(() -> Uni.createFrom().voidItem());
            gate.complete(null);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "done"
                        .equals(given().get(DLQ + "/replays/" + id)
                                .then()
                                .extract()
                                .path("state")));
        JsonPath done = given().get(DLQ + "/replays/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(3, done.getInt("total"), done.prettify());
        assertEquals(3, done.getInt("replayed"), done.prettify());
        assertEquals(List.of("replayed", "replayed", "replayed"), done.getList("outcomes.outcome"));
        assertEquals(Map.of("since", since.toString()), done.getMap("filters"));
        for (FulfillmentJob job : jobs) {
            awaitState(job.jobId(), "complete");
        }
        // each one once: a single replay of one of them now is refused
        given().post(DLQ + "/" + jobs.get(1).jobId() + "/replay").then().statusCode(409);
    }
}
