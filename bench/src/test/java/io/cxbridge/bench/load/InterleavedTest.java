package io.cxbridge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InterleavedTest {

    @Test
    void targetsTakeTurnsRoundAfterRound() {
        List<Interleaved.Run> runs = Interleaved.order(List.of("gateway", "nginx"), 3, Set.of());
        assertThat(runs)
                .extracting(Interleaved.Run::target)
                .containsExactly("gateway", "nginx", "gateway", "nginx", "gateway", "nginx");
        assertThat(runs).extracting(Interleaved.Run::round).containsExactly(1, 1, 2, 2, 3, 3);
    }

    @Test
    void aReferenceTargetRunsInTheFirstRoundOnly() {
        List<Interleaved.Run> runs = Interleaved.order(List.of("gateway", "nginx", "direct"), 3, Set.of("direct"));
        assertThat(runs)
                .extracting(Interleaved.Run::target)
                .containsExactly("gateway", "nginx", "direct", "gateway", "nginx", "gateway", "nginx");
    }

    @Test
    void noRoundsIsRefused() {
        assertThatThrownBy(() -> Interleaved.order(List.of("gateway"), 0, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        assertThat(Interleaved.median(List.of(900.0, 300.0, 700.0))).isEqualTo(700.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Interleaved.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void medianLeavesOutWhatWasNotMeasured() {
        assertThat(Interleaved.median(Arrays.asList(Double.NaN, 5.0, null, 7.0, 6.0)))
                .isEqualTo(6.0);
        assertThat(Interleaved.median(List.of())).isNaN();
        assertThat(Interleaved.median(List.of(Double.NaN))).isNaN();
    }
}
