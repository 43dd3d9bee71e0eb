package io.cxbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Collects the tables of one run, prints each as it is made, and appends the whole run to docs/benchmarks.md. */
public final class Report {

    private final List<Table> tables = new ArrayList<>();
    private final Table targets = new Table("Targets (issues #11, #17, #18)", "target", "measured", "met");
    private final Map<Goal, String[]> goals = new EnumMap<>(Goal.class);

    public synchronized void add(Table t) {
        tables.add(t);
        System.out.println();
        System.out.print(t.text());
        System.out.flush();
    }

    /** Records one figure against its target; {@code met} null when it could not be measured. */
    public synchronized void target(String target, String measured, Boolean met) {
        targets.row(target, measured, met == null ? "not measured" : met ? "yes" : "**no**");
    }

    /** Records one of issue #20's figures; {@code met} null when it could not be measured. */
    public synchronized void goal(Goal goal, String measured, Boolean met) {
        goals.put(goal, new String[] {measured, met == null ? "not measured" : met ? "yes" : "**no**"});
    }

    /** Issue #20's figures in the order, each one whether this run measured it or not. */
    public synchronized Table goals() {
        Table t = new Table("Targets (issue #20)", "figure", "target", "measured", "met");
        for (Goal g : Goal.values()) {
            String[] m = goals.get(g);
            t.row(
                    g.figure(),
                    g.target(),
                    m == null ? "not measured (`./stack bench " + g.benchmark() + "`)" : m[0],
                    m == null ? "-" : m[1]);
        }
        return t;
    }

    /** The targets tables of the run: issue #20's, then the earlier issues' when this run measured any. */
    public synchronized List<Table> targetTables() {
        return targets.rows().isEmpty() ? List.of(goals()) : List.of(goals(), targets);
    }

    /** A headline figure its issue asks for without a target value. */
    public synchronized void figure(String what, String measured) {
        targets.row(what, measured, "(no target)");
    }

    public synchronized String markdown(String header) {
        StringBuilder sb = new StringBuilder(header);
        for (Table t : targetTables()) {
            sb.append(t.markdown());
        }
        for (Table t : tables) {
            sb.append(t.markdown());
        }
        return sb.toString();
    }

    public synchronized void appendTo(Path docs, String header) throws IOException {
        Files.createDirectories(docs.getParent());
        if (!Files.exists(docs)) {
            Files.writeString(docs, "# Benchmarks\n\nResults of `./stack bench`, newest last.\n\n");
        }
        // A note added by hand at the end may lack the blank line that keeps the run's heading apart from it.
        Files.writeString(docs, separatorAfter(Files.readString(docs)) + markdown(header), StandardOpenOption.APPEND);
    }

    /** What must come before a new section so that one blank line ends the text before it. */
    static String separatorAfter(String text) {
        if (text.isEmpty() || text.endsWith("\n\n")) {
            return "";
        }
        return text.endsWith("\n") ? "\n" : "\n\n";
    }
}
