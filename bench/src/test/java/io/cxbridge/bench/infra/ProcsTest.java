package io.cxbridge.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcsTest {

    @TempDir
    Path dir;

    @Test
    void aCommandThatSucceedsAppendsItsOutputToTheLog() throws Exception {
        Path log = dir.resolve("logs/out.txt");
        Procs.runLogged(10, log, "sh", "-c", "echo first");
        Procs.runLogged(10, log, "sh", "-c", "echo second >&2");
        assertThat(Files.readString(log)).isEqualTo("first\nsecond\n");
    }

    @Test
    void aNonZeroExitFailsAndNamesTheLog() {
        Path log = dir.resolve("out.txt");
        assertThatThrownBy(() -> Procs.runLogged(10, log, "sh", "-c", "echo broken; exit 3"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(log.toString());
    }

    @Test
    void heapUsedIsReadForG1() {
        String g1 = """
                12:
                 garbage-first heap   total 65536K, used 32674K [0x00000000f0000000, 0x0000000100000000)
                  region size 1024K, 15 young (15360K), 2 survivors (2048K)
                 Metaspace       used 60349K, committed 60928K, reserved 1114112K
                  class space    used 7404K, committed 7680K, reserved 1048576K
                """;
        assertThat(Procs.heapUsedKiB(g1)).hasValue(32674);
    }

    @Test
    void heapUsedIsTheSumOfTheGenerationsForTheParallelCollector() {
        String parallel = """
                12:
                 PSYoungGen      total 71168K, used 35273K [0x00000000fab00000, 0x00000000ff800000, 0x0000000100000000)
                  eden space 65536K, 53% used [0x00000000fab00000,0x00000000fcd72498,0x00000000feb00000)
                  from space 5632K, 0% used [0x00000000feb00000,0x00000000feb00000,0x00000000ff080000)
                  to   space 6656K, 0% used [0x00000000ff180000,0x00000000ff180000,0x00000000ff800000)
                 ParOldGen       total 44032K, used 15469K [0x00000000f0000000, 0x00000000f2b00000, 0x00000000fab00000)
                  object space 44032K, 35% used [0x00000000f0000000,0x00000000f0f1b5c0,0x00000000f2b00000)
                 Metaspace       used 60444K, committed 60992K, reserved 1114112K
                  class space    used 7417K, committed 7680K, reserved 1048576K
                """;
        assertThat(Procs.heapUsedKiB(parallel)).hasValue(35273 + 15469);
    }

    @Test
    void noHeapLineIsNoFigure() {
        assertThat(Procs.heapUsedKiB("12:\ncom.sun.tools.attach.AttachNotSupportedException: no such process\n"))
                .isEmpty();
    }

    @Test
    void aCommandThatOutlivesTheTimeoutFails() {
        assertThatThrownBy(() -> Procs.runLogged(1, dir.resolve("out.txt"), "sleep", "30"))
                .isInstanceOf(IOException.class);
    }
}
