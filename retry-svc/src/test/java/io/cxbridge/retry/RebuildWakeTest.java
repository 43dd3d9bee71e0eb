package io.cxbridge.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.common.redis.RedisEpoch;
import io.cxbridge.common.redis.RedisRebuilt;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.retry.state.RunStore;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.retry.worker.Resubmitter;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The poll loop sleeps up to {@code idle-poll-interval} when nothing is due, and a rebuild writes runs into the due
 * set without telling it: the end of a rebuild ({@link RedisRebuilt}) wakes it, so restored runs that are due start
 * at once rather than an idle interval later.
 */
@QuarkusTest
@TestProfile(MaxPendingTest.SmallSchedule.class) // keys of its own, and an idle interval of 10 minutes
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class RebuildWakeTest {

    @Inject
    RunStore store;

    @Inject
    Resubmitter resubmitter;

    @Inject
    RedisEpoch epoch;

    @Inject
    Event<RedisRebuilt> rebuilt;

    private boolean sleepingIdle() {
        Instant next = resubmitter.plannedPoll();
        return next != null && next.isAfter(Instant.now().plus(Duration.ofMinutes(1)));
    }

    private Optional<RunRecord> stored(String id) {
        return store.get(id).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aDueRunRestoredByARebuildStartsWhenTheRebuildEndsNotAnIdleIntervalLater() {
        await().atMost(Duration.ofSeconds(30)).until(() -> epoch.open() && sleepingIdle());
        String id = UUID.randomUUID().toString();
        String action = "custom_-_" + UUID.randomUUID();
        Instant past = Instant.now().minusSeconds(5);
        FailedRun failed = new FailedRun(
                id, action, "run-w", Json.mapper().createObjectNode().put("x", 1), 0, past, 503, "t");
        // What a rebuild does: the run is written to the due set, due already, and nobody wakes the loop.
        store.save(RunRecord.pending(failed, "{}", past).retryAt(1, 503, "HTTP 503", past, past))
                .await()
                .atMost(Duration.ofSeconds(5));
        assertThat(sleepingIdle()).as("the loop still sleeps its idle interval").isTrue();
        assertThat(stored(id).orElseThrow().state()).isEqualTo(RunState.pending);

        rebuilt.fire(new RedisRebuilt("test-epoch"));

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        stored(id).map(r -> r.state() == RunState.succeeded).orElse(false));
        assertThat(stored(id).orElseThrow().attempts()).isEqualTo(2);
        assertThat(GenesysSim.shared()
                        .control()
                        .stats()
                        .requests("POST", "/api/v2/integrations/actions/" + action + "/execute", 200))
                .isEqualTo(1);
    }
}
