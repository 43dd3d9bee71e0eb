package io.cxbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @Test
    void issue20sTableListsEveryFigureInTheIssuesOrderMeasuredOrNot() {
        Report r = new Report();
        r.goal(Goal.IDLE_CPU, "highest retry-svc 1.30 %", false);
        r.goal(Goal.NGINX_RATIO_16, "0.350 (9800 vs 28000 req/s)", true);
        Table t = r.goals();
        assertThat(t.rows()).hasSize(Goal.values().length);
        assertThat(t.rows().get(0))
                .containsExactly(Goal.NGINX_RATIO_16.figure(), ">= 0.3", "0.350 (9800 vs 28000 req/s)", "yes");
        assertThat(t.rows().get(Goal.IDLE_CPU.ordinal()))
                .containsExactly(Goal.IDLE_CPU.figure(), "< 1 % of a core", "highest retry-svc 1.30 %", "**no**");
        assertThat(t.rows().get(Goal.INGESTION.ordinal()))
                .containsExactly(Goal.INGESTION.figure(), ">= 10,000/s", "not measured (`./stack bench ingest`)", "-");
    }

    @Test
    void aFigureThatCouldNotBeMeasuredSaysSo() {
        Report r = new Report();
        r.goal(Goal.CLOSED_LOOP_P99, "nginx not running", null);
        assertThat(r.goals().rows().get(Goal.CLOSED_LOOP_P99.ordinal()))
                .containsExactly(Goal.CLOSED_LOOP_P99.figure(), "<= 3x nginx's", "nginx not running", "not measured");
    }

    @Test
    void theTargetsComeFirstInTheRunAndTheEarlierIssuesTableOnlyWhenUsed() {
        Report r = new Report();
        assertThat(r.targetTables()).extracting(Table::title).containsExactly("Targets (issue #20)");
        r.add(new Table("Proxy: saturation runs", "a").row("1"));
        r.target("one token request per burst after expiry", "3 for 3", true);
        List<Table> tables = r.targetTables();
        assertThat(tables)
                .extracting(Table::title)
                .containsExactly("Targets (issue #20)", "Targets (issues #11, #17, #18)");
        String md = r.markdown("## run\n\n");
        assertThat(md.indexOf("Targets (issue #20)")).isLessThan(md.indexOf("Targets (issues #11"));
        assertThat(md.indexOf("Targets (issues #11")).isLessThan(md.indexOf("Proxy: saturation runs"));
    }

    @Test
    void aRunAppendedAfterAHandWrittenNoteStartsAfterABlankLine(@TempDir Path dir) throws Exception {
        Path docs = dir.resolve("benchmarks.md");
        Files.writeString(docs, "# Benchmarks\n\n- a note added by hand, no newline at its end");
        Report r = new Report();
        r.appendTo(docs, "## 2026-12-07 13:29 UTC: `./stack bench`\n");
        r.appendTo(docs, "## 2026-12-07 14:00 UTC: `./stack bench`\n");
        String text = Files.readString(docs);
        assertThat(text).contains("no newline at its end\n\n## 2026-12-07 13:29 UTC");
        assertThat(text).doesNotContain("\n\n\n");
        assertThat(text.indexOf("## 2026-12-07 14:00 UTC")).isPositive();
        assertThat(text.substring(0, text.indexOf("## 2026-12-07 14:00 UTC"))).endsWith("\n\n");
    }

    @Test
    void theSeparatorAddsOnlyWhatIsMissing() {
        assertThat(Report.separatorAfter("")).isEmpty();
        assertThat(Report.separatorAfter("text\n\n")).isEmpty();
        assertThat(Report.separatorAfter("text\n")).isEqualTo("\n");
        assertThat(Report.separatorAfter("text")).isEqualTo("\n\n");
    }
}
