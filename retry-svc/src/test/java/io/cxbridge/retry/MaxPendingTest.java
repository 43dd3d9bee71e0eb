package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.retry.state.RunStore;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code max-pending} admits at most that many runs into the schedule; the rest waits in Kafka and still runs. */
@QuarkusTest
@TestProfile(MaxPendingTest.SmallSchedule.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class MaxPendingTest {

    static final int MAX = 5;

    public static class SmallSchedule implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Its own keys: runs other test classes left in the shared Redis must not fill this schedule.
            // RebuildWakeTest shares the profile (each profile is one more application start, and in this JVM one
            // more Kafka broker: Quarkus loads testkit anew for it). For it, an idle sleep no test waits out: a run
            // the loop is not told about is never taken here; for this class every run is announced by intake.
            return Map.of(
                    "cxbridge.retry.max-pending",
                    String.valueOf(MAX),
                    "cxbridge.retry.key-prefix",
                    "cxbridge:retry:test-max-pending",
                    "cxbridge.retry.idle-poll-interval",
                    "10m");
        }
    }

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    RunStore store;

    @Test
    void atMostMaxPendingRunsAreScheduledAndEveryRunStillSucceeds() throws Exception {
        String action = newAction();
        // Each execute takes 500 ms: runs stay pending (claimed, in flight) a while, and the schedule fills.
        sim.fault(Map.of("method", "POST", "path", path(action), "latencyMs", 500, "count", 100));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            publish(action, run(id, action));
        }
        AtomicLong most = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                most.accumulateAndGet(store.pendingCount().await().atMost(Duration.ofSeconds(5)), Math::max);
            }
        });
        sampler.start();
        try {
            for (String id : ids) {
                awaitFinished(id, "succeeded");
            }
        } finally {
            sampler.interrupt();
            sampler.join(5000);
        }
        assertTrue(most.get() <= MAX, "at most " + MAX + " pending, saw " + most.get());
        assertEquals(MAX, most.get(), "the schedule did fill up (else this proves nothing)");
        assertEquals(20, sim.stats().requests("POST", path(action), 200), "each run executed once");
        sim.clearFaults();
    }
}
