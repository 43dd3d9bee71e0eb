package io.cxbridge.gateway.idempotency;

import java.time.Duration;

/**
 * The time buckets a client's idempotency usage is counted in ({@link IdempotencyBudget}): bucket
 * {@code floor(now / bucketMillis)}, hours since the epoch whatever the retention, so instances with different
 * retentions (a rolling deploy, a changed setting) count into and read the same keys. A record written in bucket
 * {@code b} lives at most until {@code (b + 1) * bucketMillis + retention}; the window at {@code now} is every bucket
 * from {@code floor((now - retention) / bucketMillis)} to the current one, so bucket {@code b} leaves it exactly then:
 * a record is counted for as long as it can exist (and up to one bucket longer). Pure arithmetic, no Redis.
 */
record UsageWindow(long bucketMillis, long retentionMillis) {

    /** Fixed, not derived from the retention: a bucket number means the same hour to every instance. */
    static final Duration BUCKET = Duration.ofHours(1);
    /**
     * The longest retention the budget supports: one bucket per hour of it (plus the current one) is read in one
     * script call, so this bounds that call at 169 keys (25 for the default 24 h).
     */
    static final Duration MAX_RETENTION = Duration.ofDays(7);

    static UsageWindow of(Duration retention) {
        return new UsageWindow(BUCKET.toMillis(), Math.max(0, retention.toMillis()));
    }

    long bucketAt(long nowMillis) {
        return Math.floorDiv(nowMillis, bucketMillis);
    }

    /** The oldest bucket in the window at {@code nowMillis}: the oldest a record still alive may be counted in. */
    long firstBucket(long nowMillis) {
        return Math.floorDiv(nowMillis - retentionMillis, bucketMillis);
    }

    /** How many buckets the window holds at {@code nowMillis}, the current one included. */
    int buckets(long nowMillis) {
        return (int) (bucketAt(nowMillis) - firstBucket(nowMillis) + 1);
    }

    /** When {@code bucket} leaves the window: the latest a record written in it can still exist. */
    long leavesAt(long bucket) {
        return (bucket + 1) * bucketMillis + retentionMillis;
    }

    /** How long a bucket's key is kept after a write: the retention plus one bucket (covers {@link #leavesAt}). */
    Duration keyLifetime() {
        return Duration.ofMillis(retentionMillis + bucketMillis);
    }

    /**
     * The client's usage against the limits: {@code records} and {@code bytes} per bucket of the window, oldest first
     * (from {@link #firstBucket}). Used up at or over either limit. {@code retryAfterSeconds} is how long until enough
     * of the oldest buckets holding usage have left the window for the client to be under both limits again: usually
     * the oldest such bucket alone (at least 1 s; 0 when not used up).
     */
    Verdict judge(long nowMillis, long[] records, long[] bytes, long maxRecords, long maxBytes) {
        long totalRecords = 0;
        long totalBytes = 0;
        for (int i = 0; i < records.length; i++) {
            totalRecords += records[i];
            totalBytes += bytes[i];
        }
        boolean recordsUsedUp = totalRecords >= maxRecords;
        boolean bytesUsedUp = totalBytes >= maxBytes;
        if (!recordsUsedUp && !bytesUsedUp) {
            return new Verdict(totalRecords, totalBytes, false, false, 0);
        }
        long first = firstBucket(nowMillis);
        long leftRecords = totalRecords;
        long leftBytes = totalBytes;
        // every bucket leaves in the end and the limits are at least 1, so the loop always finds one
        int i = 0;
        for (; i < records.length - 1; i++) {
            leftRecords -= records[i];
            leftBytes -= bytes[i];
            if ((records[i] > 0 || bytes[i] > 0) && leftRecords < maxRecords && leftBytes < maxBytes) {
                break;
            }
        }
        long retryAfter = Math.max(1, ceilDiv(leavesAt(first + i) - nowMillis, 1000));
        return new Verdict(totalRecords, totalBytes, recordsUsedUp, bytesUsedUp, retryAfter);
    }

    /** A client's usage in the window, and whether (and for how long) it has used up its budget. */
    record Verdict(long records, long bytes, boolean recordsUsedUp, boolean bytesUsedUp, long retryAfterSeconds) {
        boolean usedUp() {
            return recordsUsedUp || bytesUsedUp;
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b); // Math.ceilDiv is Java 18
    }
}
