package io.cxbridge.retention.media;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** An apply whose answer is cancelled (the client went away) lets its writes go: the recovery may end them. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class MediaApplyCancelTest {

    @Inject
    MediaApply apply;

    @Inject
    RedisAPI redis;

    @Inject
    RetentionConfig config;

    @Test
    void aCancelledApplyNoLongerHoldsItsWrites() throws Exception {
        String name = "cancel-" + UUID.randomUUID();
        MediaPlan.Entry entry = new MediaPlan.Entry(
                name, MediaPlan.CREATE, "call", null, null, null, null, null, MediaRecoveryUnitTest.policy(name, 30));
        MediaApply target = ClientProxy.unwrap(apply);
        Cancellable answer = target.apply(new MediaPlan(List.of(entry), Map.of()), "trace")
                .subscribe()
                .with(ok -> {}, f -> {});
        answer.cancel();
        // its pending entry (written before the cancel reached the chain) names the request
        String hash = "{" + config.keyPrefix() + "}:media-pending";
        AtomicReference<String> requestId = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Response all = redis.hgetall(hash).await().atMost(Duration.ofSeconds(5));
            for (String field : all.getKeys()) {
                if (all.get(field).toString().contains(name)) {
                    requestId.set(field);
                }
            }
            return requestId.get() != null;
        });
        assertFalse(target.working(requestId.get()), "still held by an apply that will never run it");
        redis.hdel(List.of(hash, requestId.get())).await().atMost(Duration.ofSeconds(5));
    }
}
