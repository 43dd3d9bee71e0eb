package io.cxbridge.fulfillment.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.model.event.FulfillmentJob;
import java.time.Duration;
import java.time.Instant;
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

    /** A deadline millions of years away (it parses) once overflowed toMillis, and the job was retried for ever. */
    @Test
    void aDeadlineFarAwayIsNotPassedAndIsCutToTheHorizon() {
        Instant now = Instant.parse("2026-12-07T16:00:00Z");
        Instant far = Instant.parse("+300000000-01-01T00:00:00Z");
        assertThat(FulfillmentHttp.deadlinePassed(Duration.between(now, far))).isFalse();
        assertThat(FulfillmentHttp.deadlinePassed(Duration.between(far, now))).isTrue();

        FulfillmentJob job = new FulfillmentJob("id", "fid", "url", "sealed", null, now, far, null);
        assertThat(FulfillmentHttp.bounded(job, now).deadline())
                .isEqualTo(now.plus(FulfillmentHttp.MAX_DEADLINE_AHEAD));
        FulfillmentJob near = new FulfillmentJob("id", "fid", "url", "sealed", null, now, now.plusSeconds(60), null);
        assertThat(FulfillmentHttp.bounded(near, now)).isSameAs(near);
    }
}
