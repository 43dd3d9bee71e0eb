package io.cxbridge.bench.load;

import io.cxbridge.bench.infra.Cpu;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Load on one or more JVMs until they are warm: a first run of at least {@code minSeconds}, then runs of
 * {@value #STEP_SECONDS} s until one answered at most {@link #MAX_RISE} more than the one before while each JVM's
 * compiler threads used at most {@link #MAX_JIT_PERCENT} of a core, or {@code maxSeconds} have passed. A fixed warm-up was
 * too short on a slow machine: three gateway rounds after 30 s answered 2,594, 3,580 and 6,951 req/s (2026-12-03),
 * so the medians measured the JIT, not the code.
 */
public final class WarmUp {

    /** Each run after the first. */
    public static final int STEP_SECONDS = 10;
    /** A run that answered at most this much more than the one before counts as level. */
    static final double MAX_RISE = 0.10;
    /** Compiler threads (C1, C2) at or below this share of a core count as done compiling. */
    static final double MAX_JIT_PERCENT = 5.0;

    /** One warm-up run: its length, 2xx answers a second, and the JIT's share of a core meanwhile. */
    public record Step(int seconds, double okPerSecond, double jitPercent) {}

    /** Every run of a warm-up, and whether the last one was level (false: the time ran out). */
    public record Outcome(List<Step> steps, boolean level) {

        public int seconds() {
            return steps.stream().mapToInt(Step::seconds).sum();
        }

        /** For a table's note: "52 s (2594, 3580, 6951 req/s; JIT 30, 8, 2 % of a core), level". */
        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "%d s (%s req/s; JIT %s %% of a core), %s",
                    seconds(),
                    steps.stream()
                            .map(s -> String.format(Locale.ROOT, "%.0f", s.okPerSecond()))
                            .collect(Collectors.joining(", ")),
                    steps.stream()
                            .map(s -> String.format(Locale.ROOT, "%.0f", s.jitPercent()))
                            .collect(Collectors.joining(", ")),
                    level ? "level" : "still rising when the time ran out");
        }
    }

    private WarmUp() {}

    /** The rule, for a table's note: "until a 10 s run answered at most 10 % more than the one before ...". */
    public static String rule() {
        return String.format(
                Locale.ROOT,
                "until a %d s run answered at most %.0f %% more than the one before with the JIT compiler threads at "
                        + "most %.0f %% of a core",
                STEP_SECONDS,
                MAX_RISE * 100,
                MAX_JIT_PERCENT);
    }

    /** True when {@code last} is level with {@code previous}: no run before it means not yet. */
    static boolean level(Step previous, Step last) {
        return previous != null
                && last.okPerSecond() <= previous.okPerSecond() * (1 + MAX_RISE)
                && last.jitPercent() <= MAX_JIT_PERCENT;
    }

    /** Loads {@code url} on {@code pid}'s JVM until it is level or {@code maxSeconds} have passed. */
    public static Outcome run(
            String url,
            Map<String, String> headers,
            String postJson,
            int connections,
            int minSeconds,
            int maxSeconds,
            long pid,
            Path workDir)
            throws IOException, InterruptedException {
        return run(
                seconds -> Wrk.run("warm-up", url, headers, postJson, 1, connections, seconds, workDir)
                        .okPerSecond(),
                minSeconds,
                maxSeconds,
                pid);
    }

    /** One run of load: {@code seconds} long, answering with the 2xx answers a second. */
    @FunctionalInterface
    public interface Load {
        double run(int seconds) throws IOException, InterruptedException;
    }

    /**
     * Runs {@code load} until it is level or {@code maxSeconds} have passed; the JIT condition holds for every JVM in
     * {@code pids} (the busiest one's compiler threads are the step's figure). A fixed-rate load answers the same
     * each run, so for it only the JIT decides.
     */
    public static Outcome run(Load load, int minSeconds, int maxSeconds, long... pids)
            throws IOException, InterruptedException {
        List<Step> steps = new ArrayList<>();
        Step previous = null;
        int spent = 0;
        int next = Math.max(1, minSeconds);
        while (true) {
            Step step = step(load, next, pids);
            steps.add(step);
            spent += step.seconds();
            if (level(previous, step)) {
                return new Outcome(steps, true);
            }
            if (spent + STEP_SECONDS > maxSeconds) {
                return new Outcome(steps, false);
            }
            previous = step;
            next = STEP_SECONDS;
        }
    }

    private static Step step(Load load, int seconds, long... pids) throws IOException, InterruptedException {
        List<Map<Long, Cpu.ThreadCpu>> before = new ArrayList<>();
        for (long pid : pids) {
            before.add(Cpu.threads(pid));
        }
        long t0 = System.nanoTime();
        double ok = load.run(seconds);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        double busiest = 0;
        for (int i = 0; i < pids.length; i++) {
            busiest = Math.max(busiest, Cpu.compilerMs(before.get(i), Cpu.threads(pids[i])));
        }
        return new Step(seconds, ok, Cpu.percentOfCore(busiest, wallMs));
    }
}
