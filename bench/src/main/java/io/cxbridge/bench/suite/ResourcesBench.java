package io.cxbridge.bench.suite;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.infra.Procs;
import java.util.OptionalLong;

/** RSS and heap of each part after the other benchmarks (run last). */
public final class ResourcesBench implements Benchmark {

    @Override
    public String name() {
        return "rss";
    }

    @Override
    public String description() {
        return "RSS and heap after a forced GC of each part, now (run last in a full run)";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        Table t = new Table("Memory after the run", "part", "RSS (MiB)", "heap used after GC (MiB)");
        for (String part : StartupBench.PARTS) {
            OptionalLong pid = ctx.pid(part);
            if (pid.isEmpty()) {
                t.row(part, "-", "-");
                continue;
            }
            String heap = "-";
            if (!part.equals("redis")) {
                heap = Procs.mib(Procs.heapUsedAfterGcKiB(pid.getAsLong()));
            }
            t.row(part, Procs.mib(Procs.rssKiB(pid.getAsLong())), heap);
        }
        report.add(t);
    }
}
