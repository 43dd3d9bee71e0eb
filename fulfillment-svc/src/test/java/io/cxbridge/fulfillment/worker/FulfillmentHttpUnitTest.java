package io.cxbridge.fulfillment.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The deadline rule of an external attempt, at its edge: a timer cannot wait less than a millisecond. */
class FulfillmentHttpUnitTest {

    @Test
    void lessThanAMillisecondLeftIsADeadlinePassedNotAnAttempt() {
        assertThat(FulfillmentHttp.deadlinePassed(Duration.ofMillis(-5))).isTrue();
        assertThat(FulfillmentHttp.deadlinePassed(Duration.ZERO)).isTrue();
        assertThat(FulfillmentHttp.deadlinePassed(Duration.ofNanos(999_999))).isTrue();
        assertThat(FulfillmentHttp.deadlinePassed(Duration.ofMillis(1))).isFalse();
        assertThat(FulfillmentHttp.deadlinePassed(Duration.ofSeconds(8))).isFalse();
    }
}
