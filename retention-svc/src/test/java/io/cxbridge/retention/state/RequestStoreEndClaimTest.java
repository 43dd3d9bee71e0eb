package io.cxbridge.retention.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The end's claim (real Redis): a lost claim, a hung audit event and an expired wait are failures, never an end. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class RequestStoreEndClaimTest {

    @Inject
    RequestStore store;

    @Inject
    RedisAPI redis;

    @Inject
    RetentionConfig config;

    @Inject
    Clock clock;

    private String claimKey(String requestId) {
        return "{" + config.keyPrefix() + "}:end-claim:" + requestId;
    }

    /** A polling request in Redis, and its failed end. */
    private RequestRecord pollingThenFailed(String requestId) {
        RequestRecord polling = RequestRecord.queued(requestId, "call", clock.instant())
                .withJob("job-" + requestId)
                .to(RequestState.submitted, clock.instant())
                .to(RequestState.polling, clock.instant());
        store.put(polling).await().atMost(Duration.ofSeconds(10));
        return polling.withError("test").to(RequestState.failed, clock.instant());
    }

    private RequestState stored(String requestId) {
        return store.get(requestId)
                .await()
                .atMost(Duration.ofSeconds(5))
                .orElseThrow()
                .state();
    }

    @Test
    void aClaimLostBeforeTheEndIsWrittenIsAFailureNotAnEnd() {
        String requestId = UUID.randomUUID().toString();
        RequestRecord done = pollingThenFailed(requestId);
        // while the audit event is sent, this claim lapses and another replica claims the end
        Throwable failure = assertThrows(
                RequestStore.EndClaimLost.class,
                () -> store.finish(
                                done,
                                RequestStore.outcomeCounts(done),
                                () -> redis.set(List.of(claimKey(requestId), "other-replica", "PX", "30000"))
                                        .replaceWithVoid())
                        .await()
                        .atMost(Duration.ofSeconds(20)));
        assertTrue(failure.getMessage().contains(requestId));
        assertEquals(RequestState.polling, stored(requestId), "not finished");
        // the other replica's claim is not this one's to give back
        assertEquals(
                "other-replica",
                redis.get(claimKey(requestId))
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .toString());
    }

    @Test
    void anAuditEventNeverAcknowledgedFailsWellBeforeTheClaimLapsesAndGivesItBack() {
        String requestId = UUID.randomUUID().toString();
        RequestRecord done = pollingThenFailed(requestId);
        long start = System.nanoTime();
        Throwable failure = assertThrows(
                RuntimeException.class,
                () -> store.finish(
                                done,
                                RequestStore.outcomeCounts(done),
                                () -> Uni.createFrom().<Void>nothing())
                        .await()
                        .atMost(RequestStore.ANNOUNCE_TIMEOUT.plusSeconds(10)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(
                took.compareTo(RequestStore.END_CLAIM_TTL.minusSeconds(10)) < 0,
                "failed after " + took + " (" + failure + ")");
        assertNull(redis.get(claimKey(requestId)).await().atMost(Duration.ofSeconds(5)), "the claim is given back");
        assertEquals(RequestState.polling, stored(requestId));
    }

    @Test
    void aWaitForAnotherReplicasClaimThatRunsOutReadsTheStateAgain() {
        String requestId = UUID.randomUUID().toString();
        RequestRecord done = pollingThenFailed(requestId);
        redis.set(List.of(claimKey(requestId), "other-replica", "PX", "60000"))
                .await()
                .atMost(Duration.ofSeconds(5));
        // still held after the wait, the request not finished: a failure saying so, for the caller to retry
        assertThrows(
                RequestStore.EndClaimedElsewhere.class,
                () -> store.finish(
                                done,
                                RequestStore.outcomeCounts(done),
                                () -> Uni.createFrom().voidItem(),
                                Duration.ofMillis(300))
                        .await()
                        .atMost(Duration.ofSeconds(10)));
        assertEquals(RequestState.polling, stored(requestId));
        // the other replica finished it while this one waited (its claim left behind): not finished twice
        RequestRecord other = done.withError("other");
        store.step(other).await().atMost(Duration.ofSeconds(5));
        Boolean applied = store.finish(
                        done,
                        RequestStore.outcomeCounts(done),
                        () -> Uni.createFrom().failure(new AssertionError("audited twice")),
                        Duration.ofMillis(300))
                .await()
                .atMost(Duration.ofSeconds(10));
        assertEquals(Boolean.FALSE, applied);
        assertEquals(
                "other",
                store.get(requestId)
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .orElseThrow()
                        .error());
    }
}
