package io.cxbridge.fulfillment.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActionBreakerUnitTest {

    private final MutableClock clock = MutableClock.startingNow();
    private final ActionBreaker breaker = new ActionBreaker(5, Duration.ofSeconds(30), Duration.ofSeconds(15), clock);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
        }
    }

    @Test
    void fiveFailuresWithinThirtySecondsOpenIt() {
        fail(4);
        assertThat(breaker.state()).isEqualTo(ActionBreaker.State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(ActionBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void failuresSpreadOverMoreThanTheWindowDoNot() {
        fail(4);
        clock.advance(Duration.ofSeconds(31));
        fail(4);
        assertThat(breaker.state()).isEqualTo(ActionBreaker.State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(ActionBreaker.State.OPEN);
    }

    @Test
    void afterFifteenSecondsOneProbeGoesAndItsSuccessClosesIt() {
        fail(5);
        clock.advance(Duration.ofSeconds(14));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.state()).isEqualTo(ActionBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).as("only one probe").isFalse();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(ActionBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aFailedProbeOpensItAgain() {
        fail(5);
        clock.advance(Duration.ofSeconds(15));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(ActionBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void aReleasedProbeLetsTheNextOneGo() {
        fail(5);
        clock.advance(Duration.ofSeconds(15));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.release();
        assertThat(breaker.tryAcquire()).isTrue();
    }
}
