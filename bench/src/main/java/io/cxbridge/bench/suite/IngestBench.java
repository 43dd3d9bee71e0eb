package io.cxbridge.bench.suite;

import static io.cxbridge.bench.load.LatencySummary.ms;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Goal;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.infra.Cpu;
import io.cxbridge.bench.infra.Redis;
import io.cxbridge.bench.load.WarmUp;
import io.cxbridge.bench.load.Wrk;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Failed-run ingestion: wrk POSTs {@code /v1/data-actions/failed-runs} through the gateway as fast as it answers;
 * each 202 means the record is acknowledged by Kafka (acks=all, idempotent producer). Then retry-svc's intake of
 * that backlog, end to end (its consumer group's committed offset, each commit after the run is stored in Redis).
 */
public final class IngestBench implements Benchmark {

    static final String TOPIC = "cxbridge.dataactions.failed-runs.v1";
    static final String BODY = "{\"actionId\":\"bench-action\",\"originalRunId\":\"bench-run\","
            + "\"requestPayload\":{\"customerId\":\"c-1\"},\"lastStatus\":503}";

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String description() {
        return "POST /v1/data-actions/failed-runs answered 202 per second; retry-svc intake of the backlog";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        int seconds = (int) Math.max(3, Math.round(ctx.seconds()));
        int connections = Integer.parseInt(ctx.env("BENCH_INGEST_CONNECTIONS", "128"));
        String url = "http://127.0.0.1:" + ctx.gateway() + "/v1/data-actions/failed-runs";
        BenchContext.require(
                ctx.call(
                        io.vertx.core.http.HttpMethod.POST,
                        ctx.gateway(),
                        "/v1/data-actions/failed-runs",
                        io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                                .addAll(ctx.gatewayHeaders())
                                .set("Content-Type", "application/json"),
                        BODY),
                202,
                "failed-run POST");
        try (KafkaTools kafka = new KafkaTools(ctx.kafka())) {
            // The whole path warmed first, like the proxy's (WarmUp): after 2 s of load the same code answered
            // 4,045/s, and 10,000-12,000/s once the JIT had compiled it (docs/benchmarks.md, session 7).
            long gwPid = ctx.requirePid("gateway-svc");
            WarmUp.Outcome warm = WarmUp.run(
                    url,
                    Target.headers(ctx),
                    BODY,
                    connections,
                    Math.max(2, Integer.parseInt(ctx.env("BENCH_INGEST_WARMUP", "30"))),
                    Integer.parseInt(ctx.env("BENCH_INGEST_WARMUP_MAX", "90")),
                    gwPid,
                    ctx.work());
            long committedBefore = kafka.committed("retry-svc", TOPIC);
            long t0 = System.nanoTime();
            long kafkaPid = ctx.requirePid("kafka");
            Measured beside = measure(ctx, kafka, "ingest", url, connections, seconds, gwPid, kafkaPid);
            Table t = new Table(
                    "Failed-run ingestion: POST /v1/data-actions/failed-runs through the gateway (wrk -t1 -c"
                            + connections + ", " + seconds + " s)",
                    "retry-svc",
                    "requests",
                    "answered 2xx/s",
                    "non-2xx",
                    "socket errors",
                    "records added to the topic",
                    "p50 ms (closed loop)",
                    "p99 ms (closed loop)",
                    "CPU ms/request: gateway",
                    "CPU ms/request: Kafka");
            row(t, "taking in the backlog beside", beside);

            // retry-svc's intake of what was just produced: committed offsets, sampled every second.
            long target = beside.endAfter();
            long deadline = System.nanoTime()
                    + Duration.ofSeconds((long) Math.max(30, ctx.seconds() * 6)).toNanos();
            long committed = kafka.committed("retry-svc", TOPIC);
            while (committed < target && System.nanoTime() < deadline) {
                BenchContext.sleep(Duration.ofSeconds(1));
                committed = kafka.committed("retry-svc", TOPIC);
            }
            double took = (System.nanoTime() - t0) / 1e9;
            long consumed = committed - committedBefore;
            Table c = new Table(
                    "retry-svc intake of that backlog (Kafka to Redis, end to end)",
                    "records consumed and stored",
                    "in (s)",
                    "per second",
                    "still behind");
            c.row(
                    consumed,
                    String.format(Locale.ROOT, "%.1f", took),
                    String.format(Locale.ROOT, "%.0f", consumed / took),
                    Math.max(0, target - committed));
            c.note("Measured from the start of the wrk run to the group's committed offset reaching the topic's end "
                    + "(or the time limit): intake runs while the gateway is loaded, so it is a lower bound.");
            // The warm-up and the measured runs leave a few hundred thousand runs on the topic, which retry-svc would
            // take an hour to store and resubmit, loading every later benchmark (idle measured it at 21 % of a
            // core). So retry-svc is stopped, its group moved to the topic's end, its due set dropped (the runs it
            // stored stay pending until their TTL), and it is started again.
            stack(ctx, "stop", "retry-svc");

            // The same load with retry-svc stopped: the ingestion path alone (gateway and Kafka). On the bench's two
            // cores a retry-svc catching up takes whatever CPU it is given (50-90 % of a core at 1,000-1,500 runs/s,
            // session 22), so the first run measures the machine's split between the two services as much as the
            // path; in a deployment retry-svc runs on its own cores.
            Measured alone = measure(ctx, kafka, "ingest-alone", url, connections, seconds, gwPid, kafkaPid);
            row(t, "stopped", alone);
            t.note("Each 202 comes after the broker's ack (acks=all, idempotence) of the record; the topic's end "
                    + "offsets grew by the count shown (it includes the warm-up's stragglers, if any).");
            t.note("First run: retry-svc takes in the backlog the warm-up left, on the same two cores. Second run, "
                    + "once retry-svc's intake below is measured: retry-svc stopped (`./stack stop retry-svc`), so "
                    + "the gateway and Kafka have the machine; the target is judged on this run, the ingestion path "
                    + "alone.");
            t.note("Warm-up (the same load, " + WarmUp.rule()
                    + " in the gateway; BENCH_INGEST_WARMUP s first, at most BENCH_INGEST_WARMUP_MAX s): "
                    + warm.describe() + ".");
            report.add(t);
            report.goal(
                    Goal.INGESTION,
                    String.format(
                            Locale.ROOT,
                            "%.0f req/s, retry-svc stopped (%.0f req/s with it taking in the backlog beside)",
                            alone.wrk().okPerSecond(),
                            beside.wrk().okPerSecond()),
                    alone.wrk().okPerSecond() >= 10_000);
            report.add(c);
            if (ProxyBench.profiling(ctx)) {
                // after everything measured: the recording slows the gateway, during it and after it
                java.nio.file.Path jfr = ctx.work().resolve("gateway-ingest.jfr");
                io.cxbridge.bench.infra.Jfr.start(gwPid, "bench-ingest", jfr);
                Wrk.Result profiled =
                        Wrk.run("ingest-jfr", url, Target.headers(ctx), BODY, 1, connections, seconds, ctx.work());
                io.cxbridge.bench.infra.Jfr.stop(gwPid, "bench-ingest");
                report.add(ProxyBench.profileTable(
                                io.cxbridge.bench.infra.Jfr.summarize(jfr, 12),
                                seconds,
                                ctx.root().relativize(jfr))
                        .note(String.format(
                                Locale.ROOT,
                                "Recorded in one more run after the measured ones (%.0f req/s answered with JFR on).",
                                profiled.okPerSecond())));
            }
            kafka.skipToEnd("retry-svc", TOPIC);
            try (Redis redis = ctx.redis()) {
                redis.command("DEL", "{cxbridge:retry}:due");
            }
            stack(ctx, "up");
        }
    }

    /** One measured wrk run: its result, the topic's end offsets around it, the gateway's and Kafka's CPU in it. */
    private record Measured(Wrk.Result wrk, long endBefore, long endAfter, double gatewayCpuMs, double kafkaCpuMs) {}

    private static Measured measure(
            BenchContext ctx,
            KafkaTools kafka,
            String name,
            String url,
            int connections,
            int seconds,
            long gwPid,
            long kafkaPid)
            throws Exception {
        long endBefore = kafka.endOffsets(TOPIC);
        double gwCpu = Cpu.ms(List.of(gwPid));
        double kafkaCpu = Cpu.ms(List.of(kafkaPid));
        Wrk.Result r = Wrk.run(name, url, Target.headers(ctx), BODY, 1, connections, seconds, ctx.work());
        gwCpu = Cpu.ms(List.of(gwPid)) - gwCpu;
        kafkaCpu = Cpu.ms(List.of(kafkaPid)) - kafkaCpu;
        return new Measured(r, endBefore, kafka.endOffsets(TOPIC), gwCpu, kafkaCpu);
    }

    private static void row(Table t, String retry, Measured m) {
        Wrk.Result r = m.wrk();
        long n = Math.max(1, r.requests());
        t.row(
                retry,
                r.requests(),
                String.format(Locale.ROOT, "%.0f", r.okPerSecond()),
                r.non2xx(),
                r.socketErrors(),
                m.endAfter() - m.endBefore(),
                ms(r.p50Ms()),
                ms(r.p99Ms()),
                String.format(Locale.ROOT, "%.3f", m.gatewayCpuMs() / n),
                String.format(Locale.ROOT, "%.3f", m.kafkaCpuMs() / n));
    }

    /** {@code ./stack <args>} with the bench's environment (its state, ports and profile). */
    private static void stack(BenchContext ctx, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = ctx.root().resolve("stack").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        io.cxbridge.bench.infra.Procs.runLogged(300, ctx.work().resolve("ingest-stack.out"), cmd);
    }
}
