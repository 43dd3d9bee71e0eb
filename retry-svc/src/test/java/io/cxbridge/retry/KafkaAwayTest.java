package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cxbridge.common.health.Dependency;
import io.cxbridge.common.health.DependencyMonitor;
import io.cxbridge.common.redis.RedisEpoch;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.retry.state.RunStore;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.retry.worker.Resubmitter;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * While Kafka is away no outcome can be journaled: an attempt made then called Genesys, failed to record its answer
 * and went again after the claim lease with the same attempt number, so max-attempts and the backoff did not hold.
 * No attempt starts until Kafka answers again; the due run then goes once.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class KafkaAwayTest {

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    RunStore store;

    @Inject
    Resubmitter resubmitter;

    @Inject
    DependencyMonitor dependencies;

    @Inject
    RedisEpoch epoch;

    @Test
    void noAttemptStartsWhileKafkaIsAwayAndTheDueRunGoesOnceItIsBack() {
        await().atMost(Duration.ofSeconds(30)).until(epoch::open);
        String id = UUID.randomUUID().toString();
        String action = newAction();
        KafkaBroker broker = KafkaBroker.shared();
        broker.stop();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !dependencies.isUp(Dependency.KAFKA));
            // A run due now, in Redis (which is up), as an earlier intake left it; the loop is told.
            Instant past = Instant.now().minusSeconds(1);
            FailedRun failed = new FailedRun(
                    id, action, "run-k", Json.mapper().createObjectNode().put("x", 1), 0, past, 503, "t");
            store.save(RunRecord.pending(failed, "{}", past)).await().atMost(Duration.ofSeconds(5));
            resubmitter.scheduled(Instant.now());

            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> sim.stats().executions(id) == 0);
        } finally {
            broker.start();
        }
        awaitFinished(id, "succeeded");
        assertEquals(1, sim.stats().executions(id, 200), "one attempt, after Kafka came back");
    }
}
