package io.cxbridge.bench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The largest heap another JVM on this machine used while this was running, garbage included: an upper bound of what
 * it held. A JFR recording of one event, {@code jdk.GCHeapSummary}, gives the heap used just before each collection
 * (the highest point since the one before) and just after it; the heap used when the recording ends
 * ({@code GC.heap_info}) covers the time since the last collection. The services run without hsperfdata
 * ({@code -XX:-UsePerfData}, docs/decisions.md, issue #20 session 27), so jstat cannot see them; jcmd still can, and
 * nothing runs in the measured JVM between {@link #start} and {@link #stop} but the recording.
 */
public final class HeapPeak {

    private static final String SETTINGS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="cxbridge heap peak" description="heap used before and after each GC">
              <event name="jdk.GCHeapSummary"><setting name="enabled">true</setting></event>
            </configuration>
            """;

    private final long pid;
    private final Path dir;
    private final String name;

    private HeapPeak(long pid, Path dir) {
        this.pid = pid;
        this.dir = dir;
        this.name = "cxbridge-heap-peak-" + pid;
    }

    /** Starts recording the heap of the JVM {@code pid}; {@code dir} takes the settings file and the recording. */
    public static HeapPeak start(long pid, Path dir) throws IOException, InterruptedException {
        HeapPeak peak = new HeapPeak(pid, dir);
        Files.createDirectories(dir);
        Path settings = Files.writeString(dir.resolve("heap-peak.jfc"), SETTINGS);
        String out = Procs.run(
                60,
                "jcmd",
                String.valueOf(pid),
                "JFR.start",
                "name=" + peak.name,
                "settings=" + settings.toAbsolutePath());
        if (!out.contains("Started recording")) {
            throw new IOException("JFR.start in JVM " + pid + " failed: " + out.strip());
        }
        return peak;
    }

    /**
     * What the heap held while recording, in KiB: {@code peak} the largest heap used, garbage included (before each
     * collection, and at the end); {@code largestLive} the largest heap used right after a collection (an upper bound of
     * what was still reachable: a young collection leaves the old generation's garbage), -1 when none ran; {@code collections} how many ran.
     */
    public record Heap(long peak, long largestLive, int collections) {}

    /** Ends the recording; answers what the heap held meanwhile (empty when neither source answered). */
    public Optional<Heap> stop() throws IOException, InterruptedException {
        Path recording = dir.resolve(name + ".jfr").toAbsolutePath();
        Files.deleteIfExists(recording);
        OptionalLong now = Procs.heapUsedKiB(pid);
        Procs.run(60, "jcmd", String.valueOf(pid), "JFR.stop", "name=" + name, "filename=" + recording);
        long peakBytes = -1;
        long liveBytes = -1;
        int collections = 0;
        if (Files.exists(recording)) {
            for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
                if (e.getEventType().getName().equals("jdk.GCHeapSummary")) {
                    long used = e.getLong("heapUsed");
                    peakBytes = Math.max(peakBytes, used);
                    if ("After GC".equals(e.getString("when"))) {
                        liveBytes = Math.max(liveBytes, used);
                        collections++;
                    }
                }
            }
        }
        long peakKiB = Math.max(peakBytes < 0 ? -1 : peakBytes / 1024, now.orElse(-1));
        return peakKiB < 0
                ? Optional.empty()
                : Optional.of(new Heap(peakKiB, liveBytes < 0 ? -1 : liveBytes / 1024, collections));
    }
}
