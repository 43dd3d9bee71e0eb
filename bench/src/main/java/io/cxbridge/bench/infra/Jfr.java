package io.cxbridge.bench.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CPU profile of a running JVM without async-profiler: JFR's execution samples ({@code jcmd JFR.start}, then
 * {@code jfr print --events jdk.ExecutionSample}), summarised as the hottest top frames and the hottest cxbridge
 * frames anywhere on the sampled stacks.
 */
public final class Jfr {

    /** One line of a profile summary. */
    public record Hot(String frame, long samples) {}

    /** What the samples say. */
    public record Profile(long samples, List<Hot> topFrames, List<Hot> cxbridgeFrames) {}

    public static void start(long pid, String name, Path file) throws IOException, InterruptedException {
        Procs.run(30, "jcmd", String.valueOf(pid), "JFR.start", "name=" + name, "settings=profile", "filename=" + file);
    }

    public static void stop(long pid, String name) throws IOException, InterruptedException {
        Procs.run(60, "jcmd", String.valueOf(pid), "JFR.stop", "name=" + name);
    }

    public static Profile summarize(Path file, int top) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jfr", "print", "--events", "jdk.ExecutionSample", file.toString())
                .redirectErrorStream(true)
                .start();
        Map<String, Long> topFrames = new HashMap<>();
        Map<String, Long> ours = new HashMap<>();
        long samples = 0;
        try (BufferedReader r = p.inputReader()) {
            String line;
            boolean inStack = false;
            boolean first = false;
            java.util.Set<String> seen = new java.util.HashSet<>();
            while ((line = r.readLine()) != null) {
                String t = line.trim();
                if (t.startsWith("jdk.ExecutionSample")) {
                    samples++;
                } else if (t.startsWith("stackTrace = [")) {
                    inStack = true;
                    first = true;
                    seen.clear();
                } else if (inStack) {
                    if (t.startsWith("]") || t.isEmpty()) {
                        inStack = false;
                        continue;
                    }
                    if (t.equals("...")) {
                        continue;
                    }
                    String frame = t.replaceAll("\\s+line:.*$", "");
                    if (first) {
                        topFrames.merge(frame, 1L, Long::sum);
                        first = false;
                    }
                    if (frame.startsWith("io.cxbridge.") && seen.add(frame)) {
                        ours.merge(frame, 1L, Long::sum);
                    }
                }
            }
        }
        p.waitFor();
        return new Profile(samples, hottest(topFrames, top), hottest(ours, top));
    }

    private static List<Hot> hottest(Map<String, Long> m, int n) {
        List<Hot> l = new ArrayList<>();
        m.forEach((k, v) -> l.add(new Hot(k, v)));
        l.sort((a, b) -> Long.compare(b.samples(), a.samples()));
        return l.subList(0, Math.min(n, l.size()));
    }

    private Jfr() {}
}
