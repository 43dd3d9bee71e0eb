package io.cxbridge.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.idempotency.UsageWindow.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The budget's bucket arithmetic: which buckets are in the window, the sums, and Retry-After. */
class UsageWindowUnitTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final UsageWindow DAY = UsageWindow.of(Duration.ofHours(24));
    /** Ten minutes into bucket 500,000 (an hour each). */
    private static final long NOW = 500_000 * HOUR + Duration.ofMinutes(10).toMillis();

    @Test
    void bucketsAreHoursSinceTheEpochWhateverTheRetentionAndTheWindowCoversTheRetentionPlusTheCurrentBucket() {
        assertThat(DAY).isEqualTo(new UsageWindow(HOUR, Duration.ofHours(24).toMillis()));
        assertThat(DAY.keyLifetime()).as("retention plus one bucket").isEqualTo(Duration.ofHours(25));
        assertThat(DAY.bucketAt(NOW)).isEqualTo(500_000);
        assertThat(DAY.firstBucket(NOW)).isEqualTo(500_000 - 24);
        assertThat(DAY.buckets(NOW)).isEqualTo(25);

        // another retention numbers the buckets the same way; only how many are summed differs
        UsageWindow tenMinutes = UsageWindow.of(Duration.ofMinutes(10));
        UsageWindow twoDays = UsageWindow.of(Duration.ofHours(48));
        assertThat(tenMinutes.bucketAt(NOW)).isEqualTo(500_000);
        assertThat(twoDays.bucketAt(NOW)).isEqualTo(500_000);
        assertThat(twoDays.buckets(NOW)).isEqualTo(49);
        // until ten minutes into the hour a ten-minute retention still reaches into the hour before, then not
        assertThat(tenMinutes.buckets(NOW - 1)).isEqualTo(2);
        assertThat(tenMinutes.buckets(NOW)).isEqualTo(1);
        assertThat(UsageWindow.of(UsageWindow.MAX_RETENTION).buckets(NOW))
                .as("the bound on one read")
                .isEqualTo(169);
    }

    @Test
    void aRecordIsCountedForAsLongAsItCanLiveAndNoLongerThanABucketMore() {
        for (UsageWindow w :
                List.of(DAY, UsageWindow.of(Duration.ofMinutes(10)), UsageWindow.of(Duration.ofMillis(1)))) {
            // written at the last millisecond of its bucket, it lives a retention on; its bucket is still in the window
            long written = 500_001 * HOUR - 1;
            long expires = written + w.retentionMillis();
            assertThat(w.firstBucket(expires)).isLessThanOrEqualTo(w.bucketAt(written));
            assertThat(w.leavesAt(500_000)).isEqualTo(expires + 1);
            assertThat(w.firstBucket(w.leavesAt(500_000)))
                    .as("and leaves it then")
                    .isEqualTo(500_001);
        }
    }

    @Test
    void underBothLimitsIsNotUsedUpAndAtEitherLimitIs() {
        long[] records = usage(0, 1, 24, 1);
        long[] bytes = usage(0, 100, 24, 50);

        Verdict under = DAY.judge(NOW, records, bytes, 3, 1000);
        assertThat(under).isEqualTo(new Verdict(2, 150, false, false, 0));
        assertThat(under.usedUp()).isFalse();

        Verdict atRecords = DAY.judge(NOW, records, bytes, 2, 1000);
        assertThat(atRecords.usedUp()).isTrue();
        assertThat(atRecords.recordsUsedUp()).isTrue();
        assertThat(atRecords.bytesUsedUp()).isFalse();

        Verdict atBytes = DAY.judge(NOW, records, bytes, 3, 150);
        assertThat(atBytes.recordsUsedUp()).isFalse();
        assertThat(atBytes.bytesUsedUp()).isTrue();
    }

    @Test
    void retryAfterIsUntilTheOldestBucketHoldingUsageLeavesTheWindow() {
        // all of it in the current bucket: it leaves a retention after the bucket ends, 25 h after it began
        assertThat(DAY.judge(NOW, usage(24, 3), usage(24, 10), 3, 1000).retryAfterSeconds())
                .isEqualTo(Duration.ofHours(25).minusMinutes(10).toSeconds());
        // the oldest bucket of the window leaves when the current one ends; empty older buckets do not count
        assertThat(DAY.judge(NOW, usage(0, 2, 7, 1), usage(0, 1, 7, 1), 3, 1000).retryAfterSeconds())
                .isEqualTo(Duration.ofMinutes(50).toSeconds());
        assertThat(DAY.judge(NOW, usage(3, 2, 7, 1), usage(3, 1, 7, 1), 3, 1000).retryAfterSeconds())
                .isEqualTo(Duration.ofHours(3).plusMinutes(50).toSeconds());
    }

    @Test
    void retryAfterWaitsForAsManyOfTheOldestBucketsAsItTakesToGetUnderBothLimits() {
        // 5 records against 3: the oldest bucket's 2 leaving still leaves 3, so the next one must go too
        assertThat(DAY.judge(NOW, usage(0, 2, 5, 3), usage(0, 1, 5, 1), 3, 1000).retryAfterSeconds())
                .isEqualTo(Duration.ofHours(5).plusMinutes(50).toSeconds());
        // under the records limit after the first goes, but the bytes are in the second
        assertThat(DAY.judge(NOW, usage(0, 1, 5, 1), usage(0, 1, 5, 5000), 3, 1000)
                        .retryAfterSeconds())
                .isEqualTo(Duration.ofHours(5).plusMinutes(50).toSeconds());
        // overshoot in the current bucket alone: only its leaving helps
        assertThat(DAY.judge(NOW, usage(0, 1, 24, 9), usage(0, 1, 24, 9), 3, 1000)
                        .retryAfterSeconds())
                .isEqualTo(Duration.ofHours(25).minusMinutes(10).toSeconds());
    }

    @Test
    void retryAfterIsAtLeastOneSecond() {
        long lastMillisecond = 500_001 * HOUR - 1;
        assertThat(DAY.judge(lastMillisecond, usage(0, 3), usage(0, 3), 3, 1000).retryAfterSeconds())
                .isEqualTo(1);
    }

    @Test
    void aShortRetentionsRetryAfterIsUntilTheHourEndsPlusTheRetention() {
        UsageWindow tenMinutes = UsageWindow.of(Duration.ofMinutes(10));
        long fiveIn = 500_000 * HOUR + Duration.ofMinutes(5).toMillis();
        assertThat(tenMinutes
                        .judge(fiveIn, new long[] {0, 3}, new long[] {0, 9}, 3, 1000)
                        .retryAfterSeconds())
                .isEqualTo(Duration.ofMinutes(65).toSeconds());
        assertThat(tenMinutes
                        .judge(fiveIn, new long[] {3, 0}, new long[] {9, 0}, 3, 1000)
                        .retryAfterSeconds())
                .as("the hour before leaves ten minutes after it ended")
                .isEqualTo(Duration.ofMinutes(5).toSeconds());
    }

    /** The window's 25 buckets, oldest first, zero but for the given (index, value) pairs. */
    private static long[] usage(long... indexAndValue) {
        long[] buckets = new long[DAY.buckets(NOW)];
        for (int i = 0; i < indexAndValue.length; i += 2) {
            buckets[(int) indexAndValue[i]] = indexAndValue[i + 1];
        }
        return buckets;
    }
}
