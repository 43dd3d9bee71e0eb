package io.cxbridge.bench.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Process facts: RSS from /proc, heap from jcmd, command output. */
public final class Procs {

    /**
     * One space of the heap in {@code GC.heap_info}: G1 prints one ("garbage-first heap total 65536K, used 1234K"),
     * the parallel and serial collectors one per generation ("PSYoungGen", "ParOldGen", ...). Metaspace's line has no
     * "total", so it never matches.
     */
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*\\S.*?\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

    public static String run(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code cmd}, appending its output to {@code log} (never a pipe: a command that starts background processes,
     * like {@code ./stack up}, would keep a pipe open); a non-zero exit or a timeout is an exception naming the log.
     */
    public static void runLogged(long timeoutSeconds, Path log, String... cmd)
            throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed; see " + log);
        }
    }

    /** VmRSS of a process in MiB, if it is alive. */
    public static OptionalLong rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return OptionalLong.empty();
    }

    public static String mib(OptionalLong kib) {
        return kib.isPresent() ? String.valueOf(Math.round(kib.getAsLong() / 1024.0)) : "-";
    }

    /** Forces a full GC in the JVM {@code pid} ({@code jcmd GC.run}), then answers the heap used in KiB. */
    public static OptionalLong heapUsedAfterGcKiB(long pid) throws IOException, InterruptedException {
        run(60, "jcmd", String.valueOf(pid), "GC.run");
        return heapUsedKiB(pid);
    }

    /**
     * Heap used after the process settled: 3 s, then the smallest of three forced full GCs (what the process
     * holds, without the garbage another allocation left), in KiB; -1 when jcmd could not tell.
     */
    public static long settledHeapKiB(long pid) throws IOException, InterruptedException {
        Thread.sleep(3000);
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long h = heapUsedAfterGcKiB(pid).orElse(-1);
            if (h >= 0) {
                min = Math.min(min, h);
            }
        }
        return min == Long.MAX_VALUE ? -1 : min;
    }

    /** Heap used now in KiB ({@code jcmd GC.heap_info}). */
    public static OptionalLong heapUsedKiB(long pid) throws IOException, InterruptedException {
        return heapUsedKiB(run(60, "jcmd", String.valueOf(pid), "GC.heap_info"));
    }

    /** Heap used in KiB from {@code GC.heap_info}'s text: the sum over its spaces, whichever the collector. */
    static OptionalLong heapUsedKiB(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        long used = 0;
        boolean found = false;
        while (m.find()) {
            used += Long.parseLong(m.group(2));
            found = true;
        }
        return found ? OptionalLong.of(used) : OptionalLong.empty();
    }

    private Procs() {}
}
