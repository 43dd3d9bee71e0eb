package io.cxbridge.fulfillment.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.common.dlq.DeadLetterFilter;
import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.testkit.RedisServer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.mutiny.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A listing by reason and a bulk replay read the dead-letter set 200 ids at a time, against a real redis-server. What
 * changes in the set between two batches (a dead letter read by the first dead-lettered again, one removed, one written
 * in the millisecond the first batch ended at) makes the scan miss none and read none twice. The change is made right
 * before the second batch's range read.
 */
class DeadLetterIndexScanTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int FIRST_BATCH = 200;

    private static Vertx vertx;
    private static RedisAPI plain;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        plain = RedisAPI.api(
                Redis.createClient(vertx.getDelegate(), RedisServer.shared().url()));
    }

    @AfterAll
    static void close() {
        vertx.closeAndAwait();
    }

    /** A dead-letter index of its own (a prefix per test) whose second range read runs {@code beforeSecond} first. */
    private static final class Scanned {

        final String prefix = "scan-" + UUID.randomUUID();
        final String reason = "boom-" + UUID.randomUUID();
        final Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        final DeadLetterIndex<JobDeadLetter, JobDeadLetter> direct = index(plain);
        final AtomicInteger ranges = new AtomicInteger();
        Function<DeadLetterIndex<JobDeadLetter, JobDeadLetter>, Future<?>> beforeSecond;

        final DeadLetterIndex<JobDeadLetter, JobDeadLetter> watched = index(new RedisAPI() {
            @Override
            public Future<Response> send(Command command, String... args) {
                if (command == Command.ZREVRANGEBYSCORE && ranges.incrementAndGet() == 2 && beforeSecond != null) {
                    return beforeSecond.apply(direct).compose(done -> plain.send(command, args));
                }
                return plain.send(command, args);
            }

            @Override
            public void close() {}
        });

        private DeadLetterIndex<JobDeadLetter, JobDeadLetter> index(RedisAPI redis) {
            return new DeadLetterIndex<>(
                    io.vertx.mutiny.redis.client.RedisAPI.newInstance(redis),
                    prefix,
                    Duration.ofDays(1),
                    Clock.systemUTC(),
                    JobDeadLetter.class,
                    JobDeadLetter.class,
                    Function.identity());
        }

        JobDeadLetter deadLetter(String id, Instant at) {
            return new JobDeadLetter(
                    id, "ff-1", "callback-failed", "HTTP 503 " + reason, 3, base, at, base, null, null);
        }

        /** {@code n} dead letters, newest first: one a millisecond apart, or all in one millisecond. */
        List<JobDeadLetter> seed(int n, boolean oneMillisecond) {
            List<JobDeadLetter> seeded = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JobDeadLetter e =
                        deadLetter(String.format("job-%04d", n - i), oneMillisecond ? base : base.minusMillis(i));
                index(e);
                seeded.add(e);
            }
            if (oneMillisecond) { // a reverse range orders one score's members from the highest
                seeded.sort((a, b) -> b.jobId().compareTo(a.jobId()));
            }
            return seeded;
        }

        void index(JobDeadLetter e) {
            direct.index(e, null).await().atMost(WAIT);
        }

        long totalByReason() {
            return watched.list(new DeadLetterFilter(null, null, null, reason), 1, 10)
                    .await()
                    .atMost(WAIT)
                    .total();
        }

        List<String> replayable() {
            return watched.replayable(DeadLetterFilter.ANY).await().atMost(WAIT);
        }
    }

    private static Future<?> await(Uni<?> uni) {
        return Future.fromCompletionStage(uni.subscribeAsCompletionStage());
    }

    @Test
    void aDeadLetterReadByTheFirstBatchAndDeadLetteredAgainBeforeTheNextCostsTheScanNone() {
        Scanned s = new Scanned();
        List<JobDeadLetter> seeded = s.seed(FIRST_BATCH + 1, false);
        JobDeadLetter lastOfFirst = seeded.get(FIRST_BATCH - 1);
        s.beforeSecond = index -> await(index.index(s.deadLetter(lastOfFirst.jobId(), Instant.now()), null));

        assertThat(s.totalByReason()).isEqualTo(FIRST_BATCH + 1);
        assertThat(s.ranges.get()).as("the scan read two batches").isEqualTo(2);

        // again: the first batch now starts with the one moved up, so it ends one earlier
        s.ranges.set(0);
        JobDeadLetter nowLastOfFirst = seeded.get(FIRST_BATCH - 2);
        s.beforeSecond = index -> await(index.index(s.deadLetter(nowLastOfFirst.jobId(), Instant.now()), null));
        List<String> ids = s.replayable();
        assertThat(s.ranges.get()).as("the scan read two batches").isEqualTo(2);
        assertThat(ids).doesNotHaveDuplicates().hasSize(FIRST_BATCH + 1);
        assertThat(ids.get(ids.size() - 1))
                .as("the oldest, which the second batch holds")
                .isEqualTo(seeded.get(FIRST_BATCH).jobId());
    }

    @Test
    void aDeadLetterReadByTheFirstBatchAndRemovedFromTheSetBeforeTheNextCostsTheScanNone() {
        Scanned s = new Scanned();
        List<JobDeadLetter> seeded = s.seed(FIRST_BATCH + 1, false);
        JobDeadLetter lastOfFirst = seeded.get(FIRST_BATCH - 1);
        // as another listing's trim would, had the clock passed its expiry
        s.beforeSecond = index -> plain.zrem(List.of("{" + s.prefix + ":dlq}", lastOfFirst.jobId()));

        List<String> ids = s.replayable();

        assertThat(s.ranges.get()).as("the scan read two batches").isEqualTo(2);
        assertThat(ids).doesNotHaveDuplicates().hasSize(FIRST_BATCH + 1);
        assertThat(ids.get(ids.size() - 1)).isEqualTo(seeded.get(FIRST_BATCH).jobId());
    }

    @Test
    void aDeadLetterWrittenInTheMillisecondTheFirstBatchEndedAtIsReadOnceAndNoneTwice() {
        Scanned s = new Scanned();
        List<JobDeadLetter> seeded = s.seed(FIRST_BATCH + 50, true);
        String written = "job-9999"; // ordered before every one of that millisecond, so it shifts them all
        s.beforeSecond = index -> await(index.index(s.deadLetter(written, s.base), null));

        List<String> ids = s.replayable();

        assertThat(s.ranges.get()).as("the scan read two batches").isEqualTo(2);
        assertThat(ids).doesNotHaveDuplicates().hasSize(FIRST_BATCH + 51).contains(written);
        assertThat(ids.subList(0, FIRST_BATCH))
                .isEqualTo(seeded.subList(0, FIRST_BATCH).stream()
                        .map(JobDeadLetter::jobId)
                        .toList());
    }
}
