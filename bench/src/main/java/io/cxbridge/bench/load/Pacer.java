package io.cxbridge.bench.load;

/**
 * Open-loop schedule: request {@code i} is due at {@code i / rate} seconds after the start, whatever happened to
 * the requests before it. The generator sends every request that is due, and a request's latency is measured from
 * its due time (not from when it could actually be sent), so a stalled server is charged for the requests it
 * delayed: the coordinated-omission correction of wrk2 and HdrHistogram.
 */
public final class Pacer {

    private final double rate;
    private final long total;

    public Pacer(double ratePerSecond, long total) {
        if (!(ratePerSecond > 0) || total < 0) {
            throw new IllegalArgumentException("rate must be positive and total not negative");
        }
        this.rate = ratePerSecond;
        this.total = total;
    }

    /** Requests in a run of {@code seconds} at {@code ratePerSecond} (at least one). */
    public static long countFor(double ratePerSecond, double seconds) {
        return Math.max(1, Math.round(ratePerSecond * seconds));
    }

    public long total() {
        return total;
    }

    /** Nanoseconds after the start at which request {@code i} (from 0) is due. */
    public long dueOffsetNanos(long i) {
        return (long) Math.floor(i * 1_000_000_000.0 / rate);
    }

    /** How many requests (from the first) are due once {@code elapsedNanos} have passed, at most {@link #total()}. */
    public long dueBy(long elapsedNanos) {
        if (elapsedNanos < 0) {
            return 0;
        }
        long due = (long) Math.floor(elapsedNanos * rate / 1_000_000_000.0) + 1;
        // floor of a double product can be one short at an exact boundary: check the next one by its own offset.
        while (due < total && dueOffsetNanos(due) <= elapsedNanos) {
            due++;
        }
        while (due > 0 && dueOffsetNanos(due - 1) > elapsedNanos) {
            due--;
        }
        return Math.min(due, total);
    }
}
