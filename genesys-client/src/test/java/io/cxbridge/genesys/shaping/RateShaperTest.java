package io.cxbridge.genesys.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.genesys.Process;
import io.cxbridge.genesys.SimTestBase;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.testkit.MutableClock;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateShaperTest extends SimTestBase {

    private static final String QUEUES = "/api/v2/routing/queues";

    /** What became of one request: its status, or the rate-limited refusal, and how long it took. */
    record Outcome(int status, boolean rateLimited, long elapsedMs) {}

    @Test
    void threeProcessesBurstingSixHundredRequestsNeverMeetA429() {
        GenesysConfig config = config(Map.of("cxbridge.genesys.rate-limit.max-wait", "1s"));
        List<Process> processes = List.of(
                process(config, Clock.systemUTC()),
                process(config, Clock.systemUTC()),
                process(config, Clock.systemUTC()));
        processes.forEach(p -> p.tokens.token().await().indefinitely());
        Duration deadline = Duration.ofSeconds(5);

        List<Uni<Outcome>> burst = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            Process p = processes.get(i % 3);
            burst.add(Uni.createFrom().deferred(() -> {
                long start = System.nanoTime();
                return p.client
                        .send(GenesysRequest.get(QUEUES).withDeadline(deadline))
                        .map(r -> new Outcome(r.status(), false, (System.nanoTime() - start) / 1_000_000))
                        .onFailure(RateLimitedException.class)
                        .recoverWithItem(e -> new Outcome(0, true, (System.nanoTime() - start) / 1_000_000));
            }));
        }
        List<Outcome> outcomes = Uni.join().all(burst).andFailFast().await().atMost(Duration.ofSeconds(60));

        assertThat(requests("GET", QUEUES, 429))
                .as("the sim never answered 429")
                .isZero();
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.rateLimited() || o.status() == 200).isTrue();
            assertThat(o.elapsedMs()).isLessThanOrEqualTo(deadline.toMillis() + 500);
        });
        long ok = outcomes.stream().filter(o -> o.status() == 200).count();
        // 90 % of 300 a minute up front, plus what refills (4.5 a second) within the 1 s wait.
        assertThat(ok).isBetween(270L, 290L);
        assertThat(outcomes.stream().filter(Outcome::rateLimited).count()).isEqualTo(600 - ok);
    }

    @Test
    void aRefusalCarriesTheTimeToWait() {
        Process p = process(
                config(Map.of(
                        "cxbridge.genesys.rate-limit.per-minute",
                        "2",
                        "cxbridge.genesys.rate-limit.capacity-fraction",
                        "1.0",
                        "cxbridge.genesys.rate-limit.max-wait",
                        "0s")),
                Clock.systemUTC());
        p.shaper.acquire(java.time.Instant.now().plusSeconds(5)).await().indefinitely();
        p.shaper.acquire(java.time.Instant.now().plusSeconds(5)).await().indefinitely();
        RateLimitedException e = (RateLimitedException) Uni.createFrom()
                .deferred(() -> p.shaper.acquire(java.time.Instant.now().plusSeconds(5)))
                .onItem()
                .transform(x -> (Throwable) null)
                .onFailure()
                .recoverWithItem(t -> t)
                .await()
                .indefinitely();
        assertThat(e).isNotNull();
        assertThat(e.retryAfter()).isBetween(Duration.ofMillis(1), Duration.ofSeconds(30));
        assertThat(e.retryAfterSeconds()).isBetween(1L, 30L);
        assertThat(e.getMessage()).contains("rate limited").contains("2 Genesys requests a minute");
    }

    @Test
    void theLimitIsLoweredWhenThePlatformReportsLess() {
        Process p = process(config(Map.of()), Clock.systemUTC());
        assertThat(p.shaper.capacity()).isEqualTo(270);
        p.shaper.observeAllowed("120");
        assertThat(p.shaper.limitPerMinute()).isEqualTo(120);
        assertThat(p.shaper.capacity()).isEqualTo(108);
        p.shaper.observeAllowed("500");
        p.shaper.observeAllowed("junk");
        assertThat(p.shaper.limitPerMinute())
                .as("never raised above what was seen")
                .isEqualTo(120);
    }

    @Test
    void concurrentReadingsKeepTheLowestOneWithinTheHold() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        Process p = process(config(Map.of()), clock);
        String[] readings = {"200", "120", "250", "150"};
        ExecutorService threads = Executors.newFixedThreadPool(readings.length);
        try {
            for (int round = 0; round < 300; round++) {
                clock.advance(Duration.ofMinutes(6)); // the last round's hold is over: every reading may lower it
                CyclicBarrier start = new CyclicBarrier(readings.length);
                List<Future<?>> done = new ArrayList<>();
                for (String reading : readings) {
                    done.add(threads.submit(() -> {
                        start.await();
                        p.shaper.observeAllowed(reading, "60");
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertThat(p.shaper.limitPerMinute())
                        .as("round %d: the lowest of the answers that came together", round)
                        .isEqualTo(120);
            }
        } finally {
            threads.shutdownNow();
        }
        p.shaper.observeAllowed("1", "60");
        assertThat(p.shaper.limitPerMinute()).as("still floored").isEqualTo(30);
        clock.advance(Duration.ofSeconds(60));
        assertThat(p.shaper.limitPerMinute())
                .as("and held only until the reset")
                .isEqualTo(300);
    }

    @Test
    void aTinyLimitHeaderIsFlooredAtATenthOfTheConfiguredLimit() {
        control.config(Map.of("rateLimitPerMinute", 1)); // every answer says inin-ratelimit-allowed: 1
        Process p = process(config(Map.of()), MutableClock.startingNow());

        assertThat(p.client
                        .send(GenesysRequest.get(QUEUES))
                        .await()
                        .atMost(Duration.ofSeconds(20))
                        .status())
                .isEqualTo(200);

        assertThat(p.shaper.limitPerMinute())
                .as("10 % of the configured 300, not 1 a minute")
                .isEqualTo(30);
        assertThat(p.shaper.capacity()).isEqualTo(27);
        p.shaper.observeAllowed("0");
        p.shaper.observeAllowed("-5");
        assertThat(p.shaper.limitPerMinute()).isEqualTo(30);
    }

    @Test
    void aLoweredLimitEndsAfterTheHold() {
        MutableClock clock = MutableClock.startingNow();
        Process p = process(config(Map.of()), clock);
        p.shaper.observeAllowed("120");
        assertThat(p.shaper.limitPerMinute()).isEqualTo(120);

        clock.advance(Duration.ofMinutes(4));
        p.shaper.observeAllowed("200");
        assertThat(p.shaper.limitPerMinute())
                .as("never raised above what was seen while it holds")
                .isEqualTo(120);

        clock.advance(Duration.ofMinutes(1));
        assertThat(p.shaper.limitPerMinute())
                .as("after 5 minutes the configured limit applies again")
                .isEqualTo(300);
        assertThat(p.shaper.capacity()).isEqualTo(270);
    }

    @Test
    void aLoweredLimitHoldsUntilTheReportedResetAndEachReportHoldsItAgain() {
        MutableClock clock = MutableClock.startingNow();
        Process p = process(config(Map.of()), clock);
        p.shaper.observeAllowed("120", "30");
        clock.advance(Duration.ofSeconds(20));
        p.shaper.observeAllowed("120", "30"); // the platform still says so: held 30 s from now
        clock.advance(Duration.ofSeconds(29));
        assertThat(p.shaper.limitPerMinute()).isEqualTo(120);
        clock.advance(Duration.ofSeconds(1));
        assertThat(p.shaper.limitPerMinute()).isEqualTo(300);

        // a reset that is not sane (beyond the default hold, or none) holds for the default 5 minutes
        p.shaper.observeAllowed("150", "86400");
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(p.shaper.limitPerMinute()).isEqualTo(150);
        clock.advance(Duration.ofSeconds(1));
        assertThat(p.shaper.limitPerMinute()).isEqualTo(300);
    }

    @Test
    void withoutRedisEachProcessShapesWithItsOwnBudget() {
        Process p = process(
                config(Map.of(
                        "cxbridge.genesys.rate-limit.per-minute",
                        "10",
                        "cxbridge.genesys.rate-limit.capacity-fraction",
                        "1.0",
                        "cxbridge.genesys.rate-limit.max-wait",
                        "0s")),
                Clock.systemUTC());
        redis.stop();
        try {
            AtomicInteger granted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            for (int i = 0; i < 15; i++) {
                p.shaper
                        .acquire(java.time.Instant.now().plusSeconds(5))
                        .onItem()
                        .invoke(granted::incrementAndGet)
                        .onFailure(RateLimitedException.class)
                        .recoverWithItem(e -> {
                            refused.incrementAndGet();
                            return null;
                        })
                        .await()
                        .indefinitely();
            }
            assertThat(granted.get()).isEqualTo(10);
            assertThat(refused.get()).isEqualTo(5);
        } finally {
            redis.start();
        }
    }
}
