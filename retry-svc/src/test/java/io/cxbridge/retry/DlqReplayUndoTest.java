package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replay whose run state cannot be read after the dead letter was marked: 503 and the mark undone, so the dead
 * letter can be replayed once the state reads (it used to answer 500 and leave the mark: never replayable again).
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class DlqReplayUndoTest {

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
