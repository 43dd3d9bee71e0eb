package io.cxbridge.genesys.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerUnitTest {

    private final MutableClock clock = MutableClock.startingNow();
    private final CircuitBreaker breaker = new CircuitBreaker("test", 3, Duration.ofSeconds(15), clock);

    @Test
    void opensAfterTheConfiguredConsecutiveFailures() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.acquire();
        breaker.onSuccess();
        fail(2);
        assertThat(breaker.state()).as("a success resets the count").isEqualTo(CircuitBreaker.State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(breaker::acquire)
                .isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("next probe in 15000 ms");
    }

    @Test
    void letsExactlyOneProbeThroughAfterItsDelay() {
        fail(3);
        clock.advance(Duration.ofSeconds(14));
        assertThatThrownBy(breaker::acquire).isInstanceOf(CircuitOpenException.class);
        clock.advance(Duration.ofSeconds(1));
        breaker.acquire();
        assertThatThrownBy(breaker::acquire)
                .as("a second call while the probe is out")
                .isInstanceOf(CircuitOpenException.class);
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.acquire();
    }

    @Test
    void aFailedProbeOpensItAgainForAnotherDelay() {
        fail(3);
        clock.advance(Duration.ofSeconds(15));
        breaker.acquire();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(breaker::acquire).isInstanceOf(CircuitOpenException.class);
        clock.advance(Duration.ofSeconds(5));
        breaker.acquire();
    }

    @Test
    void aProbeThatNeverReachedUpstreamFreesTheSlot() {
        fail(3);
        clock.advance(Duration.ofSeconds(15));
        breaker.acquire();
        breaker.release();
        breaker.acquire();
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquire();
            breaker.onFailure();
        }
    }
}
