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
        return "CPU of each service with no load (share of one core over 10 s), busiest thread";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        double settle = Double.parseDouble(ctx.env("BENCH_IDLE_SETTLE", "10"));
        double seconds = Double.parseDouble(ctx.env("BENCH_IDLE_SECONDS", "10"));
        // what the previous benchmark or the start left running (a consumer catching up, JIT compiles) settles first
        BenchContext.sleep(Duration.ofMillis((long) (settle * 1000)));
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String part : concat(SERVICES, OTHERS)) {
            OptionalLong pid = ctx.pid(part);
            if (pid.isPresent()) {
                pids.put(part, pid.getAsLong());
            }
        }
        Map<String, Double> cpuBefore = new LinkedHashMap<>();
        Map<String, Map<Long, Cpu.ThreadCpu>> threadsBefore = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            threadsBefore.put(e.getKey(), Cpu.threads(e.getValue()));
            cpuBefore.put(e.getKey(), Cpu.ms(List.of(e.getValue())));
        }
        long t0 = System.nanoTime();
        BenchContext.sleep(Duration.ofMillis((long) (seconds * 1000)));
        double wallMs = (System.nanoTime() - t0) / 1e6;
        Table t = new Table(
                String.format(Locale.ROOT, "Idle CPU: no load for %.0f s (after %.0f s to settle)", seconds, settle),
                "part",
                "CPU ms",
                "% of a core",
                "busiest thread",
                "its % of a core");
        double worst = -1;
        String worstPart = "";
        List<String> missed = new ArrayList<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            String part = e.getKey();
            // threads first, then the process: the same order as before the pause, so both cover the same time
            Cpu.ThreadCpu busiest = Cpu.busiest(threadsBefore.get(part), Cpu.threads(e.getValue()));
            double used = Cpu.ms(List.of(e.getValue())) - cpuBefore.get(part);
            double pct = Cpu.percentOfCore(used, wallMs);
            t.row(
                    part + (SERVICES.contains(part) ? "" : " (reference)"),
                    String.format(Locale.ROOT, "%.0f", used),
                    String.format(Locale.ROOT, "%.2f", pct),
                    busiest == null ? "-" : busiest.name(),
                    busiest == null
                            ? "-"
                            : String.format(Locale.ROOT, "%.2f", Cpu.percentOfCore(busiest.ms(), wallMs)));
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
                + " % of a core. Thread names are Linux's (15 characters).");
        report.add(t);
        int found = (int) SERVICES.stream().filter(pids::containsKey).count();
        if (found == 0) {
            report.goal(Goal.IDLE_CPU, "no service running", null);
            return;
        }
        report.goal(
                Goal.IDLE_CPU,
                String.format(Locale.ROOT, "highest %s %.2f %% of a core", worstPart, worst)
                        + (missed.isEmpty() ? "" : "; over: " + String.join(", ", missed))
                        + (found < SERVICES.size() ? " (" + found + " of " + SERVICES.size() + " services)" : ""),
                missed.isEmpty() && found == SERVICES.size());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
