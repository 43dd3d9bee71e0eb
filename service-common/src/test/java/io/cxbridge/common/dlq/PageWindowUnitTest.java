package io.cxbridge.common.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A reason-filtered listing counts every match and holds one page of them, however many match. */
class PageWindowUnitTest {

    @Test
    void tenThousandMatchesAreCountedAndOnlyThePageIsHeld() {
        PageWindow<Integer> page = new PageWindow<>(250, 25);
        int mostHeld = 0;
        for (int match = 0; match < 10_000; match++) {
            page.offer(match);
            mostHeld = Math.max(mostHeld, page.entries().size());
        }
        assertThat(page.total()).isEqualTo(10_000);
        assertThat(page.entries()).isEqualTo(IntStream.range(250, 275).boxed().toList());
        assertThat(mostHeld).as("matches held at any time").isEqualTo(25);
    }

    @Test
    void theFirstAndTheLastPageAndOnePastTheEnd() {
        assertThat(window(0, 25, 60).entries())
                .isEqualTo(IntStream.range(0, 25).boxed().toList());
        assertThat(window(50, 25, 60).entries())
                .isEqualTo(IntStream.range(50, 60).boxed().toList());
        PageWindow<Integer> past = window(75, 25, 60);
        assertThat(past.entries()).isEmpty();
        assertThat(past.total()).isEqualTo(60);
        assertThat(window(0, 25, 0).entries()).isEqualTo(List.of());
    }

    @Test
    void aPageFarOutIsEmptyWithoutOverflowing() {
        long start = (long) (Integer.MAX_VALUE - 1) * 100;
        PageWindow<Integer> page = window(start, 100, 1_000);
        assertThat(page.entries()).isEmpty();
        assertThat(page.total()).isEqualTo(1_000);
    }

    private static PageWindow<Integer> window(long start, int size, int matches) {
        PageWindow<Integer> page = new PageWindow<>(start, size);
        IntStream.range(0, matches).forEach(page::offer);
        return page;
    }
}
