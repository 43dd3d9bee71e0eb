package io.cxbridge.bench.suite;

import static io.cxbridge.bench.load.LatencySummary.ms;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Goal;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.infra.Redis;
import io.cxbridge.bench.load.LatencySummary;
import io.cxbridge.bench.load.OpenLoop;
import io.cxbridge.bench.load.RequestSpec;
import io.cxbridge.bench.load.Wrk;
import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * Directory reads per cache level, through the gateway and straight to directory-svc, against the floor: a bare
 * Redis GET of the very value an L2 hit reads. L1: one directory read again and again. L2: more directories than
 * L1 holds ({@code max-directories}, 100), read round-robin, so each read finds its directory evicted from L1 and
 * fresh in Redis. Then a miss storm: 500 concurrent reads of a directory nobody has loaded.
 */
public final class DirectoryBench implements Benchmark {

    static final String PREFIX = "cxbridge:directory";
    /** Where bench/nginx.conf serves {@code <state>/nginx/static/directory-l1.json}. */
    static final String STATIC_URI = "/bench-static/directory-l1.json";

    @Override
    public String name() {
        return "directory";
    }

    @Override
    public String description() {
        return "directory hit latency per level (L1, L2) vs a bare Redis GET; miss storm of 500 concurrent reads; "
                + "a 10,000-user directory: load time, L1 hits, bytes per cached entry";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        int size = Integer.parseInt(ctx.env("BENCH_DIRECTORY_SIZE", "100"));
        int l2Count = Integer.parseInt(ctx.env("BENCH_DIRECTORY_L2_COUNT", "150"));
        double rate = Double.parseDouble(ctx.env("BENCH_DIRECTORY_RATE", "200"));
        int storm = Integer.parseInt(ctx.env("BENCH_DIRECTORY_STORM", "500"));
        String run = UUID.randomUUID().toString().substring(0, 6);
        ctx.simConfig("{\"directorySize\":" + size + "}");
        MultiMap none = MultiMap.caseInsensitiveMultiMap();
        String l1 = "bench-l1-" + run;
        String l1Uri = "/v1/directories/" + l1 + "/entries";
        BenchContext.Response first = ctx.get(ctx.directory(), l1Uri, none);
        BenchContext.require(first, 200, "directory " + l1);
        int bytes = first.body().length();
        for (int i = 0; i < l2Count; i++) {
            BenchContext.require(ctx.get(ctx.directory(), l2Uri(run, i), none), 200, "directory l2 " + i);
        }
        Table t = new Table(
                "Directory reads: " + size + " entries (" + bytes / 1024 + " KiB of JSON), open loop at " + (int) rate
                        + "/s",
                "level",
                "path",
                "p50 ms",
                "p99 ms",
                "p99.9 ms",
                "max ms",
                "p99 from send ms",
                "X-Cache seen",
                "statuses");
        // Both L1 paths warmed first by wrk (closed loop, 4 connections), like the proxy's: at 200/s the JIT takes
        // a minute or more to compile a read path, and the figure would be the first requests' (docs/benchmarks.md).
        int warm = warmUp(ctx, "L1", l1Uri);
        OpenLoop loop = ctx.openLoop(64);
        LatencySummary l1Gateway;
        LatencySummary l1Direct;
        LatencySummary floor = null;
        try {
            // The harness's own floor first: nginx serving the very bytes of the L1 answer from a file, through the
            // same client at the same rate. Its warm-up also compiles the client's path before any measured row.
            int nginx = ctx.port("NGINX_PORT", 0);
            if (nginx > 0) {
                java.nio.file.Path file = ctx.state().resolve("nginx/static/directory-l1.json");
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.write(file, first.body().getBytes());
                BenchContext.require(ctx.get(nginx, STATIC_URI, none), 200, "nginx " + STATIC_URI);
                floor = loop.run(
                        "floor",
                        rate,
                        ctx.seconds(),
                        Math.max(ctx.warmup(), warm),
                        i -> RequestSpec.get(nginx, STATIC_URI, none),
                        null);
            }
            l1Gateway = measure(
                    ctx,
                    loop,
                    t,
                    "L1",
                    "gateway",
                    rate,
                    i -> RequestSpec.get(ctx.gateway(), l1Uri, ctx.gatewayHeaders()));
            l1Direct = measure(
                    ctx,
                    loop,
                    t,
                    "L1",
                    "directory-svc direct",
                    rate,
                    i -> RequestSpec.get(ctx.directory(), l1Uri, none));
            measure(
                    ctx,
                    loop,
                    t,
                    "L2",
                    "gateway",
                    rate,
                    i -> RequestSpec.get(ctx.gateway(), l2Uri(run, i % l2Count), ctx.gatewayHeaders()));
            measure(
                    ctx,
                    loop,
                    t,
                    "L2",
                    "directory-svc direct",
                    rate,
                    i -> RequestSpec.get(ctx.directory(), l2Uri(run, i % l2Count), none));
        } finally {
            loop.close();
        }
        if (floor != null) {
            t.row(
                    "floor",
                    "nginx serving the same " + bytes / 1024 + " KiB from a file, same client and rate",
                    ms(floor.p(50)),
                    ms(floor.p(99)),
                    ms(floor.p(99.9)),
                    ms(floor.maxMs()),
                    ms(floor.rawP(99)),
                    "",
                    floor.statusText());
        }
        Histogram redisFloor = LatencySummary.newHistogram();
        int valueBytes = 0;
        long n = Math.max(1000, Math.round(rate * ctx.seconds()));
        try (Redis redis = ctx.redis()) {
            String key = PREFIX + ":entries:{bench-l2-" + run + "-0}";
            for (int i = 0; i < 200; i++) {
                redis.command("GET", key);
            }
            for (long i = 0; i < n; i++) {
                long s = System.nanoTime();
                Object v = redis.command("GET", key);
                redisFloor.recordValue((System.nanoTime() - s) / 1000);
                if (v instanceof byte[] b) {
                    valueBytes = b.length;
                }
            }
        }
        t.row(
                "floor",
                "bare Redis GET of the L2 value (" + valueBytes / 1024 + " KiB), one connection, back to back",
                ms(redisFloor.getValueAtPercentile(50) / 1000.0),
                ms(redisFloor.getValueAtPercentile(99) / 1000.0),
                ms(redisFloor.getValueAtPercentile(99.9) / 1000.0),
                ms(redisFloor.getMaxValue() / 1000.0),
                "",
                "",
                n + " GETs");
        t.note("L2 reads cycle through " + l2Count
                + " directories (L1 holds 100), so each is an L1 miss and a fresh L2 "
                + "copy. End to end = the client's view, including the JSON body of every read, timed from when each read was "
                + "due. \"p99 from send\" times it from when the generator handed it over instead, leaving out the "
                + "generator's own lateness: on two shared cores its thread can wait a few ms in a run queue "
                + "(docs/benchmarks.md, session 24); the targets are judged on the first. The nginx floor is "
                + "what this client and machine take for the same bytes with no application behind them: a target "
                + "below it cannot be met on this machine by any server.");
        report.add(t);
        report.target(
                "directory L1 hit p99 < 1 ms end to end (through the gateway)",
                String.format(Locale.ROOT, "%s ms (%d entries, %d KiB)", ms(l1Gateway.p(99)), size, bytes / 1024),
                l1Gateway.p(99) < 1.0);
        String floorText = floor == null ? "" : "; nginx floor " + ms(floor.p(99)) + " ms";
        report.goal(
                Goal.DIRECTORY_L1_DIRECT,
                String.format(
                        Locale.ROOT, "%s ms (%d entries, %d KiB%s)", ms(l1Direct.p(99)), size, bytes / 1024, floorText),
                l1Direct.p(99) < 1.0);
        report.goal(
                Goal.DIRECTORY_L1_GATEWAY,
                String.format(
                        Locale.ROOT,
                        "%s ms (%d entries, %d KiB%s)",
                        ms(l1Gateway.p(99)),
                        size,
                        bytes / 1024,
                        floorText),
                l1Gateway.p(99) < 2.0);

        // Miss storm: everyone asks for a directory nobody has, at once.
        String stormId = "bench-storm-" + run;
        String stormUri = "/v1/directories/" + stormId + "/entries";
        String upstreamPath = "/api/v2/routing/directories/" + stormId + "/entries";
        long before = BenchContext.requests(ctx.simStats(), "GET", upstreamPath);
        HeaderCounts cache = new HeaderCounts("X-Cache");
        OpenLoop stormLoop = ctx.openLoop(storm);
        LatencySummary s;
        try {
            s = stormLoop.run(
                    "storm",
                    storm * 100.0,
                    storm / (storm * 100.0),
                    0,
                    i -> RequestSpec.get(ctx.gateway(), stormUri, ctx.gatewayHeaders()),
                    cache.counter());
        } finally {
            stormLoop.close();
        }
        long fetches = BenchContext.requests(ctx.simStats(), "GET", upstreamPath) - before;
        int pages = Math.max(1, (size + 249) / 250);
        Table m = new Table(
                "Directory miss storm: " + storm + " concurrent reads of an unloaded directory (gateway)",
                "reads",
                "2xx",
                "X-Cache seen",
                "upstream page fetches",
                "pages per load",
                "loads",
                "p50 ms",
                "max ms");
        m.row(
                s.sent(),
                s.ok(),
                cache.text(),
                fetches,
                pages,
                String.format(Locale.ROOT, "%.1f", fetches / (double) pages),
                ms(s.p(50)),
                ms(s.maxMs()));
        report.add(m);
        ctx.simConfig("{\"directorySize\":1300}");
        new UsersDirectoryBench().run(ctx, report, rate);
    }

