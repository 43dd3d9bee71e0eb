package io.cxbridge.retention.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The wait between two looks at a job: Retry-After honoured up to 30 s, never past the poll bound. */
class PollDelayUnitTest {

    private static final Duration BOUND_LEFT = Duration.ofMinutes(2);

    @Test
    void aRetryAfterLongerThanTheBackoffIsHonouredUpToTheCap() {
        assertThat(RetentionWorker.pollDelay(Duration.ofSeconds(1), Duration.ofSeconds(10), BOUND_LEFT))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(RetentionWorker.pollDelay(Duration.ofSeconds(1), Duration.ofSeconds(3600), BOUND_LEFT))
                .isEqualTo(RetentionWorker.MAX_RETRY_AFTER);
        assertThat(RetentionWorker.pollDelay(Duration.ofSeconds(15), null, BOUND_LEFT))
                .isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void noWaitGoesPastThePollBound() {
        assertThat(RetentionWorker.pollDelay(Duration.ofSeconds(1), Duration.ofSeconds(600), Duration.ofSeconds(4)))
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(RetentionWorker.pollDelay(Duration.ofSeconds(15), null, Duration.ofMillis(300)))
                .isEqualTo(Duration.ofMillis(300));
    }
}
