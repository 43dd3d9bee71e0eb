package io.cxbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.genesys.shaping.BatchedTokenBucket;
import io.cxbridge.genesys.shaping.TokenBucket;
import io.cxbridge.genesys.shaping.TokenBucket.Take;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances' client buckets (each its own {@link TokenBucket} over the service's Redis) bursting at
 * one client: together they never grant more than the shared limit (plus what Redis refills meanwhile), and the
 * tokens they reserved are spent, not lost (the exact remaining counts are {@code BatchedTokenBucketTest}'s).
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class SharedClientLimitTest {

    private static final int LIMIT = 600; // a minute: batches of 30, 10 tokens a second refilled
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Inject
    RedisAPI redis;

    @Inject
    Clock clock;

    @Test
    void twoInstancesBurstingAtOneClientNeverExceedItsLimitTogether() {
        String key = "cxbridge:gateway:client:shared-" + UUID.randomUUID();
        List<BatchedTokenBucket> instances = List.of(
                new BatchedTokenBucket(new TokenBucket(redis, clock), clock),
                new BatchedTokenBucket(new TokenBucket(redis, clock), clock));
        long start = System.nanoTime();
        List<Uni<Take>> burst = new ArrayList<>();
        for (int i = 0; i < 2 * LIMIT; i++) {
            BatchedTokenBucket instance = instances.get(i % 2);
            burst.add(Uni.createFrom().deferred(() -> instance.take(key, LIMIT, MINUTE)));
        }
        List<Take> takes = Uni.join().all(burst).andFailFast().await().atMost(Duration.ofSeconds(30));
        double refilledAtMost = (System.nanoTime() - start) / 1e9 * LIMIT / 60.0 + 1;

        long granted = takes.stream().filter(Take::granted).count();
        assertThat(granted).as("every token spent came from the shared bucket").isBetween((long) LIMIT, (long)
                (LIMIT + refilledAtMost));
        assertThat(takes.stream().filter(t -> !t.granted()))
                .as("the rest is refused with a wait, as the 429's Retry-After needs")
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.waitMs()).isPositive());

        // Nothing was lost on the way: the shared bucket was drained (it only holds what refilled since).
        long inRedis = (long) Math.floor(Double.parseDouble(
                redis.hget(key, "tokens").await().indefinitely().toString()));
        double refilledSince = (System.nanoTime() - start) / 1e9 * LIMIT / 60.0 + 1;
        assertThat((double) inRedis).isLessThanOrEqualTo(refilledSince);
    }
}