    private static String l2Uri(String run, long i) {
        return "/v1/directories/bench-l2-" + run + "-" + i + "/entries";
    }

    /**
     * {@code BENCH_DIRECTORY_WARMUP} seconds (20) of wrk (closed loop, 4 connections) on {@code uri} through the
     * gateway, then straight to directory-svc; 0 skips it. Returns those seconds.
     */
    static int warmUp(BenchContext ctx, String name, String uri) throws Exception {
        int warm = Integer.parseInt(ctx.env("BENCH_DIRECTORY_WARMUP", "20"));
        if (warm > 0) {
            Wrk.run(
                    "warm-up " + name + " gateway",
                    "http://127.0.0.1:" + ctx.gateway() + uri,
                    Target.headers(ctx),
                    null,
                    1,
                    4,
                    warm,
                    ctx.work());
            Wrk.run(
                    "warm-up " + name + " direct",
                    "http://127.0.0.1:" + ctx.directory() + uri,
                    java.util.Map.of(),
                    null,
                    1,
                    4,
                    warm,
                    ctx.work());
        }
        return warm;
    }

    static LatencySummary measure(
            BenchContext ctx,
            OpenLoop loop,
            Table t,
            String level,
            String path,
            double rate,
            java.util.function.LongFunction<RequestSpec> req) {
        HeaderCounts cache = new HeaderCounts("X-Cache");
        LatencySummary s = loop.run(level + " " + path, rate, ctx.seconds(), ctx.warmup(), req, cache.counter());
        t.row(
                level,
                path,
                ms(s.p(50)),
                ms(s.p(99)),
                ms(s.p(99.9)),
                ms(s.maxMs()),
                ms(s.rawP(99)),
                cache.text(),
                s.statusText());
        return s;
    }
}
