package io.cxbridge.bench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** CPU time a set of processes used (user + system, from /proc/<pid>/stat), in milliseconds. */
public final class Cpu {

    private static final double MS_PER_TICK = 10.0; // USER_HZ is 100 on Linux

    /** Total CPU milliseconds used so far by {@code pids}. */
    public static double ms(List<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            try {
                total += statMs(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return total;
    }

    /**
     * Busy and total CPU milliseconds of the whole machine so far (all cores, from the first line of /proc/stat):
     * {@code [busy, total]}. Two readings give the share of the machine busy between them.
     */
    public static double[] machineMs() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            return machineMs(first);
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** {@code cpu  user nice system idle iowait irq softirq steal ...}: idle and iowait are not busy. */
    static double[] machineMs(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long total = 0;
        long idle = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) {
                idle += v;
            }
        }
        return new double[] {(total - idle) * MS_PER_TICK, total * MS_PER_TICK};
    }

    /** Per cent of the machine's cores busy between two {@link #machineMs()} readings. */
    public static double machineBusyPercent(double[] before, double[] after) {
        double total = after[1] - before[1];
        return total > 0 ? (after[0] - before[0]) * 100.0 / total : Double.NaN;
    }

    /** User + system milliseconds of one line of /proc/<pid>/stat (or /proc/<pid>/task/<tid>/stat). */
    static double statMs(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command: state(0) ppid(1) ... utime(11) stime(12)
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MS_PER_TICK;
    }

    /** The thread name of one stat line (the command in parentheses, at most 15 characters). */
    static String statName(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** CPU milliseconds used so far by each thread of a process, by thread id; threads of one name stay apart. */
    public static Map<Long, ThreadCpu> threads(long pid) {
        Map<Long, ThreadCpu> m = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    m.put(Long.parseLong(t.getFileName().toString()), new ThreadCpu(statName(stat), statMs(stat)));
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return m;
    }

    /** One thread's name and CPU milliseconds so far. */
    public record ThreadCpu(String name, double ms) {}

    /**
     * The thread that used the most CPU between two readings of {@link #threads}, or null when none used any; a
     * thread started meanwhile counts from zero.
     */
    public static ThreadCpu busiest(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after) {
        ThreadCpu best = null;
        for (Map.Entry<Long, ThreadCpu> e : after.entrySet()) {
            ThreadCpu b = before.get(e.getKey());
            double used = e.getValue().ms() - (b == null ? 0 : b.ms());
            if (used > 0 && (best == null || used > best.ms())) {
                best = new ThreadCpu(e.getValue().name(), used);
            }
        }
        return best;
    }

    /**
     * CPU the HotSpot compiler threads ("C1 CompilerThre", "C2 CompilerThre") used between two readings of
     * {@link #threads}; per thread id, since the JVM starts and ends compiler threads as the queue grows and shrinks.
     */
    public static double compilerMs(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after) {
        double ms = 0;
        for (Map.Entry<Long, ThreadCpu> t : after.entrySet()) {
            if (t.getValue().name().contains("CompilerThre")) {
                ThreadCpu earlier = before.get(t.getKey());
                ms += t.getValue().ms() - (earlier == null ? 0 : earlier.ms());
            }
        }
        return ms;
    }

    /** Percent of one core that {@code cpuMs} of CPU time over {@code wallMs} is. */
    public static double percentOfCore(double cpuMs, double wallMs) {
        return wallMs <= 0 ? Double.NaN : 100.0 * cpuMs / wallMs;
    }

    /** A process and its direct children (nginx's workers). */
    public static List<Long> withChildren(long pid) {
        List<Long> pids = new ArrayList<>(List.of(pid));
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path t : tasks.toList()) {
                Path children = t.resolve("children");
                if (Files.exists(children)) {
                    for (String c : Files.readString(children).trim().split("\\s+")) {
                        if (!c.isBlank()) {
                            pids.add(Long.parseLong(c));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return pids;
    }

    private Cpu() {}
}
