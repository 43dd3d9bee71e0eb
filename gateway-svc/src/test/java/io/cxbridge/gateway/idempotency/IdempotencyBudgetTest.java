package io.cxbridge.gateway.idempotency;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.MutableClock;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each client's idempotency storage budget through the gateway, with small limits (3 records, 4 KiB) and a 10-minute
 * retention (its usage counted in hourly buckets, as for any retention), on a clock the test moves: a new key past the
 * budget is 429 with Retry-After, counted as refused, and never reaches Genesys; repeats of stored keys, other clients
 * and requests without a key go on.
 */
@QuarkusTest
@TestProfile(IdempotencyBudgetTest.SmallBudget.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class IdempotencyBudgetTest {

    private static final String QUEUES = "/api/v2/routing/queues";
    private static final long BUCKET_MILLIS = Duration.ofHours(1).toMillis();
    /** Records in the current bucket leave the window a retention after it ends; the clock is 5 s into it. */
    private static final String RETRY_AFTER =
            String.valueOf((BUCKET_MILLIS + Duration.ofMinutes(10).toMillis() - 5_000) / 1000);

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "cxbridge.gateway.idempotency.max-records-per-client", "3",
                    "cxbridge.gateway.idempotency.max-bytes-per-client", "4K",
                    "cxbridge.gateway.idempotency.retention", "10m");
        }
    }

    @Inject
    RedisAPI redisApi;

    @Inject
    MeterRegistry registry;

    private final SimControl sim = GenesysSim.shared().control();
    private final MutableClock clock = new MutableClock(
            Instant.ofEpochMilli(Math.floorDiv(System.currentTimeMillis(), BUCKET_MILLIS) * BUCKET_MILLIS + 5_000));

    @BeforeEach
    void reset() {
        QuarkusMock.installMockForType(clock, Clock.class);
        // every test starts with no usage counted (earlier tests' and classes' records would count in the window)
        var found = redisApi.keys("cxbridge:gateway:idem-usage:*").await().atMost(Duration.ofSeconds(5));
        List<String> usage = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            usage.add(found.get(i).toString());
        }
        if (!usage.isEmpty()) {
            redisApi.del(usage).await().atMost(Duration.ofSeconds(5));
        }
        sim.reset();
        demo().get("/api/v2/warmup").then().statusCode(200); // the gateway replaces its token after the reset
    }

    private static RequestSpecification demo() {
        return given().header("X-API-Key", "cxb_demo_key");
    }

    private static RequestSpecification keyed(RequestSpecification client, String key) {
        return client.header("Idempotency-Key", key).contentType(ContentType.JSON);
    }

    private static Response create(RequestSpecification client, String key, String name) {
        return keyed(client, key).body("{\"name\":\"" + name + "\"}").post(QUEUES);
    }

    /** Three keyed creates of demo, each stored: its records budget used up. Returns the keys. */
    private static List<String> useUpTheRecords() {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String key = UUID.randomUUID().toString();
            create(demo(), key, "Queue " + i).then().statusCode(200);
            keys.add(key);
        }
        return keys;
    }

    private static void refusedOverBudget(String key, String retryAfter) {
        create(demo(), key, "One too many")
                .then()
                .statusCode(429)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", retryAfter)
                .body("type", equalTo("urn:cxbridge:problem:idempotency-budget-used-up"))
                .body("detail", containsString("client 'demo' has used up its idempotency storage budget"))
                .body("detail", containsString("3 records of its max-records-per-client 3"))
                .body("detail", not(containsString("max-bytes-per-client")));
    }

    /** {@code cxbridge_gateway_refused_total{status="429",reason="idempotency-budget"}}. */
    private double budgetRefusals() {
        Counter c = registry.find("cxbridge.gateway.refused")
                .tags("status", "429", "reason", "idempotency-budget")
                .counter();
        return c == null ? 0 : c.count();
    }

    private long postsAtSim() {
        return sim.stats().requests("POST", QUEUES);
    }

    @Test
    void theFourthNewKeyIs429WithRetryAfterAndIsNeitherSentNorClaimed() {
        useUpTheRecords();
        String fourth = UUID.randomUUID().toString();

        refusedOverBudget(fourth, RETRY_AFTER);

        assertThat(postsAtSim()).as("three creates at the sim, no fourth").isEqualTo(3);
        assertThat(redisApi.get(IdempotencyStore.redisKey("demo", fourth))
                        .await()
                        .atMost(Duration.ofSeconds(5)))
                .as("the refused key is not left claimed")
                .isNull();
        // so its repeat is refused the same way, not 409 "still in progress"
        refusedOverBudget(fourth, RETRY_AFTER);
        assertThat(postsAtSim()).isEqualTo(3);
    }

    @Test
    void aBudgetRefusalIsCountedAsRefusedWithItsOwnReason() {
        useUpTheRecords();
        double before = budgetRefusals();
        for (int i = 0; i < 2; i++) {
            create(demo(), UUID.randomUUID().toString(), "One too many")
                    .then()
                    .statusCode(429)
                    .body("type", equalTo(KeyedWrite.BUDGET_USED_UP));
        }
        assertThat(budgetRefusals())
                .as("cxbridge_gateway_refused_total{status=429, reason=idempotency-budget}, not the rate limit's")
                .isEqualTo(before + 2);
    }

    @Test
    void aRepeatOfAStoredKeyIsStillReplayedOverBudget() {
        List<String> keys = useUpTheRecords();
        refusedOverBudget(UUID.randomUUID().toString(), RETRY_AFTER);

        create(demo(), keys.get(0), "Queue 1")
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("name", equalTo("Queue 1"));
        keyed(demo(), keys.get(1))
                .body("{\"name\":\"Another body\"}")
                .post(QUEUES)
                .then()
                .statusCode(422);
        assertThat(postsAtSim()).isEqualTo(3);
    }

    @Test
    void anotherClientAndRequestsWithoutAKeyAreNotAffected() {
        useUpTheRecords();
        refusedOverBudget(UUID.randomUUID().toString(), RETRY_AFTER);

        RequestSpecification other = given().header("X-API-Key", "cxb_short_key");
        create(other, UUID.randomUUID().toString(), "Another client's")
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", (String) null);
        demo().contentType(ContentType.JSON)
                .body("{\"name\":\"No key\"}")
                .post(QUEUES)
                .then()
                .statusCode(200);
        assertThat(postsAtSim()).isEqualTo(5);
    }

    @Test
    void theBytesLimitRefusesANewKeyTooAndSaysSo() {
        // one answer of more than 4 KiB (the sim answers a create with the entity it made)
        create(demo(), UUID.randomUUID().toString(), "x".repeat(4000)).then().statusCode(200);

        create(demo(), UUID.randomUUID().toString(), "Small")
                .then()
                .statusCode(429)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", RETRY_AFTER)
                .body("detail", containsString("bytes of its max-bytes-per-client 4096"))
                .body("detail", not(containsString("max-records-per-client")));
        assertThat(postsAtSim()).isEqualTo(1);
    }

    @Test
    void onceTheRecordsHaveLeftTheWindowTheClientGetsNewKeysAgain() {
        useUpTheRecords();
        refusedOverBudget(UUID.randomUUID().toString(), RETRY_AFTER);

        clock.advance(Duration.ofSeconds(Long.parseLong(RETRY_AFTER) - 1));
        refusedOverBudget(UUID.randomUUID().toString(), "1");

        clock.advance(Duration.ofSeconds(1));
        create(demo(), UUID.randomUUID().toString(), "After the window")
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", (String) null);
        assertThat(postsAtSim()).isEqualTo(4);
    }
}
