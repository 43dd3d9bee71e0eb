package io.cxbridge.bench.suite;

import static io.cxbridge.bench.load.LatencySummary.ms;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.load.LatencySummary;
import io.cxbridge.bench.load.OpenLoop;
import io.cxbridge.bench.load.RequestSpec;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongFunction;

/**
 * The Data Action endpoint (issue #18) with the local stack's {@code echo} action (the sim's {@code /external/api},
 * budget 8 s, cache TTL 5 s, stale-for 10 min). First the latency cxbridge adds: the same open-loop rate of calls
 * straight to the external API, to fulfillment-svc and through the gateway, each call with a body never sent
 * before (so every call reaches the external API; a cache hit would hide the path). Then the external API slowed
 * to 20 s: answer times against the budget, for bodies never answered before and for bodies answered before the
 * slowdown (past their TTL, so STALE).
 */
public final class ActionBench implements Benchmark {

    static final String ACTION = "echo";
    static final String EXTERNAL = "/external/api";
    static final String CACHE_HEADER = "X-Cxbridge-Cache";

    @Override
    public String name() {
        return "action";
    }

    @Override
    public String description() {
        return "Data Action endpoint: latency added over a direct call at 200/s; answer time vs the budget with a 20 s external API";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        double rate = Double.parseDouble(ctx.env("BENCH_ACTION_RATE", "200"));
        double slowRate = Double.parseDouble(ctx.env("BENCH_ACTION_SLOW_RATE", "50"));
        long slowMs = Long.parseLong(ctx.env("BENCH_ACTION_EXTERNAL_MS", "20000"));
        // The echo action's settings in the local profile (fulfillment-svc application.properties).
        double budget = Double.parseDouble(ctx.env("BENCH_ACTION_BUDGET_SECONDS", "8"));
        double ttl = Double.parseDouble(ctx.env("BENCH_ACTION_CACHE_TTL_SECONDS", "5"));
        int known = Integer.parseInt(ctx.env("BENCH_ACTION_CACHED_BODIES", "200"));
        String run = UUID.randomUUID().toString().substring(0, 6);
        int fulfillment = ctx.port("FULFILLMENT_PORT", 8082);
        String uri = "/v1/actions/" + ACTION;
        MultiMap none = MultiMap.caseInsensitiveMultiMap();
        long restoreLatency = ctx.json(ctx.get(ctx.sim(), "/sim/config", null))
                .path("externalLatencyMs")
                .asLong(0);
        ctx.simClearFaults();
        ctx.simConfig("{\"externalLatencyMs\":0}");
        dropCache(ctx, uri);
        BenchContext.require(
                ctx.call(HttpMethod.POST, ctx.gateway(), uri, json(ctx.gatewayHeaders()), body(run, "check", 0)),
                200,
                "POST " + uri + " through the gateway");
        try {
            // --- latency added at the fixed rate -------------------------------------------------------------
            Table t = new Table(
                    "Data Action `" + ACTION + "`: open loop at " + (int) rate + "/s, a body never sent "
                            + "before on every call (each reaches the external API, answering at once)",
                    "path",
                    "p50 ms",
                    "p99 ms",
                    "p99.9 ms",
                    "max ms",
                    "achieved/s",
                    "X-Cxbridge-Cache seen",
                    "statuses");
            OpenLoop loop = ctx.openLoop(64);
            LatencySummary direct;
            LatencySummary service;
            LatencySummary gateway;
            try {
                direct = measure(
                        ctx,
                        loop,
                        t,
                        "external API direct (POST " + EXTERNAL + " on the sim)",
                        rate,
                        i -> RequestSpec.post(ctx.sim(), EXTERNAL, none, body(run, "direct", i)));
                service = measure(
                        ctx,
                        loop,
                        t,
                        "fulfillment-svc direct (POST " + uri + ")",
                        rate,
                        i -> RequestSpec.post(fulfillment, uri, none, body(run, "service", i)));
                gateway = measure(
                        ctx,
                        loop,
                        t,
                        "gateway (POST " + uri + ", X-API-Key)",
                        rate,
                        i -> RequestSpec.post(ctx.gateway(), uri, ctx.gatewayHeaders(), body(run, "gateway", i)));
                measure(
                        ctx,
                        loop,
                        t,
                        "gateway, one body again and again (cache HIT, no external call)",
                        rate,
                        i -> RequestSpec.post(ctx.gateway(), uri, ctx.gatewayHeaders(), body(run, "check", 0)));
            } finally {
                loop.close();
            }
            t.note("Every miss also stores the answer, encrypted, in Redis (the echo action caches) and sends an audit "
                    + "event off the answer path.");
            report.add(t);
            Table added = new Table(
                    "Latency cxbridge adds over a direct call to the external API at " + (int) rate
                            + "/s (difference of percentiles)",
                    "path",
                    "p50 added ms",
                    "p99 added ms");
            added.row("fulfillment-svc alone", ms(service.p(50) - direct.p(50)), ms(service.p(99) - direct.p(99)));
            added.row("gateway + fulfillment-svc", ms(gateway.p(50) - direct.p(50)), ms(gateway.p(99) - direct.p(99)));
            report.add(added);
            report.figure(
                    "Data Action latency added over a direct call at " + (int) rate + "/s (p50 / p99, gateway)",
                    String.format(
                            Locale.ROOT,
                            "%s / %s ms",
                            ms(gateway.p(50) - direct.p(50)),
                            ms(gateway.p(99) - direct.p(99))));

            // --- the external API takes 20 s ------------------------------------------------------------------
            dropCache(ctx, uri);
            OpenLoop warm = ctx.openLoop(64);
            LatencySummary filled;
            try {
                filled = warm.run(
                        "fill",
                        known,
                        1,
                        0,
                        i -> RequestSpec.post(ctx.gateway(), uri, ctx.gatewayHeaders(), body(run, "known", i % known)),
                        null);
            } finally {
                warm.close();
            }
            if (filled.ok() < known) {
                throw new IllegalStateException("filling the cache: only " + filled.ok() + " of " + known
                        + " answered 200 (" + filled.statusText() + ")");
            }
            BenchContext.sleep(Duration.ofMillis(Math.round(ttl * 1000) + 1000)); // past the TTL: STALE, not HIT
            ctx.simConfig("{\"externalLatencyMs\":" + slowMs + "}");
            long callsBefore = ctx.simStats().path("externalCalls").asLong();
            Table s = new Table(
                    "Data Action `" + ACTION + "` while the external API takes " + slowMs / 1000 + " s: open loop at "
                            + (int) slowRate + "/s through the gateway, budget " + fmt(budget) + " s",
                    "bodies",
                    "p50 ms",
                    "p99 ms",
                    "p99.9 ms",
                    "max ms",
                    "X-Cxbridge-Cache seen",
                    "statuses");
            // Every call may be held for the whole budget: enough connections that none waits for one.
            OpenLoop slow = ctx.openLoop((int) Math.ceil(slowRate * (budget + 2)) + 16);
            LatencySummary fresh;
            LatencySummary stale;
            try {
                fresh = slowRow(
                        ctx,
                        slow,
                        s,
                        "never sent before (nothing cached)",
                        slowRate,
                        i -> RequestSpec.post(ctx.gateway(), uri, ctx.gatewayHeaders(), body(run, "slow", i)));
                stale = slowRow(
                        ctx,
                        slow,
                        s,
                        "answered before the slowdown, past the " + fmt(ttl) + " s TTL",
                        slowRate,
                        i -> RequestSpec.post(ctx.gateway(), uri, ctx.gatewayHeaders(), body(run, "known", i % known)));
            } finally {
                slow.close();
            }
            long calls = ctx.simStats().path("externalCalls").asLong() - callsBefore;
            s.note("503 = CIRCUIT_OPEN (the action's breaker opens after 20 failures in the local profile), 504 = "
                    + "EXTERNAL_TIMEOUT, 200 with STALE = the cached answer. External calls started during both rows: "
                    + calls + " for " + (fresh.sent() + stale.sent()) + " requests.");
            report.add(s);
            double worst = Math.max(fresh.p(99.9), stale.p(99.9));
            report.target(
                    "Data Action answer time p99.9 within the budget (" + fmt(budget) + " s) while the external "
                            + "API takes " + slowMs / 1000 + " s",
                    String.format(
                            Locale.ROOT, "%s ms (nothing cached), %s ms (STALE)", ms(fresh.p(99.9)), ms(stale.p(99.9))),
                    worst <= budget * 1000);
        } finally {
            ctx.simConfig("{\"externalLatencyMs\":" + restoreLatency + "}");
            dropCache(ctx, uri);
        }
    }

