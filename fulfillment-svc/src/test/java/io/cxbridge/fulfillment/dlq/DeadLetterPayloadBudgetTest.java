package io.cxbridge.fulfillment.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.common.dlq.DeadLetterFilter;
import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.dlq.StoredDeadLetter;
import io.cxbridge.testkit.RedisClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DLQ index keeps record values only within its byte budget, counted in Redis (real redis-server): past it a dead
 * letter is indexed without its value and marked, the values expire with their entries and free the budget, an index
 * without payloads (retry-svc's) is not bounded, and the rebuild's restore keeps to the same budget.
 */
class DeadLetterPayloadBudgetTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TTL = Duration.ofDays(7);
    private static final String VALUE = "x".repeat(1000);

    @RegisterExtension
    static final RedisClient REDIS = new RedisClient();

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static DeadLetterIndex<JobDeadLetter, JobDeadLetter> index(String prefix, Clock clock, long budget) {
        return new DeadLetterIndex<>(
                REDIS.api(), prefix, TTL, clock, JobDeadLetter.class, JobDeadLetter.class, Function.identity(), budget);
    }

    private static JobDeadLetter deadLetter(Instant at) {
        return new JobDeadLetter(
                UUID.randomUUID().toString(),
                "ff-1",
                "callback-failed",
                "HTTP 503",
                3,
                at,
                at,
                at.plusSeconds(60),
                null,
                null);
    }

    private static StoredDeadLetter<JobDeadLetter> get(DeadLetterIndex<JobDeadLetter, JobDeadLetter> index, String id) {
        return index.get(id).await().atMost(WAIT).orElseThrow();
    }

    @Test
    void pastTheBudgetADeadLetterIsIndexedWithoutItsValueUntilOlderValuesExpire() {
        TestClock clock = new TestClock();
        DeadLetterIndex<JobDeadLetter, JobDeadLetter> index = index("budget-" + UUID.randomUUID(), clock, 2500);

        JobDeadLetter first = deadLetter(clock.now);
        assertThat(index.indexKept(first, VALUE).await().atMost(WAIT)).isTrue();
        clock.now = clock.now.plus(Duration.ofDays(1)); // another bucket: the count spans them
        JobDeadLetter second = deadLetter(clock.now);
        JobDeadLetter third = deadLetter(clock.now.plusMillis(1));
        assertThat(index.indexKept(second, VALUE).await().atMost(WAIT)).isTrue();
        assertThat(index.indexKept(third, VALUE).await().atMost(WAIT)).isFalse();

        assertThat(get(index, first.jobId()).payload()).isEqualTo(VALUE);
        StoredDeadLetter<JobDeadLetter> omitted = get(index, third.jobId());
        assertThat(omitted.payload()).isNull();
        assertThat(omitted.payloadOmitted()).isTrue();
        assertThat(omitted.entry()).isEqualTo(third);
        List<StoredDeadLetter<JobDeadLetter>> listed =
                index.list(DeadLetterFilter.ANY, 1, 10).await().atMost(WAIT).entries();
        assertThat(listed)
                .extracting(s -> s.entry().jobId())
                .containsExactly(third.jobId(), second.jobId(), first.jobId());
        assertThat(listed).extracting(StoredDeadLetter::payloadOmitted).containsExactly(true, false, false);

        // the first value's TTL (and its bucket's) has passed: its bytes no longer count
        clock.now = first.deadLetteredAt().plus(TTL).plus(TTL.dividedBy(32));
        JobDeadLetter fourth = deadLetter(clock.now);
        assertThat(index.indexKept(fourth, VALUE).await().atMost(WAIT)).isTrue();
        assertThat(index.indexKept(deadLetter(clock.now), VALUE).await().atMost(WAIT))
                .isFalse();
    }

    @Test
    void anIndexWithoutPayloadsIsNotBoundedAndABudgetOfZeroKeepsNoValue() {
        TestClock clock = new TestClock();
        DeadLetterIndex<JobDeadLetter, JobDeadLetter> none = index("budget-" + UUID.randomUUID(), clock, 0);
        JobDeadLetter withValue = deadLetter(clock.now);
        assertThat(none.indexKept(withValue, VALUE).await().atMost(WAIT)).isFalse();
        JobDeadLetter withoutValue = deadLetter(clock.now); // retry-svc indexes with payload null
        assertThat(none.indexKept(withoutValue, null).await().atMost(WAIT)).isTrue();
        assertThat(get(none, withoutValue.jobId()).payloadOmitted()).isFalse();

        // the constructor retry-svc uses: no bound
        DeadLetterIndex<JobDeadLetter, JobDeadLetter> unbounded = new DeadLetterIndex<>(
                REDIS.api(),
                "budget-" + UUID.randomUUID(),
                TTL,
                clock,
                JobDeadLetter.class,
                JobDeadLetter.class,
                Function.identity());
        for (int i = 0; i < 5; i++) {
            assertThat(unbounded.indexKept(deadLetter(clock.now), VALUE).await().atMost(WAIT))
                    .isTrue();
        }
    }

    @Test
    void theRebuildKeepsToTheBudget() {
        TestClock clock = new TestClock();
        DeadLetterIndex<JobDeadLetter, JobDeadLetter> index = index("budget-" + UUID.randomUUID(), clock, 1500);
        JobDeadLetter older = deadLetter(clock.now.minus(Duration.ofDays(2)));
        JobDeadLetter newer = deadLetter(clock.now.minus(Duration.ofDays(1)));
        assertThat(index.restore(older, VALUE, null, 0).await().atMost(WAIT)).isTrue();
        assertThat(index.restore(newer, VALUE, null, 0).await().atMost(WAIT)).isTrue();
        assertThat(get(index, older.jobId()).payload()).isEqualTo(VALUE);
        assertThat(get(index, newer.jobId()).payload()).isNull();
        assertThat(get(index, newer.jobId()).payloadOmitted()).isTrue();
    }
}
