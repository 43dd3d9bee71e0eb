package io.cxbridge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxbridge.bench.Table;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void percentilesAreInMillisecondsFromMicrosecondHistograms() {
        Histogram h = LatencySummary.newHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 10L); // 10 us .. 10 ms
        }
        LatencySummary s = new LatencySummary("x", 100, 10, 1000, 1000, 0, Map.of(200, 990L, 503, 10L), h, h);
        assertThat(s.p(50)).isCloseTo(5.0, within(0.01));
        assertThat(s.p(99)).isCloseTo(9.9, within(0.01));
        assertThat(s.maxMs()).isCloseTo(10.0, within(0.01));
        assertThat(s.achievedRate()).isEqualTo(100.0);
        assertThat(s.ok()).isEqualTo(990);
        assertThat(s.statusText()).isEqualTo("200:990 503:10");
    }

    @Test
    void anEmptyRunHasNoPercentiles() {
        Histogram h = LatencySummary.newHistogram();
        LatencySummary s = new LatencySummary("x", 100, 10, 5, 0, 5, Map.of(), h, h);
        assertThat(s.p(50)).isNaN();
        assertThat(LatencySummary.ms(s.p(50))).isEqualTo("-");
        assertThat(s.statusText()).isEqualTo("err:5");
    }

    @Test
    void millisecondsKeepThreeSignificantDigits() {
        assertThat(LatencySummary.ms(0.4567)).isEqualTo("0.46");
        assertThat(LatencySummary.ms(12.345)).isEqualTo("12.3");
        assertThat(LatencySummary.ms(1234.5)).isEqualTo("1235");
    }

    @Test
    void tablesRenderAsTextAndMarkdown() {
        Table t = new Table("T", "a", "b").row("x|y", 1).note("n");
        assertThat(t.markdown()).contains("| a | b |", "|---|---|", "| x\\|y | 1 |", "- n");
        assertThat(t.text()).contains("== T", "x|y").contains("n");
    }
}
