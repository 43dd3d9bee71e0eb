package io.cxbridge.gateway.idempotency;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.cxbridge.gateway.audit.LogCapture;
import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class IdempotencyTest {

    private static final String QUEUES = "/api/v2/routing/queues";

    @Inject
    RedisAPI redisApi;

    private final SimControl sim = GenesysSim.shared().control();

    @BeforeEach
    void reset() {
        sim.reset();
        demo().get("/api/v2/warmup").then().statusCode(200); // the gateway replaces its token after the reset
    }

    private static RequestSpecification demo() {
        return given().header("X-API-Key", "cxb_demo_key");
    }

    private static RequestSpecification keyed(String key) {
        return demo().header("Idempotency-Key", key).contentType(ContentType.JSON);
    }

    @Test
    void theSameKeyAndBodyTwiceCreateOnceAndTheRepeatIsReplayed() {
        String key = UUID.randomUUID().toString();
        Response first = keyed(key).body("{\"name\":\"Billing\"}").post(QUEUES);
        first.then().statusCode(200);
        Response second = keyed(key).body("{\"name\":\"Billing\"}").post(QUEUES);
        second.then().statusCode(200).header("Idempotent-Replayed", "true");

        assertThat(second.jsonPath().getString("id")).isEqualTo(first.jsonPath().getString("id"));
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(sim.stats().requests("POST", QUEUES))
                .as("one create at the sim")
                .isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        String key = UUID.randomUUID().toString();
        keyed(key).body("{\"name\":\"A\"}").post(QUEUES).then().statusCode(200);
        keyed(key)
                .body("{\"name\":\"B\"}")
                .post(QUEUES)
                .then()
                .statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("different request"));
        assertThat(sim.stats().requests("POST", QUEUES)).isEqualTo(1);
    }

    @Test
    void aDuplicateWhileTheFirstIsStillRunningIs409() throws Exception {
        String key = UUID.randomUUID().toString();
        sim.fault(Map.of("method", "POST", "path", QUEUES, "latencyMs", 1500, "count", 1));
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(
                () -> keyed(key).body("{\"name\":\"Slow\"}").post(QUEUES).statusCode());
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> sim.stats().requests("POST", QUEUES) + inFlightAtSim() > 0);
        keyed(key)
                .body("{\"name\":\"Slow\"}")
                .post(QUEUES)
                .then()
                .statusCode(409)
                .header("Retry-After", "1")
                .body("type", equalTo(Problem.CONFLICT));
        assertThat(first.get()).isEqualTo(200);
        keyed(key)
                .body("{\"name\":\"Slow\"}")
                .post(QUEUES)
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true");
    }

    @Test
    void aFailedAnswerIsNotStoredSoTheRetryRunsAgain() {
        String key = UUID.randomUUID().toString();
        sim.fault(Map.of("method", "POST", "path", QUEUES, "status", 503, "count", 1));
        keyed(key).body("{\"name\":\"Retry me\"}").post(QUEUES).then().statusCode(503);
        keyed(key)
                .body("{\"name\":\"Retry me\"}")
                .post(QUEUES)
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", (String) null);
        assertThat(sim.stats().requests("POST", QUEUES)).isEqualTo(2);
    }

    @Test
    void whileRedisIsAwayKeyedWritesGet503AndPlainProxyingGoesOn() {
        RedisServer redis = RedisServer.shared();
        redis.stop();
        try {
            keyed(UUID.randomUUID().toString())
                    .body("{\"name\":\"Unprotected\"}")
                    .post(QUEUES)
                    .then()
                    .statusCode(503)
                    .header("Retry-After", "5")
                    .contentType(Problem.MEDIA_TYPE);
            assertThat(sim.stats().requests("POST", QUEUES))
                    .as("the keyed write never ran")
                    .isZero();
            demo().get(QUEUES).then().statusCode(200);
        } finally {
            redis.start();
        }
    }

    @Test
    void anAnswerRedisDidNotTakeIsRecordedWhenRedisIsBackAndTheRepeatIsReplayedNotRunAgain() throws Exception {
        String key = UUID.randomUUID().toString();
        sim.fault(Map.of("method", "POST", "path", QUEUES, "latencyMs", 3000, "count", 1));
        try (LogCapture logs = LogCapture.start()) {
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(
                    () -> keyed(key).body("{\"name\":\"Blip\"}").post(QUEUES));
            // the key is claimed (Redis keeps the claim across its restart) and the call is held at the sim
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> inFlightAtSim() > 0);
            RedisServer server = RedisServer.shared();
            server.stop();
            Response answered;
            try {
                // the answer comes and Redis cannot take it: the client gets it all the same, as before
                answered = first.get(15, TimeUnit.SECONDS);
                answered.then().statusCode(200);
            } finally {
                server.start();
            }

            // a repeat before the answer is recorded finds the claim (409); once recorded, it gets the stored answer
            AtomicReference<Response> repeat = new AtomicReference<>();
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> {
                        repeat.set(keyed(key).body("{\"name\":\"Blip\"}").post(QUEUES));
                        return repeat.get().statusCode() != 409;
                    });
            repeat.get().then().statusCode(200).header("Idempotent-Replayed", "true");
            assertThat(repeat.get().jsonPath().getString("id"))
                    .isEqualTo(answered.jsonPath().getString("id"));
            assertThat(sim.stats().requests("POST", QUEUES))
                    .as("one create at the sim")
                    .isEqualTo(1);
            String redisKey = "cxbridge:gateway:idem:demo:"
                    + IdempotencyStore.fingerprint("", "", key.getBytes(StandardCharsets.UTF_8));
            assertThat(redisApi.pttl(redisKey)
                            .await()
                            .atMost(java.time.Duration.ofSeconds(5))
                            .toLong())
                    .as("kept for the retention: it outlives the claim (deadline + 5 s), so later repeats are"
                            + " replayed too")
                    .isGreaterThan(java.time.Duration.ofHours(23).toMillis());

            String requestId = answered.header("X-Request-Id");
            assertThat(logs.lines())
                    .as("the first attempt to record the answer failed, and a later one wrote it")
                    .anyMatch(line -> line.startsWith(IdempotencyStore.class.getName())
                            && line.contains("was not written (")
                            && line.contains(requestId))
                    .anyMatch(line -> line.startsWith(IdempotencyStore.class.getName())
                            && line.contains("written late")
                            && line.contains(requestId))
                    .noneMatch(line -> line.startsWith("io.cxbridge.gateway.idempotency") && line.contains(key));
        }
    }

    /** The sim counts a request when its answer goes out; a request held by a latency fault is not counted yet. */
    private long inFlightAtSim() {
        return sim.faults().findValues("hits").stream()
                .mapToLong(n -> n.asLong())
                .sum();
    }

    @Test
    void aKeyedPostWithNoAnswerInTheDeadlineStaysClaimedAsOutcomeUnknownAndIsNeverSentAgain() {
        sim.fault(Map.of("method", "POST", "path", QUEUES, "latencyMs", 15000, "count", 1));
        String key = UUID.randomUUID().toString();
        keyed(key).body("{\"name\":\"Slow\"}").post(QUEUES).then().statusCode(504);
        // The upstream request was reset at the deadline (the sim records a dropped connection), not left running.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> sim.stats().requests("POST", QUEUES, 0) == 1);

        for (int i = 0; i < 2; i++) {
            keyed(key)
                    .body("{\"name\":\"Slow\"}")
                    .post(QUEUES)
                    .then()
                    .statusCode(409)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("type", equalTo("urn:cxbridge:problem:outcome-unknown"));
        }
        assertThat(sim.stats().requests("POST", QUEUES))
                .as("exactly one POST reached the sim")
                .isEqualTo(1);
    }
}
