package io.cxbridge.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The measured requests of an {@link OpenLoop} slower than a threshold, each split into where its time went, appended
 * as tab-separated lines to one file: the phase, when the request was due (UTC wall clock, to line it up with a GC
 * log's {@code time} decoration; and in seconds of {@code CLOCK_MONOTONIC}, the clock of {@code System.nanoTime()} on
 * Linux and of {@code perf sched timehist}, see {@code bench/tools/slow-vs-sched.py}), its total, the pacer's
 * lateness (due to handed over), the wait for a connection (handed over to written) and the answer (written to the
 * last byte read), the connection and the status. A diagnostic for a latency tail (off unless {@code BENCH_SLOW_MS} is
 * set); at most {@link #MAX_PER_PHASE} lines per phase, the rest counted.
 */
public final class SlowLog {

    static final int MAX_PER_PHASE = 1000;
    static final String HEADER =
            "phase\tdue\tdue_monotonic_s\ttotal_ms\tpacer_ms\tconnection_wait_ms\tanswer_ms\tconnection\tstatus";

    private final long thresholdNanos;
    private final Path file;
    // Wall clock minus monotonic clock, taken once: turns a due time into a UTC instant.
    private final long epochOffsetNanos;

    public SlowLog(double thresholdMs, Path file) {
        if (!(thresholdMs > 0)) {
            throw new IllegalArgumentException("thresholdMs must be above 0");
        }
        this.thresholdNanos = Math.round(thresholdMs * 1_000_000);
        this.file = file;
        Instant now = Instant.now();
        this.epochOffsetNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    Recording start(String phase) {
        return new Recording(phase);
    }

    /** One measured phase's slow requests; {@link #offer} is called on the reader thread. */
    final class Recording {
        private final String phase;
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private final AtomicInteger kept = new AtomicInteger();
        private final LongAdder slow = new LongAdder();
        private final LongAdder all = new LongAdder();

        private Recording(String phase) {
            this.phase = phase;
        }

        void offer(long intended, long handedOver, long written, long end, int connection, int status) {
            all.increment();
            if (end - intended <= thresholdNanos) {
                return;
            }
            slow.increment();
            if (kept.incrementAndGet() > MAX_PER_PHASE) {
                return;
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "%s\t%s\t%.6f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d",
                    phase,
                    Instant.ofEpochSecond(0, intended + epochOffsetNanos),
                    intended / 1e9,
                    ms(end - intended),
                    ms(handedOver - intended),
                    ms(Math.max(0, written - handedOver)),
                    ms(end - Math.max(written, handedOver)),
                    connection,
                    status));
        }

        long slow() {
            return slow.sum();
        }

        /** Appends the phase's lines to the file and prints one line on stderr saying how many there were. */
        void finish() {
            List<String> out = new ArrayList<>(lines);
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                if (!Files.exists(file)) {
                    Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
                }
                if (!out.isEmpty()) {
                    Files.write(file, out, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.err.printf(
                    Locale.ROOT,
                    "bench: %s: %d of %d requests over %.2f ms (%d written to %s)%n",
                    phase,
                    slow.sum(),
                    all.sum(),
                    thresholdNanos / 1e6,
                    out.size(),
                    file);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
