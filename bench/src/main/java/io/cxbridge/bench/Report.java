package io.cxbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Collects the tables of one run, prints each as it is made, and appends the whole run to docs/benchmarks.md. */
public final class Report {

    private final List<Table> tables = new ArrayList<>();
    private final Table targets = new Table("Targets (issues #11, #17, #18)", "target", "measured", "met");

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

    /** A headline figure its issue asks for without a target value. */
    public synchronized void figure(String what, String measured) {
        targets.row(what, measured, "(no target)");
    }

    public synchronized Table targets() {
        return targets;
    }

    public synchronized String markdown(String header) {
        StringBuilder sb = new StringBuilder(header);
        if (!targets.rows().isEmpty()) {
            sb.append(targets.markdown());
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
        Files.writeString(docs, markdown(header), StandardOpenOption.APPEND);
    }
}
