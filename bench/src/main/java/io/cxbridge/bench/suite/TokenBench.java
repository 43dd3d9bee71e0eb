package io.cxbridge.bench.suite;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.load.LatencySummary;
import io.cxbridge.bench.load.OpenLoop;
import io.cxbridge.bench.load.RequestSpec;
import java.time.Duration;
import java.util.Locale;

/**
 * Token refresh under a burst after expiry: the sim issues short tokens, the stack's token is dropped (sim reset:
 * every service's next call gets 401 and refreshes once), then, after each expiry, a burst of concurrent requests
 * goes through the gateway; the sim's {@code tokenRequests} counts how many tokens the burst caused.
 */
public final class TokenBench implements Benchmark {

    @Override
    public String name() {
        return "token";
    }

    @Override
    public String description() {
        return "token requests seen by the sim for a burst of requests right after the token expired";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        int expiresIn = Integer.parseInt(ctx.env("BENCH_TOKEN_EXPIRES_IN", "10"));
        int bursts = Integer.parseInt(ctx.env("BENCH_TOKEN_BURSTS", "3"));
        int burst = Integer.parseInt(ctx.env("BENCH_TOKEN_BURST_SIZE", "500"));
        String uri = ProxyBench.URI;
        // A cold gateway takes seconds for a burst of 500; warm its path first so a burst stays well inside the
        // token's lifetime (a burst still running past 90 % of it would rightly fetch a second token).
        OpenLoop warm = ctx.openLoop(64);
        try {
            warm.run(
                    "warm-up",
                    200,
                    Math.max(2, ctx.warmup()),
                    0,
                    i -> RequestSpec.get(ctx.gateway(), uri, ctx.gatewayHeaders()),
                    null);
        } finally {
            warm.close();
        }
        ctx.simReset();
        ctx.simConfig("{\"tokenExpiresIn\":" + expiresIn + "}");
        // The first call finds its token unknown (401), drops it and fetches one that lives expiresIn seconds.
        BenchContext.require(ctx.get(ctx.gateway(), uri, ctx.gatewayHeaders()), 200, "gateway after sim reset");
        Table t = new Table(
                "Token refresh: bursts of " + burst + " concurrent GETs through the gateway right after "
                        + "the token expired (token lifetime " + expiresIn + " s)",
                "burst",
                "requests",
                "2xx",
                "token requests during burst",
                "burst p50 ms",
                "burst max ms");
        OpenLoop loop = ctx.openLoop(burst);
        long totalTokens = 0;
        try {
            for (int b = 1; b <= bursts; b++) {
                BenchContext.sleep(Duration.ofMillis(expiresIn * 1000L + 300));
                long before = ctx.simStats().get("tokenRequests").asLong();
                // every request of the burst is due within 10 ms: they all find the token expired
                LatencySummary s = loop.run(
                        "burst " + b,
                        burst * 100.0,
                        burst / (burst * 100.0),
                        0,
                        i -> RequestSpec.get(ctx.gateway(), uri, ctx.gatewayHeaders()),
                        null);
                long tokens = ctx.simStats().get("tokenRequests").asLong() - before;
                totalTokens += tokens;
                t.row(b, s.sent(), s.ok(), tokens, LatencySummary.ms(s.p(50)), LatencySummary.ms(s.maxMs()));
            }
        } finally {
            loop.close();
            ctx.simConfig("{\"tokenExpiresIn\":86400}");
        }
        t.note("A token is refreshed at 90 % of its lifetime (skew min(5 min, 10 %)): a burst lasting longer than "
                + (expiresIn * 0.9) + " s would rightly need a second token.");
        t.note("Counts are the sim's tokenRequests before and after each burst; any service's own call in that window "
                + "would count too (they share one token through Redis).");
        report.add(t);
        report.target(
                "one token request per burst after expiry",
                String.format(Locale.ROOT, "%d token requests for %d bursts of %d", totalTokens, bursts, burst),
                totalTokens == bursts);
    }
}
