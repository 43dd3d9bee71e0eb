package io.cxbridge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    @Test
    void aRunIsLevelOnlyWhenItBarelyRoseOverTheOneBeforeAndTheJitWasQuiet() {
        WarmUp.Step first = new WarmUp.Step(30, 2594, 30);
        assertThat(WarmUp.level(null, first)).as("nothing to compare with yet").isFalse();
        assertThat(WarmUp.level(first, new WarmUp.Step(10, 3580, 3)))
                .as("rose by 38 %")
                .isFalse();
        assertThat(WarmUp.level(new WarmUp.Step(10, 6951, 2), new WarmUp.Step(10, 7400, 2)))
                .as("rose by 6 %, JIT quiet")
                .isTrue();
        assertThat(WarmUp.level(new WarmUp.Step(10, 6951, 2), new WarmUp.Step(10, 6000, 2)))
                .as("fell")
                .isTrue();
        assertThat(WarmUp.level(new WarmUp.Step(10, 6951, 2), new WarmUp.Step(10, 7000, 12)))
                .as("level, but C2 still used 12 % of a core")
                .isFalse();
    }

    @Test
    void theOutcomeSaysHowLongItTookWhatEachRunAnsweredAndWhetherItEndedLevel() {
        WarmUp.Outcome o =
                new WarmUp.Outcome(List.of(new WarmUp.Step(30, 2594.4, 30.2), new WarmUp.Step(10, 6951, 2)), false);
        assertThat(o.seconds()).isEqualTo(40);
        assertThat(o.describe())
                .isEqualTo("40 s (2594, 6951 req/s; JIT 30, 2 % of a core), still rising when the time ran out");
    }

    @Test
    void theRuleForTheNotesIsWrittenFromTheSameLimitsTheWarmUpApplies() {
        assertThat(WarmUp.rule())
                .isEqualTo("until a 10 s run answered at most 10 % more than the one before with the JIT compiler "
                        + "threads at most 5 % of a core");
    }
}
