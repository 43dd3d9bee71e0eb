package io.cxbridge.common.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code since} is a 400 unless it is an instant a dead letter's score in milliseconds can be compared with. */
class DeadLetterQueryUnitTest {

    @Test
    void anInstantOfYears0001To9999IsTheFilter() {
        for (String since : new String[] {"2026-01-31T08:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
            DeadLetterQuery q = new DeadLetterQuery().since(since);
            assertThat(q.invalid()).as(since).isFalse();
            assertThat(q.filter().since()).isEqualTo(Instant.parse(since));
            assertThat(q.filters()).containsEntry("since", since);
        }
    }

    @Test
    void anInstantPastWhatMillisecondsHoldOrNotAnInstantIsAViolationAndNoFilter() {
        for (String since : new String[] {
            "+300000000-01-01T00:00:00Z", "-300000000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "yesterday", ""
        }) {
            DeadLetterQuery q = new DeadLetterQuery().since(since);
            assertThat(q.invalid()).as(since).isTrue();
            assertThat(q.filter().since()).as(since).isNull();
            assertThat(q.filters()).as(since).doesNotContainKey("since");
        }
    }
}
