package io.cxbridge.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuTest {

    // a thread name with a space and a parenthesis: the fields are counted from the last ')'
    static final String STAT = "4242 (vert.x-eventloop) t) S 1 4242 4242 0 -1 4194368 100 0 0 0 130 27 0 0 20 0 50 0 "
            + "1234 123456 789 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

    @Test
    void userPlusSystemTicksAreTenMillisecondsEach() {
        assertThat(Cpu.statMs(STAT)).isEqualTo((130 + 27) * 10.0);
        assertThat(Cpu.statName(STAT)).isEqualTo("vert.x-eventloop) t");
    }

    @Test
    void theBusiestThreadIsTheOneThatUsedMostBetweenTheReadings() {
        Map<Long, Cpu.ThreadCpu> before =
                Map.of(1L, new Cpu.ThreadCpu("main", 5000), 2L, new Cpu.ThreadCpu("vert.x-eventloop-thread-0", 100));
        Map<Long, Cpu.ThreadCpu> after = Map.of(
                1L, new Cpu.ThreadCpu("main", 5010),
                2L, new Cpu.ThreadCpu("vert.x-eventloop-thread-0", 190),
                3L, new Cpu.ThreadCpu("new", 50));
        assertThat(Cpu.busiest(before, after)).isEqualTo(new Cpu.ThreadCpu("vert.x-eventloop-thread-0", 90));
        assertThat(Cpu.busiest(after, after)).isNull();
    }

    @Test
    void theMachineIsBusyOutsideIdleAndIowait() {
        // user nice system idle iowait irq softirq steal guest guest_nice (guest is already in user)
        double[] before = Cpu.machineMs("cpu  100 0 50 800 50 0 0 0 7 0");
        double[] after = Cpu.machineMs("cpu  250 0 100 950 50 0 0 0 9 0");
        assertThat(before).containsExactly(150 * 10.0, 1000 * 10.0);
        assertThat(Cpu.machineBusyPercent(before, after)).isCloseTo(200 * 100.0 / 350, within(1e-9));
        assertThat(Cpu.machineBusyPercent(after, after)).isNaN();
    }

    @Test
    void percentOfACore() {
        assertThat(Cpu.percentOfCore(100, 10_000)).isCloseTo(1.0, within(1e-9));
        assertThat(Cpu.percentOfCore(100, 0)).isNaN();
    }

    @Test
    void theCurrentProcessHasUsedSomeCpu() {
        long self = ProcessHandle.current().pid();
        assertThat(Cpu.ms(List.of(self))).isPositive();
        assertThat(Cpu.threads(self)).isNotEmpty();
    }

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

        assertThat(Cpu.compilerMs(before, after)).isEqualTo(50);
        assertThat(Cpu.compilerMs(after, after)).isZero();
    }
}
