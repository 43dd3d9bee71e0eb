package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.metrics.GaugeRefresher;
import io.cxbridge.retry.state.RunStore;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.retry.worker.Intake;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The circuit breakers against the real sim (test profile: an action opens after 3 failures, half-open after 3 s;
 * the global breaker opens when 3 actions, at least half of those active in 10 s, are open, half-open after 4 s).
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class BreakerFlowTest {

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    Breakers breakers;

    @Inject
    Intake intake;

    @Inject
    RunStore store;

    @Inject
    GaugeRefresher gauges;

    @BeforeEach
    void reset() {
        sim.reset();
        breakers.reset();
    }

    /** Admitted (once the consumer has it), pending, no attempt spent. */
    private boolean waitingWithoutAttempts(String requestId) {
        return store.get(requestId)
                .await()
                .atMost(Duration.ofSeconds(5))
                .map(r -> r.state() == RunState.pending && r.attempts() == 0)
                .orElse(true);
    }

    private long executions(String action) {
        return sim.stats().requests("POST", path(action));
    }

    @Test
    void anOpenActionBreakerHoldsThatActionWhileOthersGoOnThenProbesOnce() throws Exception {
        String failing = newAction();
        String healthy = newAction();
        sim.fault(Map.of("method", "POST", "path", path(failing), "status", 503));
        String first = UUID.randomUUID().toString();
        publish(failing, run(first, failing));
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = UUID.randomUUID().toString();
            others.add(id);
            publish(healthy, run(id, healthy));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> breakers.probeAt(failing) != null);
        Instant probeAt = breakers.probeAt(failing);
        assertEquals(3, executions(failing), "opened after the threshold");
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = UUID.randomUUID().toString();
            waiting.add(id);
            publish(failing, run(id, failing));
        }
        // nothing of the failing action reaches the sim while its breaker is open
        Duration left = Duration.between(Instant.now(), probeAt).minusMillis(150);
        assertTrue(left.toMillis() > 1000, "time left to watch the open window: " + left);
        // ...and the runs waiting for it spend no attempt (checked in the window, from the store); an observation
        // counts only if it was complete before the probe time
        List<String> violations = new ArrayList<>();
        int[] observed = new int[1];
        await().atMost(left.plusSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long n = executions(failing);
                    boolean waited = waiting.stream().allMatch(this::waitingWithoutAttempts);
                    if (Instant.now().isAfter(probeAt.minusMillis(100))) {
                        return true;
                    }
                    observed[0]++;
                    if (n != 3 || !waited) {
                        violations.add(Instant.now() + ": " + n + " executions, waiting runs untouched: " + waited);
                    }
                    return false;
                });
        assertTrue(observed[0] > 0, "observed inside the window");
        assertEquals(List.of(), violations);
        for (String id : others) {
            assertEquals(1, awaitFinished(id, "succeeded").getInt("attempts"), "the other action goes on");
        }
        // then one probe per open window: it fails and opens the breaker again (checked from the recorded attempt
        // times below, so a slow machine cannot fake it)
        await().atMost(Duration.ofSeconds(30)).until(() -> executions(failing) >= 4);
        sim.clearFaults();
        for (String id : waiting) {
            awaitFinished(id, "succeeded");
        }
        // the first run may have been the probe twice (5 real attempts: exhausted is then right); never less
        JsonPath firstRun = RetryFlowTest.awaitFinished(first, null);
        assertTrue(
                firstRun.getString("state").equals("succeeded") || firstRun.getInt("attempts") == 5,
                firstRun.prettify());
        List<RunRecord.AttemptLog> failed = new ArrayList<>();
        for (String id : concat(first, waiting)) {
            store.get(id).await().atMost(Duration.ofSeconds(5)).orElseThrow().history().stream()
                    .filter(h -> Integer.valueOf(503).equals(h.status()))
                    .forEach(failed::add);
        }
        failed.sort(Comparator.comparing(RunRecord.AttemptLog::at));
        assertEquals(
                sim.stats().requests("POST", path(failing), 503),
                failed.size(),
                "every 503 the sim sent is a recorded attempt: " + failed);
        for (int i = 3; i < failed.size(); i++) {
            long gap = Duration.between(
                            failed.get(i - 1).answeredAt(), failed.get(i).at())
                    .toMillis();
            assertTrue(
                    gap >= 3000 - 100,
                    "probe " + (i - 2) + " came " + gap + " ms after the previous failure, "
                            + "inside the open window: " + failed);
        }
        for (String id : waiting) {
            given().get("/v1/data-actions/dlq?requestId=" + id)
                    .then()
                    .statusCode(200)
                    .body("total", equalTo(0));
        }
    }

    private static List<String> concat(String one, List<String> more) {
        List<String> all = new ArrayList<>(more);
        all.add(0, one);
        return all;
    }

    @Test
    void mostActionsFailingPausesIntakeUntilTheSimRecovers() throws Exception {
        sim.fault(Map.of("method", "POST", "path", "/api/v2/integrations/actions/**", "status", 503));
        List<String> failing = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String action = newAction();
            String id = UUID.randomUUID().toString();
            failing.add(id);
            publish(action, run(id, action));
        }
        await().atMost(Duration.ofSeconds(30)).until(breakers::globalOpen);
        Instant probeAt = breakers.globalProbeAt();
        assertNotNull(probeAt);
        long executionsAtOpen = sim.stats().requestsTotal();
        await().atMost(Duration.ofSeconds(5)).until(intake::isPaused);

        // a record arriving now stays in Kafka: not taken, not attempted
        String late = UUID.randomUUID().toString();
        String lateAction = newAction();
        publish(lateAction, run(late, lateAction));
        await().during(Duration.ofMillis(1000))
                .atMost(Duration.ofSeconds(5))
                .until(() -> given().get("/v1/data-actions/failed-runs/" + late)
                                .then()
                                .extract()
                                .statusCode()
                        == 404);
        assertEquals(executionsAtOpen, sim.stats().requestsTotal(), "nothing resubmitted while the breaker is open");
        assertTrue(gauges.lag() >= 1, "the record waits in Kafka: consumer lag");
        assertTrue(Instant.now().isBefore(probeAt), "checked inside the open window");

        sim.clearFaults();
        assertEquals(1, awaitFinished(late, "succeeded").getInt("attempts"), "intake resumed after the probe");
        for (String id : failing) {
            assertEquals("succeeded", awaitFinished(id, "succeeded").getString("state"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !intake.isPaused());
        for (String id : failing) {
            given().get("/v1/data-actions/dlq?requestId=" + id)
                    .then()
                    .statusCode(200)
                    .body("total", equalTo(0));
        }
    }

    @Test
    void badCredentialsPauseIntakeWithoutSpendingAttempts() throws Exception {
        // the reset revoked the shared token; the login host now refuses the client credentials
        sim.fault(Map.of("method", "POST", "path", "/oauth/token", "status", 401));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String action = newAction();
            String id = UUID.randomUUID().toString();
            ids.add(id);
            publish(action, run(id, action));
        }
        await().atMost(Duration.ofSeconds(30)).until(breakers::globalOpen);
        assertEquals("token", breakers.globalCause());
        await().atMost(Duration.ofSeconds(5)).until(intake::isPaused);
        for (String id : ids) {
            assertTrue(waitingWithoutAttempts(id), id + " spent no attempt on a missing token");
        }
        sim.clearFaults();
        for (String id : ids) {
            assertEquals(1, awaitFinished(id, "succeeded").getInt("attempts"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !intake.isPaused());
    }
}
