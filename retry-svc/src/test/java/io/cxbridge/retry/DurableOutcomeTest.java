package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A Genesys 2xx is recorded before anything that can fail afterwards: the run never goes a second time. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class DurableOutcomeTest {

    private final SimControl sim = GenesysSim.shared().control();

    @Test
    void theBrokerStoppedRightAfterASuccessfulExecuteDoesNotMakeTheRunGoAgain() throws Exception {
        String action = newAction();
        // The execute takes 2 s: the broker is stopped while it is in flight, so the journal and audit sends after
        // the 200 meet a broker that is away.
        sim.fault(Map.of("method", "POST", "path", path(action), "latencyMs", 2000, "count", 1));
        String id = UUID.randomUUID().toString();
        publish(action, run(id, action));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> sim.stats().executions(id) > 0);
        KafkaBroker broker = KafkaBroker.shared();
        broker.stop();
        try {
            // Recorded in Redis while the broker is away: the claim lease can run out without the run going again.
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> "succeeded"
                            .equals(given().get("/v1/data-actions/failed-runs/" + id)
                                    .then()
                                    .extract()
                                    .path("state")));
        } finally {
            broker.start();
        }
        awaitFinished(id, "succeeded");
        sim.clearFaults();
        assertEquals(1, sim.stats().requests("POST", path(action), 200), "executed once");
        // A 401 answered before the token refresh is the same attempt sent again by the client, not a new attempt.
        assertEquals(
                1 + sim.stats().requests("POST", path(action), 401), sim.stats().executions(id), "never sent again");
    }
}
