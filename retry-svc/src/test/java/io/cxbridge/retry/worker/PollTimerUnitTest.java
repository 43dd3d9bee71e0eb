package io.cxbridge.retry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The poll loop's timing on a real Vert.x timer and a fixed clock (so every planned time is exact): it sleeps until
 * the earliest due run, capped; an earlier run wakes it; it never ticks faster than the poll interval.
 */
class PollTimerUnitTest {

    private static final Instant T = Instant.parse("2026-12-02T05:00:00Z");
    private static final Duration MIN = Duration.ofMillis(100);
    private static final Duration IDLE = Duration.ofSeconds(60);

    private final Vertx vertx = Vertx.vertx();
    private final Clock clock = Clock.fixed(T, ZoneOffset.UTC);
    private final AtomicInteger ticks = new AtomicInteger();
    private PollTimer timer;

    @AfterEach
    void close() {
        timer.stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private PollTimer timer(Supplier<Uni<Instant>> tick) {
        return timer(MIN, tick);
    }

    private PollTimer timer(Duration min, Supplier<Uni<Instant>> tick) {
        timer = new PollTimer(vertx, clock, min, IDLE, () -> {
            ticks.incrementAndGet();
            return tick.get();
        });
        return timer;
    }

    @Test
    void withNothingDueSoonItSleepsTheIdleIntervalAndARunScheduledMeanwhileIsStillTakenOnTime() {
        PollTimer poller = timer(() -> Uni.createFrom().item(Instant.MAX));
        poller.start(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() == 1 && poller.plannedAt() != null);
        assertThat(poller.plannedAt()).as("asleep for the idle interval").isEqualTo(T.plus(IDLE));

        // A run scheduled 50 ms ahead while the loop sleeps a minute: the next tick is at the run's due time, held to
        // the poll interval after the previous tick (at T).
        poller.wake(T.plusMillis(50));
        assertThat(poller.plannedAt()).isEqualTo(T.plus(MIN));
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() == 2);
    }

    @Test
    void itSleepsUntilTheEarliestDueRunAndALaterWakeChangesNothing() {
        PollTimer poller = timer(() -> Uni.createFrom().item(T.plusSeconds(40)));
        poller.start(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() == 1 && poller.plannedAt() != null);
        assertThat(poller.plannedAt()).isEqualTo(T.plusSeconds(40));
        poller.wake(T.plusSeconds(50));
        assertThat(poller.plannedAt()).isEqualTo(T.plusSeconds(40));
        poller.wake(T.plusSeconds(20));
        assertThat(poller.plannedAt()).isEqualTo(T.plusSeconds(20));
    }

    @Test
    void whileRunsAreDueItTicksNoFasterThanThePollInterval() {
        // A long poll interval keeps the plan still while the test looks at it.
        Duration min = Duration.ofSeconds(30);
        PollTimer poller = timer(min, () -> Uni.createFrom().item(T));
        poller.start(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() == 1 && poller.plannedAt() != null);
        assertThat(poller.plannedAt())
                .as("runs due now: the next tick a poll interval on")
                .isEqualTo(T.plus(min));
        poller.wake(T);
        assertThat(poller.plannedAt()).as("a wake does not shorten it either").isEqualTo(T.plus(min));
    }

    @Test
    void aWakeDuringATickIsKeptForWhenTheTickEndsAndAFailedTickPollsAgainSoon() {
        AtomicReference<CompletableFuture<Instant>> running = new AtomicReference<>();
        PollTimer poller = timer(() -> {
            CompletableFuture<Instant> f = new CompletableFuture<>();
            running.set(f);
            return Uni.createFrom().completionStage(f);
        });
        poller.start(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> running.get() != null);
        assertThat(poller.plannedAt()).as("no timer while a tick runs").isNull();
        poller.wake(T.plusSeconds(3));
        running.get().complete(Instant.MAX);
        assertThat(poller.plannedAt()).isEqualTo(T.plusSeconds(3));

        CompletableFuture<Instant> first = running.get();
        poller.wake(T);
        await().atMost(Duration.ofSeconds(5)).until(() -> running.get() != first);
        running.get().completeExceptionally(new IllegalStateException("Redis away"));
        assertThat(poller.plannedAt()).isEqualTo(T.plus(MIN));
        poller.stop();
        assertThat(poller.plannedAt()).isNull();
    }
}
