package io.cxbridge.common.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one log line per {@code every} for a failure that can repeat once per request: an outage must not add a
 * line to every request while the metric that counts the failures stays the record. The first occurrence passes;
 * the next line that passes says how many were held back since the last. Thread-safe, lock-free.
 */
public final class LogThrottle {

    private final long everyNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong last;
    private final AtomicLong held = new AtomicLong();

    public LogThrottle(Duration every) {
        this(every, System::nanoTime);
    }

    LogThrottle(Duration every, LongSupplier nanoTime) {
        this.everyNanos = every.toNanos();
        this.nanoTime = nanoTime;
        this.last = new AtomicLong(nanoTime.getAsLong() - everyNanos);
    }

    /** -1 when this occurrence is not to be logged; else how many were held back since the last one logged. */
    public long pass() {
        long now = nanoTime.getAsLong();
        long before = last.get();
        if (now - before >= everyNanos && last.compareAndSet(before, now)) {
            return held.getAndSet(0);
        }
        held.incrementAndGet();
        return -1;
    }
}