    private static LatencySummary measure(
            BenchContext ctx, OpenLoop loop, Table t, String path, double rate, LongFunction<RequestSpec> req) {
        HeaderCounts cache = new HeaderCounts(CACHE_HEADER);
        LatencySummary s = loop.run(path, rate, ctx.seconds(), ctx.warmup(), req, cache.counter());
        t.row(
                path,
                ms(s.p(50)),
                ms(s.p(99)),
                ms(s.p(99.9)),
                ms(s.maxMs()),
                String.format(Locale.ROOT, "%.0f", s.achievedRate()),
                cache.text(),
                s.statusText());
        return s;
    }

    /** No warm-up: the first calls of a slowdown are the ones that wait longest for the breaker. */
    private static LatencySummary slowRow(
            BenchContext ctx, OpenLoop loop, Table t, String bodies, double rate, LongFunction<RequestSpec> req) {
        HeaderCounts cache = new HeaderCounts(CACHE_HEADER);
        LatencySummary s = loop.run(bodies, rate, ctx.seconds(), 0, req, cache.counter());
        t.row(bodies, ms(s.p(50)), ms(s.p(99)), ms(s.p(99.9)), ms(s.maxMs()), cache.text(), s.statusText());
        return s;
    }

    private static void dropCache(BenchContext ctx, String uri) {
        BenchContext.require(
                ctx.call(HttpMethod.DELETE, ctx.gateway(), uri + "/cache", ctx.gatewayHeaders(), null),
                200,
                "DELETE " + uri + "/cache");
    }

    /** A small body like a request template's output; {@code kind} and {@code i} make it unique per call. */
    static String body(String run, String kind, long i) {
        return "{\"orderId\":\"" + run + "-" + kind + "-" + i
                + "\",\"customer\":{\"phone\":\"+15550100\",\"tier\":\"gold\"}}";
    }

    private static MultiMap json(MultiMap headers) {
        return MultiMap.caseInsensitiveMultiMap().addAll(headers).set("Content-Type", "application/json");
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds);
    }
}
