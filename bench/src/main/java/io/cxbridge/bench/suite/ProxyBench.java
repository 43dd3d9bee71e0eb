package io.cxbridge.bench.suite;

import static io.cxbridge.bench.load.LatencySummary.ms;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.infra.Cpu;
import io.cxbridge.bench.infra.Jfr;
import io.cxbridge.bench.load.LatencySummary;
import io.cxbridge.bench.load.OpenLoop;
import io.cxbridge.bench.load.RequestSpec;
import io.cxbridge.bench.load.Wrk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small GETs ({@code GET /api/v2/routing/queues}, the sim's in-memory store, a ~100-byte answer) through the gateway
 * (auth, rate bucket, logs, audit event, token, shaping off) against the sim straight and nginx proxy_pass in front
 * of the same sim: saturation throughput with wrk, then latency at fixed rates with the open-loop generator.
 */
public final class ProxyBench implements Benchmark {

    static final String URI = "/api/v2/routing/queues";

    static Table profileTable(Jfr.Profile p, int seconds, Path file) {
        Table t = new Table(
                "gateway-svc CPU profile during " + file.getFileName() + " (JFR execution samples, " + p.samples()
                        + " samples in " + seconds + " s)",
                "hottest top frames",
                "samples",
                "hottest cxbridge frames (anywhere on the stack)",
                "samples");
        for (int i = 0; i < Math.max(p.topFrames().size(), p.cxbridgeFrames().size()); i++) {
            Jfr.Hot a = i < p.topFrames().size() ? p.topFrames().get(i) : null;
            Jfr.Hot b = i < p.cxbridgeFrames().size() ? p.cxbridgeFrames().get(i) : null;
            t.row(
                    a == null ? "" : a.frame(),
                    a == null ? "" : a.samples(),
                    b == null ? "" : b.frame(),
                    b == null ? "" : b.samples());
        }
        t.note("JFR samples Java threads about every 10-20 ms while they run Java code (settings=profile); few samples "
                + "for many requests means the gateway spent its time waiting (I/O, the CPU taken by other processes), not "
                + "computing. Recording: " + file);
        return t;
    }

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public String description() {
        return "small GETs: gateway vs genesys-sim direct vs nginx proxy_pass (saturation, fixed-rate latency)";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        List<Target> targets = Target.proxyTargets(ctx);
        for (Target t : targets) {
            BenchContext.require(ctx.get(t.port(), URI, t.headers()), 200, t.name() + " " + URI);
        }
        int seconds = (int) Math.max(3, Math.round(ctx.seconds()));
        List<Integer> connectionCounts = new ArrayList<>();
        for (String c : ctx.env("BENCH_WRK_CONNECTIONS", "16,64").split(",")) {
            connectionCounts.add(Integer.parseInt(c.trim()));
        }
        Map<String, Wrk.Result> sat = new LinkedHashMap<>();
        Table profileTable = null;
        Table st = new Table(
                "Proxy: saturation, GET " + URI + " (wrk -t1, " + seconds + " s per connection count)",
                "target",
                "connections",
                "req/s",
                "non-2xx",
                "socket errors",
                "p50 ms (closed loop)",
                "p99 ms (closed loop)",
                "CPU ms/request: proxy",
                "CPU ms/request: sim");
        long simPid = ctx.requirePid("genesys-sim");
        long gwPid = ctx.requirePid("gateway-svc");
        long nginxPid = Long.parseLong(ctx.env("NGINX_PID", "0"));
        // The gateway's request path is long (auth, bucket, logs, audit, token, proxy): C2 keeps compiling it for
        // tens of seconds on two busy cores, and compiling costs the same CPU the requests need.
        int gatewayWarmup = Integer.parseInt(ctx.env("BENCH_GATEWAY_WARMUP", "30"));
        Target gatewayTarget = targets.get(targets.size() - 1);
        Wrk.run(
                "gateway warm-up",
                gatewayTarget.url(URI),
                gatewayTarget.headerMap(),
                null,
                1,
                16,
                gatewayWarmup,
                ctx.work());
        for (Target t : targets) {
            // a short unmeasured run warms the JIT and the connection pools
            Wrk.run(
                    t.name(),
                    t.url(URI),
                    t.headerMap(),
                    null,
                    1,
                    connectionCounts.get(connectionCounts.size() - 1),
                    Math.max(5, (int) ctx.warmup()),
                    ctx.work());
            List<Long> proxyPids = t.name().equals("gateway")
                    ? List.of(gwPid)
                    : t.name().startsWith("nginx") && nginxPid > 0 ? Cpu.withChildren(nginxPid) : List.of();
            for (int connections : connectionCounts) {
                boolean profile = t.name().equals("gateway")
                        && connections == connectionCounts.get(connectionCounts.size() - 1)
                        && !"false".equals(ctx.env("BENCH_PROFILE", "true"));
                Path jfr = ctx.work().resolve("gateway-saturation.jfr");
                if (profile) {
                    Jfr.start(gwPid, "bench-proxy", jfr);
                }
                double proxyCpu = Cpu.ms(proxyPids);
                double simCpu = Cpu.ms(List.of(simPid));
                Wrk.Result r = Wrk.run(t.name(), t.url(URI), t.headerMap(), null, 1, connections, seconds, ctx.work());
                proxyCpu = Cpu.ms(proxyPids) - proxyCpu;
                simCpu = Cpu.ms(List.of(simPid)) - simCpu;
                if (profile) {
                    Jfr.stop(gwPid, "bench-proxy");
                    profileTable = profileTable(
                            Jfr.summarize(jfr, 12), seconds, ctx.root().relativize(jfr));
                }
                if (!sat.containsKey(t.name())
                        || r.requestsPerSecond() > sat.get(t.name()).requestsPerSecond()) {
                    sat.put(t.name(), r);
                }
                long n = Math.max(1, r.requests());
                st.row(
                        t.name(),
                        connections,
                        String.format(Locale.ROOT, "%.0f", r.requestsPerSecond()),
                        r.non2xx(),
                        r.socketErrors(),
                        ms(r.p50Ms()),
                        ms(r.p99Ms()),
                        proxyPids.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", proxyCpu / n),
                        String.format(Locale.ROOT, "%.3f", simCpu / n));
            }
        }
        Wrk.Result gw = sat.get("gateway");
        Wrk.Result direct = sat.get("direct (sim)");
        Wrk.Result nginx = sat.get("nginx proxy_pass");
        st.note("Ratios use each target's best connection count. CPU ms/request = user + system CPU time of the "
                + "proxy process (gateway-svc, or nginx's master and workers) and of the sim during the run, divided by "
                + "the requests wrk completed: what each request costs, whatever else runs on the machine.");
        st.note(String.format(
                Locale.ROOT, "gateway/direct throughput: %.2f", gw.requestsPerSecond() / direct.requestsPerSecond()));
        if (nginx != null) {
            st.note(String.format(
                    Locale.ROOT, "gateway/nginx throughput: %.2f", gw.requestsPerSecond() / nginx.requestsPerSecond()));
            report.target(
                    "gateway throughput >= nginx proxy_pass (same run)",
                    String.format(
                            Locale.ROOT,
                            "%.0f vs %.0f req/s (ratio %.2f)",
                            gw.requestsPerSecond(),
                            nginx.requestsPerSecond(),
                            gw.requestsPerSecond() / nginx.requestsPerSecond()),
                    gw.requestsPerSecond() >= nginx.requestsPerSecond());
        } else {
            report.target("gateway throughput >= nginx proxy_pass (same run)", "nginx not running", null);
        }
        st.note("Each target had an unmeasured wrk run of " + Math.max(5, (int) ctx.warmup())
                + " s first (JIT, pools), "
                + "the gateway " + gatewayWarmup + " s more before that; C2 compilations still running count in the "
                + "gateway's CPU.");
        st.note("wrk and the three servers share the machine's cores; the sim runs in both paths, so a proxy can at "
                + "best approach the direct figure.");
        report.add(st);
        if (profileTable != null) {
            report.add(profileTable);
        }

        double half = Math.max(50, Math.floor(gw.requestsPerSecond() / 2 / 50) * 50);
        List<Double> rates = new ArrayList<>(List.of(Double.parseDouble(ctx.env("BENCH_PROXY_RATE", "500")), half));
        Table lt = new Table(
                "Proxy: latency at fixed rates (open loop, from each request's due time)",
                "target",
                "rate/s",
                "achieved/s",
                "p50 ms",
                "p99 ms",
                "p99.9 ms",
                "max ms",
                "statuses");
        Table added = new Table(
                "Proxy: latency the gateway adds (gateway minus the other, same rate)",
                "rate/s",
                "vs",
                "added p50 ms",
                "added p99 ms",
                "added p99.9 ms");
        OpenLoop loop = ctx.openLoop(256);
        try {
            for (double rate : rates) {
                Map<String, LatencySummary> byTarget = new LinkedHashMap<>();
                for (Target t : targets) {
                    LatencySummary s = loop.run(
                            t.name(),
                            rate,
                            ctx.seconds(),
                            ctx.warmup(),
                            i -> RequestSpec.get(t.port(), URI, t.headers()),
                            null);
                    byTarget.put(t.name(), s);
                    lt.row(
                            t.name(),
                            String.format(Locale.ROOT, "%.0f", rate),
                            String.format(Locale.ROOT, "%.0f", s.achievedRate()),
                            ms(s.p(50)),
                            ms(s.p(99)),
                            ms(s.p(99.9)),
                            ms(s.maxMs()),
                            s.statusText());
                }
                LatencySummary g = byTarget.get("gateway");
                for (Map.Entry<String, LatencySummary> e : byTarget.entrySet()) {
                    if (e.getKey().equals("gateway")) {
                        continue;
                    }
                    LatencySummary o = e.getValue();
                    added.row(
                            String.format(Locale.ROOT, "%.0f", rate),
                            e.getKey(),
                            ms(g.p(50) - o.p(50)),
                            ms(g.p(99) - o.p(99)),
                            ms(g.p(99.9) - o.p(99.9)));
                }
                if (rate == half) {
                    double add = g.p(50) - byTarget.get("direct (sim)").p(50);
                    report.target(
                            "gateway added p50 < 1 ms at half of saturation",
                            String.format(
                                    Locale.ROOT,
                                    "%s ms at %.0f req/s (gateway p50 %s, direct %s)",
                                    ms(add),
                                    rate,
                                    ms(g.p(50)),
                                    ms(byTarget.get("direct (sim)").p(50))),
                            add < 1.0);
                }
            }
        } finally {
            loop.close();
        }
        lt.note("Half of saturation = half the gateway's wrk throughput above. Latency is measured from each request's "
                + "scheduled send time (coordinated omission corrected); the generator keeps up to 256 connections.");
        report.add(lt);
        added.note("Differences of percentiles, not percentiles of differences.");
        report.add(added);
    }
}
