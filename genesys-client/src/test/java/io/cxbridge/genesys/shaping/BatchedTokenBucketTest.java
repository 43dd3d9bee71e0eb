package io.cxbridge.genesys.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.genesys.shaping.TokenBucket.Take;
import io.cxbridge.testkit.MutableClock;
import io.cxbridge.testkit.RedisClient;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The in-process batches in front of the shared bucket, against a real Redis. The shared bucket refills over an
 * hour, so it barely moves while a test runs; the batches' age is the injected clock's.
 */
class BatchedTokenBucketTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @RegisterExtension
    static final RedisClient REDIS = new RedisClient();

    private final MutableClock clock = MutableClock.startingNow();
    private final String key = "test:batched:" + UUID.randomUUID();

    private BatchedTokenBucket bucket() {
        return new BatchedTokenBucket(new TokenBucket(REDIS.api(), clock), clock);
    }

    /** Whole tokens the shared bucket holds in Redis now. */
    private long inRedis() {
        return (long) Math.floor(Double.parseDouble(
                REDIS.api().hget(key, "tokens").await().indefinitely().toString()));
    }

    private static Take await(Uni<Take> take) {
        return take.await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aBatchIsFivePercentOfTheCapacityAndAtLeastOne() {
        BatchedTokenBucket b = bucket();
        assertThat(b.batchSize(1000)).isEqualTo(50);
        assertThat(b.batchSize(1200)).isEqualTo(60);
        assertThat(b.batchSize(39)).isEqualTo(1);
        assertThat(b.batchSize(3)).isEqualTo(1);
        assertThat(b.batchSize(1)).isEqualTo(1);
        assertThatThrownBy(() -> new BatchedTokenBucket(new TokenBucket(REDIS.api(), clock), clock, 0.06))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 0.05");
    }

    @Test
    void oneReservationServesABatchWithoutRedisThenTheNextIsReserved() {
        BatchedTokenBucket b = bucket();
        assertThat(b.takeHeld(key, 1000))
                .as("nothing held before the first take")
                .isNull();
        Take first = await(b.take(key, 1000, HOUR));
        assertThat(first.granted()).isTrue();
        assertThat(first.remaining()).isEqualTo(999);
        assertThat(inRedis()).isEqualTo(950);
        for (int i = 2; i <= 50; i++) {
            Take held = b.takeHeld(key, 1000);
            assertThat(held).as("take %d comes from the batch", i).isNotNull();
            assertThat(held.granted()).isTrue();
            assertThat(held.remaining()).isEqualTo(1000 - i);
        }
        assertThat(inRedis()).as("the batch was spent without Redis").isEqualTo(950);
        assertThat(b.takeHeld(key, 1000)).as("the batch is spent").isNull();
        assertThat(await(b.take(key, 1000, HOUR)).remaining()).isEqualTo(949);
        assertThat(inRedis()).isEqualTo(900);
    }

    @Test
    void anAgedBatchGivesItsUnusedTokensBackWithTheNextReservation() {
        BatchedTokenBucket b = bucket();
        await(b.take(key, 1000, HOUR));
        assertThat(b.takeHeld(key, 1000)).isNotNull();
        assertThat(inRedis()).isEqualTo(950);
        // 48 unused; the shared bucket refills a batch of 50 in 3 minutes: held no longer than that.
        clock.advance(Duration.ofMinutes(3));
        assertThat(b.takeHeld(key, 1000)).as("an aged batch is not spent").isNull();
        Take next = await(b.take(key, 1000, HOUR));
        assertThat(next.granted()).isTrue();
        // 950 + 48 given back - 50 reserved (Redis's own clock refilled well under one token meanwhile).
        assertThat(inRedis()).isEqualTo(948);
        assertThat(next.remaining()).isEqualTo(948 + 49);
    }

    @Test
    void twoProcessesNeverSpendMoreThanTheSharedBucketHolds() {
        List<BatchedTokenBucket> processes = List.of(bucket(), bucket());
        int granted = 0;
        int refused = 0;
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            BatchedTokenBucket p = processes.get(i % 2);
            Take held = p.takeHeld(key, 200);
            Take take = held != null ? held : await(p.take(key, 200, HOUR));
            if (take.granted()) {
                granted++;
            } else {
                refused++;
                waits.add(take.waitMs());
            }
        }
        assertThat(granted).isEqualTo(200);
        assertThat(refused).isEqualTo(100);
        assertThat(waits).allSatisfy(w -> assertThat(w).isPositive());
    }

    @Test
    void concurrentTakesShareOneReservationAndNoneIsLost() {
        BatchedTokenBucket b = bucket();
        List<Uni<Take>> burst = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            burst.add(b.take(key, 200, HOUR)); // batches of 10: all 30 before any reservation answered
        }
        List<Take> takes = Uni.join().all(burst).andFailFast().await().atMost(Duration.ofSeconds(5));
        assertThat(takes).allSatisfy(t -> assertThat(t.granted()).isTrue());
        assertThat(inRedis()).as("three batches of ten, no more").isEqualTo(170);
    }

    @Test
    void takesSubscribedWhileTheReservationIsAnsweredOnAnotherThreadGetTheirOwnAnswer() {
        // Takes subscribed from this thread while Redis answers on an event loop. A take that joined a memoized
        // reservation just as it was answered was once handed another take's answer as its own reservation (a
        // ClassCastException in SharedClientLimitTest, one full test run in three). The window is a few
        // instructions wide and this does not hit it on demand (it passed without the fix too); it keeps the
        // cross-thread path exercised, and every round must still grant exactly the bucket.
        for (int round = 0; round < 100; round++) {
            String roundKey = key + ":" + round;
            List<BatchedTokenBucket> two = List.of(bucket(), bucket());
            List<Uni<Take>> burst = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                BatchedTokenBucket b = two.get(i % 2);
                burst.add(Uni.createFrom().deferred(() -> b.take(roundKey, 100, HOUR)));
            }
            List<Take> takes = Uni.join().all(burst).andFailFast().await().atMost(Duration.ofSeconds(10));
            assertThat(takes.stream().filter(Take::granted).count())
                    .as("round %d", round)
                    .isEqualTo(100);
        }
    }

    @Test
    void takesWaitingForOneReservationEachResumeOnTheContextTheyCalledFrom() throws Exception {
        // A Redis that takes the connection and never answers: the reservation stays in flight until TokenBucket's
        // timeout answers it from the in-process fallback, on a timer thread that is neither caller's context.
        Vertx other = Vertx.vertx();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RedisAPI unanswered = RedisAPI.api(Redis.createClient(other, "redis://127.0.0.1:" + silent.getLocalPort()));
            BatchedTokenBucket b = new BatchedTokenBucket(new TokenBucket(unanswered, clock), clock);
            Context first = REDIS.vertx().getDelegate().getOrCreateContext();
            Context second = other.getDelegate().getOrCreateContext();
            assertThat(first).isNotSameAs(second);
            CompletableFuture<Context> firstResumedOn = new CompletableFuture<>();
            CompletableFuture<Context> secondResumedOn = new CompletableFuture<>();
            CountDownLatch reserving = new CountDownLatch(1);
            first.runOnContext(ignored -> {
                takeRecordingContext(b, firstResumedOn);
                reserving.countDown();
            });
            assertThat(reserving.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(firstResumedOn)
                    .as("the first take waits for its reservation")
                    .isNotDone();
            // Batches of ten: the second take waits for the first one's reservation and takes from its batch.
            second.runOnContext(ignored -> takeRecordingContext(b, secondResumedOn));

            assertThat(firstResumedOn.get(5, TimeUnit.SECONDS)).isSameAs(first);
            assertThat(secondResumedOn.get(5, TimeUnit.SECONDS)).isSameAs(second);
        } finally {
            other.closeAndAwait();
        }
    }

    private void takeRecordingContext(BatchedTokenBucket b, CompletableFuture<Context> resumedOn) {
        b.take(key, 200, HOUR)
                .subscribe()
                .with(
                        take -> resumedOn.complete(take.granted() ? io.vertx.core.Vertx.currentContext() : null),
                        resumedOn::completeExceptionally);
    }

    @Test
    void withRedisAwayEachProcessKeepsItsOwnBucketOfTheSameSize() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed
        }
        Vertx away = Vertx.vertx();
        try {
            RedisAPI nowhere = RedisAPI.api(Redis.createClient(away, "redis://127.0.0.1:" + closedPort));
            BatchedTokenBucket b = new BatchedTokenBucket(new TokenBucket(nowhere, clock), clock);
            int granted = 0;
            Take last = null;
            for (int i = 0; i < 25; i++) {
                Take held = b.takeHeld(key, 20);
                last = held != null ? held : await(b.take(key, 20, HOUR));
                granted += last.granted() ? 1 : 0;
            }
            assertThat(granted).isEqualTo(20);
            assertThat(last.granted()).isFalse();
            assertThat(last.waitMs()).isPositive();
        } finally {
            away.closeAndAwait();
        }
    }
}
