package io.cxbridge.bench;

import java.util.ArrayList;
import java.util.List;

/** One result table: printed aligned on the terminal and appended as Markdown to docs/benchmarks.md. */
public final class Table {

    private final String title;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Table(String title, String... columns) {
        this.title = title;
        this.columns = List.of(columns);
    }

    public Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c == null ? "-" : c.toString());
        }
        while (r.size() < columns.size()) {
            r.add("");
        }
        rows.add(r);
        return this;
    }

    public Table note(String note) {
        notes.add(note);
        return this;
    }

    public String title() {
        return title;
    }

    public List<List<String>> rows() {
        return rows;
    }

    public String text() {
        int[] w = new int[columns.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = columns.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder("== ").append(title).append('\n');
        line(sb, columns, w);
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        for (String n : notes) {
            sb.append("   ").append(n).append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        for (int i = 0; i < w.length; i++) {
            sb.append(i == 0 ? "  " : "  ").append(pad(cells.get(i), w[i]));
        }
        sb.append('\n');
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("#### ").append(title).append("\n\n");
        sb.append("| ").append(String.join(" | ", columns)).append(" |\n");
        sb.append("|").append("---|".repeat(columns.size())).append('\n');
        for (List<String> r : rows) {
            sb.append("| ")
                    .append(String.join(
                            " | ", r.stream().map(c -> c.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
        }
        return sb.append('\n').toString();
    }
}
