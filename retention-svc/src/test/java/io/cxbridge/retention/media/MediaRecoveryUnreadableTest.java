package io.cxbridge.retention.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestState;
import io.cxbridge.retention.state.RequestStore;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A pending entry that does not read (real Redis): removed once its request ended, else left for an operator. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class MediaRecoveryUnreadableTest {

    @Inject
    MediaRecovery recovery;

    @Inject
    RequestStore store;

    @Inject
    RedisAPI redis;

    @Inject
    RetentionConfig config;

    @Inject
    Clock clock;

    private String hash() {
        return "{" + config.keyPrefix() + "}:media-pending";
    }

    private Object entry(String requestId) {
        return redis.hget(hash(), requestId).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void anUnreadableEntryWhoseRequestEndedOrExpiredIsRemovedAndOneStillWorkedIsLeft() {
        String expired = UUID.randomUUID().toString();
        String ended = UUID.randomUUID().toString();
        String working = UUID.randomUUID().toString();
        RequestRecord queued = RequestRecord.queued(ended, "calls", clock.instant());
        store.put(queued.withError("x").to(RequestState.failed, clock.instant()))
                .await()
                .atMost(Duration.ofSeconds(10));
        store.put(RequestRecord.queued(working, "calls", clock.instant()))
                .await()
                .atMost(Duration.ofSeconds(10));
        for (String id : List.of(expired, ended, working)) {
            redis.hset(List.of(hash(), id, "{not json")).await().atMost(Duration.ofSeconds(5));
        }

        recovery.recover().await().atMost(Duration.ofSeconds(20));

        assertNull(entry(expired), "its request expired");
        assertNull(entry(ended), "its request ended");
        assertEquals("{not json", String.valueOf(entry(working)), "its request is still worked");
        redis.hdel(List.of(hash(), working)).await().atMost(Duration.ofSeconds(5));
    }
}
