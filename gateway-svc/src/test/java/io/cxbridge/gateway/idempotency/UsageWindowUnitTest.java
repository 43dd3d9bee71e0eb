package io.cxbridge.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.idempotency.UsageWindow.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The budget's bucket arithmetic: which buckets are in the window, the sums, and Retry-After. */
class UsageWindowUnitTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final UsageWindow DAY = UsageWindow.of(Duration.ofHours(24));
    /** Ten minutes into bucket 500,000 (an hour each). */
    private static final long NOW = 500_000 * HOUR + Duration.ofMinutes(10).toMillis();

    @Test
    void theDefaultRetentionHasAnHourlyBucketAndTheWindowCoversItPlusTheCurrentBucket() {
        assertThat(DAY).isEqualTo(new UsageWindow(HOUR, 25));
        assertThat(DAY.keyLifetime()).as("retention plus one bucket").isEqualTo(Duration.ofHours(25));
        assertThat(DAY.bucketAt(NOW)).isEqualTo(500_000);
        assertThat(DAY.firstBucket(NOW)).isEqualTo(500_000 - 24);

        assertThat(UsageWindow.of(Duration.ofMinutes(10))).isEqualTo(new UsageWindow(25_000, 25));
        // a retention that does not divide evenly: whole buckets cover it, rounded up
        assertThat(UsageWindow.of(Duration.ofMillis(1_000_001))).isEqualTo(new UsageWindow(41_667, 25));
        assertThat(UsageWindow.of(Duration.ofMillis(10))).isEqualTo(new UsageWindow(1, 11));
    }

    @Test
    void aRecordIsCountedForAsLongAsItCanLive() {
        // written at the last millisecond of its bucket, it lives a retention on; its bucket is still in the window
        long written = 500_001 * HOUR - 1;
        long expires = written + Duration.ofHours(24).toMillis();
        assertThat(DAY.firstBucket(expires)).isLessThanOrEqualTo(DAY.bucketAt(written));
        assertThat(DAY.firstBucket(500_000 * HOUR + DAY.keyLifetime().toMillis()))
                .as("and leaves it a retention plus one bucket after its bucket began")
                .isEqualTo(500_001);
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
        // all of it in the current bucket: it leaves 25 h after the bucket began, 10 minutes of which have passed
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

    /** The window's 25 buckets, oldest first, zero but for the given (index, value) pairs. */
    private static long[] usage(long... indexAndValue) {
        long[] buckets = new long[DAY.buckets()];
        for (int i = 0; i < indexAndValue.length; i += 2) {
            buckets[(int) indexAndValue[i]] = indexAndValue[i + 1];
        }
        return buckets;
    }
}
