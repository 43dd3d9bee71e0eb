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
        // So windows are measured one after the other, and each service is taken in its first window with its own
        // compiler threads quiet, for at most BENCH_IDLE_JIT_WAIT s. Until session 22 one window had to be quiet for
        // all five at once; each service's trickle of compiles at rest (268 a minute in retry-svc 13 minutes after
        // start) made that window rare, and the last window was then taken for every service, compiles and all.
        long jitStart = System.nanoTime();
        Windows picked = new Windows(SERVICES);
        int windows = 0;
        do {
            windows++;
            Map<String, Map<Long, Cpu.ThreadCpu>> threadsBefore = new LinkedHashMap<>();
            Map<String, Double> cpuBefore = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : pids.entrySet()) {
                threadsBefore.put(e.getKey(), Cpu.threads(e.getValue()));
                cpuBefore.put(e.getKey(), Cpu.ms(List.of(e.getValue())));
            }
            long t0 = System.nanoTime();
            BenchContext.sleep(Duration.ofMillis((long) (seconds * 1000)));
            double wallMs = (System.nanoTime() - t0) / 1e6;
            // threads first, then the process: the same order as before the pause, so both cover the same time
            for (Map.Entry<String, Long> e : pids.entrySet()) {
                String part = e.getKey();
                Map<Long, Cpu.ThreadCpu> after = Cpu.threads(e.getValue());
                Window w = new Window(
                        windows,
                        Cpu.ms(List.of(e.getValue())) - cpuBefore.get(part),
                        wallMs,
                        threadsBefore.get(part),
                        after);
                picked.add(part, w);
            }
        } while (!picked.allQuiet(pids.keySet()) && (System.nanoTime() - jitStart) / 1e9 < jitWait);
        double jitWaited = (System.nanoTime() - jitStart) / 1e9;
        long stillCompiling = SERVICES.stream()
                .filter(pids::containsKey)
                .filter(part -> !picked.quiet(part))
                .count();
        Table t = new Table(
                String.format(
                        Locale.ROOT,
                        "Idle CPU: no load for %.0f s (after %.0f s to settle; %d windows in %.0f s, each service in "
                                + "its first with its own JIT quiet%s)",
                        seconds,
                        settle,
                        windows,
                        jitWaited,
                        stillCompiling == 0 ? "" : "; the wait ran out with " + stillCompiling + " still compiling"),
                "part",
                "window",
                "CPU ms",
                "% of a core",
                "busiest thread",
                "its % of a core",
                "JIT compiler threads, % of a core",
                "last window: % of a core (JIT)");
        double worst = -1;
        String worstPart = "";
        List<String> missed = new ArrayList<>();
        for (String part : pids.keySet()) {
            Window lastWindow = picked.last(part);
            Window w = picked.shown(part);
            Cpu.ThreadCpu busiest = Cpu.busiest(w.before(), w.after());
            double pct = Cpu.percentOfCore(w.cpuMs(), w.wallMs());
            t.row(
                    part + (SERVICES.contains(part) ? "" : " (reference)"),
                    w.index() + (SERVICES.contains(part) && !picked.quiet(part) ? " (still compiling)" : ""),
                    String.format(Locale.ROOT, "%.0f", w.cpuMs()),
                    String.format(Locale.ROOT, "%.2f", pct),
                    busiest == null ? "-" : busiest.name(),
                    busiest == null
                            ? "-"
                            : String.format(Locale.ROOT, "%.2f", Cpu.percentOfCore(busiest.ms(), w.wallMs())),
                    String.format(Locale.ROOT, "%.2f", Cpu.percentOfCore(w.jitMs(), w.wallMs())),
                    String.format(
                            Locale.ROOT,
                            "%.2f (%.2f)",
                            Cpu.percentOfCore(lastWindow.cpuMs(), lastWindow.wallMs()),
                            Cpu.percentOfCore(lastWindow.jitMs(), lastWindow.wallMs())));
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
                + " most BENCH_IDLE_JIT_WAIT s) until each service has had one in which its C1/C2 compiler threads used"
                + " at most " + (int) JIT_QUIET_MS + " ms, and the service is shown in that window (a service that is"
                + " still compiling is not at rest yet); the reference parts in the last window. The last column is"
                + " each part in the last window, compiles included.");
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

    /**
     * The window each part is shown in: a service in its first window with its compiler threads quiet (never a later,
     * lower one), a service still compiling and a reference part in the last window.
     */
    static final class Windows {

        private final List<String> services;
        private final Map<String, Window> firstQuiet = new LinkedHashMap<>();
        private final Map<String, Window> last = new LinkedHashMap<>();

        Windows(List<String> services) {
            this.services = services;
        }

        void add(String part, Window w) {
            last.put(part, w);
            if (services.contains(part) && w.jitMs() <= JIT_QUIET_MS) {
                firstQuiet.putIfAbsent(part, w);
            }
        }

        /** Whether every service among {@code running} has had a quiet window. */
        boolean allQuiet(java.util.Collection<String> running) {
            return services.stream().filter(running::contains).allMatch(firstQuiet::containsKey);
        }

        boolean quiet(String part) {
            return firstQuiet.containsKey(part);
        }

        Window shown(String part) {
            return firstQuiet.getOrDefault(part, last.get(part));
        }

        Window last(String part) {
            return last.get(part);
        }
    }

    /** One part's CPU over one window: the process's, and its threads' before and after. */
    record Window(
            int index, double cpuMs, double wallMs, Map<Long, Cpu.ThreadCpu> before, Map<Long, Cpu.ThreadCpu> after) {

        double jitMs() {
            return Cpu.compilerMs(before, after);
        }
    }

    /** Compiler-thread CPU in 10 s that still counts as quiet: one /proc tick. */
    static final double JIT_QUIET_MS = 10;

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
