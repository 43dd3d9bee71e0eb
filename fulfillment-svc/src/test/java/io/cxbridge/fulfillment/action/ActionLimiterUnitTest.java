package io.cxbridge.fulfillment.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActionLimiterUnitTest {

    private final ConcurrentLinkedQueue<UniEmitter<? super String>> running = new ConcurrentLinkedQueue<>();
    private final AtomicInteger started = new AtomicInteger();

    private Uni<String> held() {
        started.incrementAndGet();
        return Uni.createFrom().<String>emitter(e -> running.add(e));
    }

    @Test
    void atMostLimitRunAndTheNextStartsWhenOneEnds() {
        ActionLimiter limiter = new ActionLimiter(2);
        List<String> done = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            limiter.run(Duration.ofSeconds(10), this::held).subscribe().with(done::add);
        }
        assertThat(started).hasValue(2);
        assertThat(limiter.queued()).isEqualTo(1);

        running.poll().complete("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> started.get() == 3);
        assertThat(done).containsExactly("a");
        assertThat(limiter.inFlight()).isEqualTo(2);
    }

    @Test
    void aQueuedCallGivesUpAfterItsWaitAndNeverStarts() {
        ActionLimiter limiter = new ActionLimiter(1);
        limiter.run(Duration.ofSeconds(10), this::held).subscribe().with(x -> {});
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        limiter.run(Duration.ofMillis(200), this::held).subscribe().with(x -> {}, failures::add);

        await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(failures.get(0)).isInstanceOf(ActionLimiter.QueueTimeout.class);
        assertThat(limiter.queued()).isZero();

        running.poll().complete("first");
        assertThat(started).as("the abandoned call never runs").hasValue(1);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void aCallerThatCancelsDoesNotLeakItsSlot() {
        ActionLimiter limiter = new ActionLimiter(1);
        limiter.run(Duration.ofSeconds(10), this::held)
                .subscribe()
                .with(x -> {})
                .cancel();
        running.poll().complete("ignored");
        assertThat(limiter.inFlight()).isZero();
    }
}
