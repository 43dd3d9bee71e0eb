package io.cxbridge.bench.suite;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Goal;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.infra.Cpu;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU of each part of the bench stack while nothing calls it: what schedulers, pollers, probes and consumers cost
 * at rest (user + system time from /proc over a few seconds, as a share of one core), with each part's busiest
 * thread.
 */
public final class IdleBench implements Benchmark {

    /** The services issue #20 holds to the idle target; the rest of the stack is shown for reference. */
    static final List<String> SERVICES =
            List.of("gateway-svc", "retry-svc", "fulfillment-svc", "retention-svc", "directory-svc");

    static final List<String> OTHERS = List.of("genesys-sim", "kafka", "redis");

    @Override
    public String name() {
        return "idle";
    }

    @Override
    public String description() {
        return "CPU of each service with no load, once its JIT is quiet (share of one core), busiest thread";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        double settle = Double.parseDouble(ctx.env("BENCH_IDLE_SETTLE", "10"));
        double seconds = Double.parseDouble(ctx.env("BENCH_IDLE_SECONDS", "10"));
        double jitWait = Double.parseDouble(ctx.env("BENCH_IDLE_JIT_WAIT", "600"));
        // what the previous benchmark or the start left running (a consumer catching up, JIT compiles) settles first
        BenchContext.sleep(Duration.ofMillis((long) (settle * 1000)));
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String part : concat(SERVICES, OTHERS)) {
            OptionalLong pid = ctx.pid(part);
            if (pid.isPresent()) {
                pids.put(part, pid.getAsLong());
            }
        }
        // At rest means the JIT is done too: a service a few minutes old still compiles (C2 was a third of
        // retry-svc's 1.7 % three minutes after start, and a quiet 10 s was once followed by a C2 burst, session 6).
        // So windows are measured until one has no service compiling, for at most BENCH_IDLE_JIT_WAIT s.
        long jitStart = System.nanoTime();
        boolean jitQuiet;
        Map<String, Double> cpuBefore = new LinkedHashMap<>();
        Map<String, Double> cpuAfter = new LinkedHashMap<>();
        Map<String, Map<Long, Cpu.ThreadCpu>> threadsBefore = new LinkedHashMap<>();
        Map<String, Map<Long, Cpu.ThreadCpu>> threadsAfter = new LinkedHashMap<>();
        double wallMs;
        int windows = 0;
        do {
            windows++;
            for (Map.Entry<String, Long> e : pids.entrySet()) {
                threadsBefore.put(e.getKey(), Cpu.threads(e.getValue()));
                cpuBefore.put(e.getKey(), Cpu.ms(List.of(e.getValue())));
            }
            long t0 = System.nanoTime();
            BenchContext.sleep(Duration.ofMillis((long) (seconds * 1000)));
            wallMs = (System.nanoTime() - t0) / 1e6;
            // threads first, then the process: the same order as before the pause, so both cover the same time
            for (Map.Entry<String, Long> e : pids.entrySet()) {
                threadsAfter.put(e.getKey(), Cpu.threads(e.getValue()));
                cpuAfter.put(e.getKey(), Cpu.ms(List.of(e.getValue())));
            }
            jitQuiet = SERVICES.stream()
                    .filter(threadsBefore::containsKey)
                    .allMatch(part -> Cpu.compilerMs(threadsBefore.get(part), threadsAfter.get(part)) <= JIT_QUIET_MS);
        } while (!jitQuiet && (System.nanoTime() - jitStart) / 1e9 < jitWait);
        double jitWaited = (System.nanoTime() - jitStart) / 1e9;
        Table t = new Table(
                String.format(
                        Locale.ROOT,
                        "Idle CPU: no load for %.0f s (after %.0f s to settle; window %d of %.0f s of windows, %s)",
                        seconds,
                        settle,
                        windows,
                        jitWaited,
                        jitQuiet ? "the first with no service compiling" : "the wait ran out, still compiling"),
                "part",
                "CPU ms",
                "% of a core",
                "busiest thread",
                "its % of a core",
                "JIT compiler threads, % of a core");
        double worst = -1;
        String worstPart = "";
        List<String> missed = new ArrayList<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            String part = e.getKey();
            Cpu.ThreadCpu busiest = Cpu.busiest(threadsBefore.get(part), threadsAfter.get(part));
            double jit = Cpu.compilerMs(threadsBefore.get(part), threadsAfter.get(part));
            double used = cpuAfter.get(part) - cpuBefore.get(part);
            double pct = Cpu.percentOfCore(used, wallMs);
            t.row(
                    part + (SERVICES.contains(part) ? "" : " (reference)"),
                    String.format(Locale.ROOT, "%.0f", used),
                    String.format(Locale.ROOT, "%.2f", pct),
                    busiest == null ? "-" : busiest.name(),
                    busiest == null ? "-" : String.format(Locale.ROOT, "%.2f", Cpu.percentOfCore(busiest.ms(), wallMs)),
                    String.format(Locale.ROOT, "%.2f", Cpu.percentOfCore(jit, wallMs)));
            if (SERVICES.contains(part)) {
                if (pct > worst) {
                    worst = pct;
                    worstPart = part;
                }
                if (!(pct < 1.0)) {
                    missed.add(part + String.format(Locale.ROOT, " %.2f %%", pct));
                }
            }
        }
        t.note("CPU time (user + system) from /proc/<pid>/stat in ticks of 10 ms, so the resolution over " + seconds
                + " s is " + String.format(Locale.ROOT, "%.2f", Cpu.percentOfCore(10, seconds * 1000))
                + " % of a core. Thread names are Linux's (15 characters). Windows are measured one after the other (for at"
                + " most BENCH_IDLE_JIT_WAIT s) until one has no service whose C1/C2 compiler threads used more than "
                + (int) JIT_QUIET_MS + " ms: a service that is still compiling is not at rest yet.");
        report.add(t);
        int found = (int) SERVICES.stream().filter(pids::containsKey).count();
        if (found == 0) {
            report.goal(Goal.IDLE_CPU, "no service running", null);
            return;
        }
        report.goal(
                Goal.IDLE_CPU,
                // three decimals: 100 ms over a window a little longer than 10 s is under 1 % and reads 1.00 in two
                String.format(Locale.ROOT, "highest %s %.3f %% of a core", worstPart, worst)
                        + (missed.isEmpty() ? "" : "; over: " + String.join(", ", missed))
                        + (found < SERVICES.size() ? " (" + found + " of " + SERVICES.size() + " services)" : ""),
                missed.isEmpty() && found == SERVICES.size());
    }

    /** Compiler-thread CPU in 10 s that still counts as quiet: one /proc tick. */
    static final double JIT_QUIET_MS = 10;

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
