package io.cxbridge.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.bench.infra.Cpu;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdleBenchTest {

    /** A window in which the part used {@code cpuMs} in all, {@code jitMs} of it on its C2 compiler thread. */
    static IdleBench.Window window(int index, double cpuMs, double jitMs) {
        return new IdleBench.Window(
                index,
                cpuMs,
                10_000,
                Map.of(1L, new Cpu.ThreadCpu("C2 CompilerThre", 100)),
                Map.of(1L, new Cpu.ThreadCpu("C2 CompilerThre", 100 + jitMs)));
    }

    @Test
    void aServiceIsShownInItsFirstQuietWindowNotALaterLowerOne() {
        IdleBench.Windows w = new IdleBench.Windows(List.of("retry-svc"));
        w.add("retry-svc", window(1, 300, 240));
        w.add("retry-svc", window(2, 90, 10));
        w.add("retry-svc", window(3, 40, 0));

        assertThat(w.quiet("retry-svc")).isTrue();
        assertThat(w.shown("retry-svc").index()).isEqualTo(2);
        assertThat(w.last("retry-svc").index()).isEqualTo(3);
    }

    @Test
    void aServiceStillCompilingIsShownInTheLastWindowWithItsCompiles() {
        IdleBench.Windows w = new IdleBench.Windows(List.of("retry-svc"));
        w.add("retry-svc", window(1, 80, 20));
        w.add("retry-svc", window(2, 300, 240));

        assertThat(w.quiet("retry-svc")).isFalse();
        assertThat(w.shown("retry-svc").index()).isEqualTo(2);
        assertThat(w.shown("retry-svc").cpuMs()).isEqualTo(300);
    }

    @Test
    void eachServiceHasAWindowOfItsOwnAndTheWaitEndsWhenAllHaveOne() {
        IdleBench.Windows w = new IdleBench.Windows(List.of("gateway-svc", "retry-svc"));
        w.add("gateway-svc", window(1, 40, 0));
        w.add("retry-svc", window(1, 200, 150));
        assertThat(w.allQuiet(List.of("gateway-svc", "retry-svc"))).isFalse();

        w.add("gateway-svc", window(2, 90, 60));
        w.add("retry-svc", window(2, 60, 0));

        assertThat(w.allQuiet(List.of("gateway-svc", "retry-svc"))).isTrue();
        assertThat(w.shown("gateway-svc").index()).isEqualTo(1);
        assertThat(w.shown("retry-svc").index()).isEqualTo(2);
    }

    @Test
    void aServiceThatIsNotRunningDoesNotHoldTheWaitAndAReferencePartIsAlwaysInTheLastWindow() {
        IdleBench.Windows w = new IdleBench.Windows(List.of("gateway-svc", "retry-svc"));
        w.add("gateway-svc", window(1, 40, 0));
        w.add("kafka", window(1, 100, 0));
        w.add("kafka", window(2, 300, 90));

        assertThat(w.allQuiet(List.of("gateway-svc", "kafka"))).isTrue();
        assertThat(w.quiet("kafka")).isFalse();
        assertThat(w.shown("kafka").index()).isEqualTo(2);
    }
}
