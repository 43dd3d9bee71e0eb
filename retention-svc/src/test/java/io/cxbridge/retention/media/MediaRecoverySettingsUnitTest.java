package io.cxbridge.retention.media;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The recovery's settings are checked at start-up, the message naming the key. */
class MediaRecoverySettingsUnitTest {

    @Test
    void anIntervalOfZeroOrLessStopsStartUp() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofNanos(1)}) {
            assertThatThrownBy(() -> MediaRecovery.check(bad, Duration.ofMinutes(5)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cxbridge.retention.media.recovery.interval must be positive");
        }
    }

    @Test
    void anAbandonedAfterShorterThanThreeIntervalsStopsStartUp() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-5), Duration.ofSeconds(179)}) {
            assertThatThrownBy(() -> MediaRecovery.check(Duration.ofMinutes(1), bad))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cxbridge.retention.media.recovery.abandoned-after must be at least");
        }
        assertThatCode(() -> MediaRecovery.check(Duration.ofMinutes(1), Duration.ofMinutes(3)))
                .doesNotThrowAnyException();
        assertThatCode(() -> MediaRecovery.check(Duration.ofMinutes(1), Duration.ofMinutes(5)))
                .doesNotThrowAnyException();
    }
}
