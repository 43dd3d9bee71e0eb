package io.cxbridge.gateway.idempotency;

import java.time.Duration;

/**
 * The time buckets a client's idempotency usage is counted in ({@link IdempotencyBudget}): bucket
 * {@code floor(now / bucketMillis)}, and the window is the {@code buckets} newest, the current one included. A record
 * written in bucket {@code b} lives at most until {@code (b + 1) * bucketMillis + retention}; bucket {@code b} stays in
 * the window until {@code (b + buckets) * bucketMillis}, which is never earlier, so a record is counted for as long as
 * it can exist (and up to one bucket longer). Pure arithmetic, no Redis.
 */
record UsageWindow(long bucketMillis, int buckets) {

    /** One bucket an hour for the default 24 h retention: 25 small hashes a client, read in one call. */
    static final int BUCKETS_PER_RETENTION = 24;

    static UsageWindow of(Duration retention) {
        long retentionMillis = Math.max(0, retention.toMillis());
        long bucket = Math.max(1, ceilDiv(retentionMillis, BUCKETS_PER_RETENTION));
        return new UsageWindow(bucket, (int) ceilDiv(retentionMillis, bucket) + 1);
    }

    long bucketAt(long nowMillis) {
        return Math.floorDiv(nowMillis, bucketMillis);
    }

    /** The oldest bucket still in the window at {@code nowMillis}. */
    long firstBucket(long nowMillis) {
        return bucketAt(nowMillis) - (buckets - 1);
    }

    /** How long a bucket's key is kept after a write: retention plus one bucket, in whole buckets. */
    Duration keyLifetime() {
        return Duration.ofMillis(bucketMillis * buckets);
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
        long leavesAt = (first + i + buckets) * bucketMillis;
        long retryAfter = Math.max(1, ceilDiv(leavesAt - nowMillis, 1000));
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
