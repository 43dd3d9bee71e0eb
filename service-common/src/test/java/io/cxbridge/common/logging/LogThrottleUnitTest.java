package io.cxbridge.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleUnitTest {

    @Test
    void theFirstPassesThenOneAnIntervalNamingHowManyWereHeldBack() {
        AtomicLong now = new AtomicLong(1_000);
        LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);
        assertThat(throttle.pass()).isZero();
        for (int i = 0; i < 500; i++) {
            now.addAndGet(Duration.ofMillis(10).toNanos());
            assertThat(throttle.pass()).isEqualTo(-1);
        }
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(throttle.pass()).as("10 s after the first").isEqualTo(500);
        assertThat(throttle.pass()).isEqualTo(-1);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(throttle.pass()).isEqualTo(1);
    }
}
