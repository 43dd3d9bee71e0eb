package io.cxbridge.bench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU time a set of processes used (user + system, from /proc/<pid>/stat), in milliseconds. */
public final class Cpu {

    private static final double MS_PER_TICK = 10.0; // USER_HZ is 100 on Linux

    /** Total CPU milliseconds used so far by {@code pids}. */
    public static double ms(List<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // after the command: state(0) ppid(1) ... utime(11) stime(12)
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MS_PER_TICK;
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return total;
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
