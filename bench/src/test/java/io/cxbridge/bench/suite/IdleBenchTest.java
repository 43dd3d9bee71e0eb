package io.cxbridge.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.bench.infra.Cpu;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdleBenchTest {

    @Test
    void compilerCpuIsCountedPerThreadSoAThreadThatEndedOrStartedCountsOnlyWhatItDidMeanwhile() {
        Map<Long, Cpu.ThreadCpu> before = Map.of(
                1L, new Cpu.ThreadCpu("C2 CompilerThre", 500),
                2L, new Cpu.ThreadCpu("C1 CompilerThre", 200),
                3L, new Cpu.ThreadCpu("vert.x-eventloo", 100));
        Map<Long, Cpu.ThreadCpu> after = Map.of(
                1L, new Cpu.ThreadCpu("C2 CompilerThre", 530), // +30
                // 2 ended: what it did before the first look is not taken away
                4L, new Cpu.ThreadCpu("C2 CompilerThre", 20), // started meanwhile: +20
                3L, new Cpu.ThreadCpu("vert.x-eventloo", 900)); // not a compiler

        assertThat(IdleBench.compilerMs(before, after)).isEqualTo(50);
        assertThat(IdleBench.compilerMs(after, after)).isZero();
    }
}
