package io.cxbridge.bench;

import io.cxbridge.bench.infra.Procs;
import io.cxbridge.bench.suite.ActionBench;
import io.cxbridge.bench.suite.DirectoryBench;
import io.cxbridge.bench.suite.DownloadBench;
import io.cxbridge.bench.suite.FulfillmentBench;
import io.cxbridge.bench.suite.IdempotencyBench;
import io.cxbridge.bench.suite.IdleBench;
import io.cxbridge.bench.suite.IngestBench;
import io.cxbridge.bench.suite.ProxyBench;
import io.cxbridge.bench.suite.ResourcesBench;
import io.cxbridge.bench.suite.RetryBench;
import io.cxbridge.bench.suite.StartupBench;
import io.cxbridge.bench.suite.TokenBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the named benchmarks (all when none is named) against the bench stack that bench/run started, prints each
 * table, and appends the run to docs/benchmarks.md with the date, the machine and the exact command.
 */
public final class BenchMain {

    static Map<String, Benchmark> all() {
        Map<String, Benchmark> m = new LinkedHashMap<>();
        for (Benchmark b : List.of(
                new StartupBench(),
                new IdleBench(),
                new ProxyBench(),
                new IdempotencyBench(),
                new DownloadBench(),
                new TokenBench(),
                new DirectoryBench(),
                new FulfillmentBench(),
                new ActionBench(),
                new IngestBench(),
                new RetryBench(),
                new ResourcesBench())) {
            m.put(b.name(), b);
        }
        return m;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Benchmark> all = all();
        List<Benchmark> chosen = new ArrayList<>();
        if (args.length == 1 && args[0].equals("--list")) {
            System.out.println("Benchmarks (in the order of a full run):");
            all.values().forEach(x -> System.out.printf("  %-12s %s%n", x.name(), x.description()));
            return;
        }
        if (args.length == 0 || (args.length == 1 && args[0].equals("all"))) {
            chosen.addAll(all.values());
        } else {
            for (String a : args) {
                Benchmark b = all.get(a);
                if (b == null) {
                    System.err.println("unknown benchmark '" + a + "'. Known:");
                    all.values().forEach(x -> System.err.printf("  %-12s %s%n", x.name(), x.description()));
                    System.exit(2);
                }
                chosen.add(b);
            }
        }
        Report report = new Report();
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        long t0 = System.nanoTime();
        int failures = 0;
        try (BenchContext ctx = new BenchContext(System.getenv())) {
            Files.createDirectories(ctx.work());
            for (Benchmark b : chosen) {
                System.out.printf("%n==> %s: %s%n", b.name(), b.description());
                long s = System.nanoTime();
                try {
                    b.run(ctx, report);
                } catch (Exception | AssertionError e) {
                    failures++;
                    e.printStackTrace(System.out);
                    report.add(new Table(b.name() + ": FAILED", "error").row(String.valueOf(e)));
                }
                System.out.printf("    (%s took %.0f s)%n", b.name(), (System.nanoTime() - s) / 1e9);
            }
            double took = (System.nanoTime() - t0) / 1e9;
            System.out.println();
            report.targetTables().forEach(t -> System.out.print(t.text()));
            String header = header(ctx, started, took);
            Path docs = ctx.root().resolve(ctx.env("BENCH_DOCS", "docs/benchmarks.md"));
            if (!"false".equals(ctx.env("BENCH_APPEND", "true"))) {
                report.appendTo(docs, header);
                System.out.println("\nAppended to " + docs);
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    static String header(BenchContext ctx, ZonedDateTime started, double took) throws Exception {
        String javaVersion = Procs.run(30, "java", "-version").trim().replace("\n", "; ");
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal"))
                .findFirst()
                .map(l -> String.format("%.1f GiB", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0))
                .orElse("?");
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name"))
                .findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .orElse("?");
        StringBuilder sb = new StringBuilder();
        sb.append("## ")
                .append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(": `")
                .append(ctx.env("BENCH_COMMAND", "./stack bench"))
                .append("`\n\n");
        sb.append("- Machine: nproc ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(", memory ")
                .append(mem)
                .append(", CPU ")
                .append(cpu)
                .append('\n');
        sb.append("- Java: ").append(javaVersion).append('\n');
        sb.append("- Phases: ")
                .append(ctx.seconds())
                .append(" s measured after ")
                .append(ctx.warmup())
                .append(" s warm-up; whole run ")
                .append(String.format("%.0f", took))
                .append(" s")
                .append(
                        ctx.env("BENCH_STACK_UP_SECONDS", "").isEmpty()
                                ? ""
                                : " (plus " + ctx.env("BENCH_STACK_UP_SECONDS", "") + " s for `./stack up`)")
                .append('\n');
        String note = ctx.env("BENCH_NOTE", "");
        if (!note.isBlank()) {
            sb.append("- Conditions: ").append(note).append('\n');
        }
        return sb.append('\n').toString();
    }

    private BenchMain() {}
}
