package io.cxbridge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void requestsAreDueEvenlyFromTheStart() {
        Pacer p = new Pacer(1000, 10);
        assertThat(p.dueOffsetNanos(0)).isZero();
        assertThat(p.dueOffsetNanos(1)).isEqualTo(1_000_000);
        assertThat(p.dueOffsetNanos(9)).isEqualTo(9_000_000);
    }

    @Test
    void dueByCountsEveryRequestWhoseTimeHasCome() {
        Pacer p = new Pacer(1000, 10);
        assertThat(p.dueBy(-1)).isZero();
        assertThat(p.dueBy(0)).isEqualTo(1);
        assertThat(p.dueBy(999_999)).isEqualTo(1);
        assertThat(p.dueBy(1_000_000)).isEqualTo(2);
        assertThat(p.dueBy(5_500_000)).isEqualTo(6);
    }

    @Test
    void dueByNeverExceedsTheTotal() {
        Pacer p = new Pacer(1000, 10);
        assertThat(p.dueBy(60_000_000_000L)).isEqualTo(10);
    }

    @Test
    void dueByAgreesWithTheOffsetsAtOddRates() {
        Pacer p = new Pacer(333.3, 5000);
        for (long i = 0; i < p.total(); i++) {
            long at = p.dueOffsetNanos(i);
            assertThat(p.dueBy(at)).as("request %d at its own time", i).isEqualTo(i + 1);
            if (at > 0) {
                assertThat(p.dueBy(at - 1)).as("request %d just before", i).isEqualTo(i);
            }
        }
    }

    @Test
    void countForRoundsAndKeepsAtLeastOne() {
        assertThat(Pacer.countFor(500, 10)).isEqualTo(5000);
        assertThat(Pacer.countFor(50_000, 0.01)).isEqualTo(500);
        assertThat(Pacer.countFor(10, 0.01)).isEqualTo(1);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> new Pacer(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pacer(Double.NaN, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pacer(10, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
