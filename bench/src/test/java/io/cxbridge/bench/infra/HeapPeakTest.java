package io.cxbridge.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link HeapPeak} against a JVM started as the services are: without hsperfdata, which jstat needs. */
class HeapPeakTest {

    private static final int HELD_MIB = 32;
    private static final int GARBAGE_MIB = 96;

    /** The measured JVM: holds {@value #HELD_MIB} MiB; each input line makes {@value #GARBAGE_MIB} MiB of garbage. */
    public static final class Holder {
        static volatile byte[] garbage;

        public static void main(String[] args) throws IOException {
            byte[] held = new byte[HELD_MIB * 1024 * 1024];
            System.out.println("holding " + held.length);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                garbage = new byte[GARBAGE_MIB * 1024 * 1024];
                garbage = null;
                System.out.println("dropped");
            }
        }
    }

    @Test
    void theGarbageMadeAndCollectedWhileWatchingCountsInThePeak() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(
                        java,
                        "-XX:-UsePerfData",
                        "-XX:+UseParallelGC",
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Holder.class.getName())
                .redirectErrorStream(true)
                .start();
        String pid = String.valueOf(holder.pid());
        try (OutputStream toHolder = holder.getOutputStream()) {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("holding ");
            assertThat(Procs.run(30, "jstat", "-gc", pid))
                    .as("jstat cannot see a JVM without hsperfdata")
                    .doesNotContain("EU");

            HeapPeak peak = HeapPeak.start(holder.pid());
            toHolder.write("go\n".getBytes(StandardCharsets.UTF_8));
            toHolder.flush();
            assertThat(out.readLine()).isEqualTo("dropped");
            // a full collection now: only the pools' peaks saw the garbage, the heap afterwards holds HELD_MIB
            Procs.run(30, "jcmd", pid, "GC.run");
            assertThat(Procs.heapUsedKiB(holder.pid()).orElseThrow()).isLessThan((HELD_MIB + 16) * 1024L);
            HeapPeak.Heap heap = peak.stop();

            assertThat(heap.peak()).isGreaterThanOrEqualTo((HELD_MIB + GARBAGE_MIB) * 1024L);
            assertThat(heap.collections()).isGreaterThanOrEqualTo(1);
            // the young collection the full one starts with leaves the array in the old generation: an upper bound
            assertThat(heap.largestLive()).isBetween(HELD_MIB * 1024L, heap.peak());
        } finally {
            holder.destroy();
            holder.waitFor();
        }
    }
}
