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
import java.util.Locale;
import java.util.UUID;

/**
 * The cost of an Idempotency-Key: the same small POST (the sim's store creates a resource) through the gateway with
 * a fresh key on every request (claim in Redis, store the answer) and without one, at the same fixed rate.
 */
public final class IdempotencyBench implements Benchmark {

    static final String URI = "/api/v2/bench/items";
    static final String BODY = "{\"name\":\"bench item\",\"size\":1}";

    @Override
    public String name() {
        return "idempotency";
    }

    @Override
    public String description() {
        return "POST through the gateway with and without an Idempotency-Key (the Redis cost)";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        double rate = Double.parseDouble(ctx.env("BENCH_IDEMPOTENCY_RATE", "300"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        MultiMap bearer = MultiMap.caseInsensitiveMultiMap().set("Authorization", "Bearer " + ctx.simToken());
        Table t = new Table(
                "Idempotency-Key cost: POST " + URI + " at " + (int) rate + "/s (open loop)",
                "path",
                "p50 ms",
                "p99 ms",
                "p99.9 ms",
                "max ms",
                "statuses");
        OpenLoop loop = ctx.openLoop(128);
        try {
            LatencySummary direct = loop.run(
                    "direct",
                    rate,
                    ctx.seconds(),
                    ctx.warmup(),
                    i -> RequestSpec.post(ctx.sim(), URI, bearer, BODY),
                    null);
            LatencySummary plain = loop.run(
                    "gateway, no key",
                    rate,
                    ctx.seconds(),
                    ctx.warmup(),
                    i -> RequestSpec.post(ctx.gateway(), URI, ctx.gatewayHeaders(), BODY),
                    null);
            LatencySummary keyed = loop.run(
                    "gateway, Idempotency-Key",
                    rate,
                    ctx.seconds(),
                    ctx.warmup(),
                    i -> RequestSpec.post(
                            ctx.gateway(),
                            URI,
                            MultiMap.caseInsensitiveMultiMap()
                                    .addAll(ctx.gatewayHeaders())
                                    .set("Idempotency-Key", "bench-" + run + "-" + i),
                            BODY),
                    null);
            for (LatencySummary s : new LatencySummary[] {direct, plain, keyed}) {
                t.row(s.label(), ms(s.p(50)), ms(s.p(99)), ms(s.p(99.9)), ms(s.maxMs()), s.statusText());
            }
            t.note(String.format(
                    Locale.ROOT,
                    "Idempotency-Key adds %s ms at p50 and %s ms at p99 over the same POST "
                            + "without a key (claim, then store of the answer, in Redis).",
                    ms(keyed.p(50) - plain.p(50)),
                    ms(keyed.p(99) - plain.p(99))));
        } finally {
            loop.close();
        }
        report.add(t);
    }
}
