package io.cxbridge.directory.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** Counts of one cache instance, exported to Micrometer and read by {@code GET /v1/directories/metrics}. */
public final class CacheMetrics {

    private final LongAdder hitsL1 = new LongAdder();
    private final LongAdder hitsL2 = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final AtomicLong maxLoadNanos = new AtomicLong();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder notFoundRemembered = new LongAdder();
    private final Timer loadTimer;

    public CacheMetrics(MeterRegistry registry, Supplier<Number> size) {
        FunctionCounter.builder("cxbridge.directory.cache.requests", hitsL1, LongAdder::doubleValue)
                .tag("result", "hit_l1")
                .description("directory reads by where they were served from")
                .register(registry);
        FunctionCounter.builder("cxbridge.directory.cache.requests", hitsL2, LongAdder::doubleValue)
                .tag("result", "hit_l2")
                .register(registry);
        FunctionCounter.builder("cxbridge.directory.cache.requests", misses, LongAdder::doubleValue)
                .tag("result", "miss")
                .register(registry);
        FunctionCounter.builder("cxbridge.directory.cache.requests", stale, LongAdder::doubleValue)
                .tag("result", "stale")
                .register(registry);
        FunctionCounter.builder("cxbridge.directory.load.failures", loadFailures, LongAdder::doubleValue)
                .description("loads from Genesys that failed")
                .register(registry);
        FunctionCounter.builder("cxbridge.directory.invalidations.applied", invalidations, LongAdder::doubleValue)
                .description("invalidations applied to this replica")
                .register(registry);
        // its own counter, not a result of cache.requests: the hit-ratio alert divides by those
        FunctionCounter.builder("cxbridge.directory.not.found.remembered", notFoundRemembered, LongAdder::doubleValue)
                .description("404s answered from this replica's memory of the source's 404, without a Genesys call")
                .register(registry);
        registry.gauge("cxbridge.directory.cache.size", size, s -> s.get().doubleValue());
        this.loadTimer = Timer.builder("cxbridge.directory.load")
                .description("whole-directory loads from Genesys")
                .register(registry);
    }

    public void hitL1() {
        hitsL1.increment();
    }

    public void hitL2() {
        hitsL2.increment();
    }

    public void miss() {
        misses.increment();
    }

    public void stale() {
        stale.increment();
    }

    public void invalidationApplied() {
        invalidations.increment();
    }

    public void loaded(Duration took) {
        loads.increment();
        loadNanos.add(took.toNanos());
        maxLoadNanos.accumulateAndGet(took.toNanos(), Math::max);
        loadTimer.record(took.toNanos(), TimeUnit.NANOSECONDS);
    }

    public void notFoundRemembered() {
        notFoundRemembered.increment();
    }

    public void loadFailed() {
        loadFailures.increment();
    }

    /** What {@code GET /v1/directories/metrics} answers. */
    public record Snapshot(
            long hitsL1,
            long hitsL2,
            long misses,
            long stale,
            long requests,
            double hitRatio,
            long loads,
            long loadFailures,
            double loadLatencyAvgMs,
            double loadLatencyMaxMs,
            long invalidationsApplied,
            int size,
            int maxDirectories) {}

    public Snapshot snapshot(int size, int maxDirectories) {
        long l1 = hitsL1.sum();
        long l2 = hitsL2.sum();
        long m = misses.sum();
        long s = stale.sum();
        long requests = l1 + l2 + m + s;
        long n = loads.sum();
        double ratio = requests == 0 ? 0.0 : Math.round((l1 + l2 + s) * 10_000.0 / requests) / 10_000.0;
        double avg = n == 0 ? 0.0 : loadNanos.sum() / 1e6 / n;
        return new Snapshot(
                l1,
                l2,
                m,
                s,
                requests,
                ratio,
                n,
                loadFailures.sum(),
                round(avg),
                round(maxLoadNanos.get() / 1e6),
                invalidations.sum(),
                size,
                maxDirectories);
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
