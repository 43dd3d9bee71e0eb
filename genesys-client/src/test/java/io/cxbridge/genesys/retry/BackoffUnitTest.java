package io.cxbridge.genesys.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffUnitTest {

    private final Backoff spec = new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30), 0.1);

    @Test
    void growsExponentiallyUpToTheCap() {
        assertThat(spec.nominal(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(spec.nominal(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(spec.nominal(4)).isEqualTo(Duration.ofSeconds(16));
        assertThat(spec.nominal(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(spec.nominal(20)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterStaysWithinItsProportion() {
        assertThat(spec.delay(2, 0.0)).isEqualTo(Duration.ofMillis(3600));
        assertThat(spec.delay(2, 0.5)).isEqualTo(Duration.ofMillis(4000));
        assertThat(spec.delay(2, 0.999999)).isEqualTo(Duration.ofMillis(4400));
        for (int i = 0; i < 1000; i++) {
            assertThat(spec.delay(3).toMillis()).isBetween(7200L, 8800L);
        }
    }

    @Test
    void aLongerRetryAfterWins() {
        assertThat(spec.delay(0, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(spec.delay(4, Duration.ofSeconds(1)).toMillis()).isBetween(14_400L, 17_600L);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 0.1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAfterInSecondsOrHttpDate() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        assertThat(RetryAfter.parse("120", now)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 1 ", now)).contains(Duration.ofSeconds(1));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 10:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("-5", now)).isEmpty();
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse(null, now)).isEmpty();
    }

    @Test
    void anAbsurdRetryAfterIsCappedAtTenYears() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        Duration max = Duration.ofDays(3650);
        assertThat(RetryAfter.parse("99999999999999999", now)).contains(max);
        assertThat(RetryAfter.parse("9".repeat(40), now)).contains(max);
        assertThat(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", now)).contains(max);
        assertThat(RetryAfter.parse("315360000", now)).contains(max);
        assertThat(RetryAfter.parse("864000", now))
                .as("ten days stays ten days: retry-svc must see it as longer than its pending TTL")
                .contains(Duration.ofDays(10));
        assertThat(RetryAfter.parse("-99999999999999999999", now)).isEmpty();
        // what a caller does with it no longer overflows
        assertThat(now.plus(RetryAfter.parse("99999999999999999", now).orElseThrow()))
                .isEqualTo(now.plus(max));
    }
}
