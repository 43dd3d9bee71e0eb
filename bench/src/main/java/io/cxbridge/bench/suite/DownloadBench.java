package io.cxbridge.bench.suite;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.infra.HeapPeak;
import io.cxbridge.bench.infra.Procs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 100 MiB download ({@code GET /api/v2/downloads/blob?size=...}) through each path, read as a stream and
 * counted; for the gateway, its heap is watched during the transfer ({@link HeapPeak}).
 */
public final class DownloadBench implements Benchmark {

    @Override
    public String name() {
        return "download";
    }

    @Override
    public String description() {
        return "100 MiB download through the gateway vs direct vs nginx: throughput, gateway heap";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        long size = Long.parseLong(ctx.env("BENCH_DOWNLOAD_BYTES", String.valueOf(100L * 1024 * 1024)));
        String uri = "/api/v2/downloads/blob?size=" + size;
        long gwPid = ctx.requirePid("gateway-svc");
        Table t = new Table(
                "Download of " + size / 1048576 + " MiB",
                "target",
                "seconds",
                "MiB/s",
                "bytes ok",
                "gateway heap peak during (MiB)",
                "gateway heap after its GCs during, largest (MiB; GCs)",
                "gateway RSS after (MiB)");
        OptionalLong heapBefore = Procs.heapUsedAfterGcKiB(gwPid);
        OptionalLong rssBefore = Procs.rssKiB(gwPid);
        HttpClient client = ctx.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false));
        try {
            for (Target target : Target.proxyTargets(ctx)) {
                boolean gateway = target.name().equals("gateway");
                HeapPeak heap = gateway ? HeapPeak.start(gwPid) : null;
                AtomicLong bytes = new AtomicLong();
                long start = System.nanoTime();
                int status = download(ctx.vertx(), client, target, uri, bytes);
                double secs = (System.nanoTime() - start) / 1e9;
                Optional<HeapPeak.Heap> held = heap == null ? Optional.empty() : Optional.of(heap.stop());
                t.row(
                        target.name(),
                        String.format(Locale.ROOT, "%.2f", secs),
                        String.format(Locale.ROOT, "%.0f", bytes.get() / 1048576.0 / secs),
                        status == 200 && bytes.get() == size ? "yes" : "no (" + status + ", " + bytes.get() + ")",
                        gateway
                                ? held.map(h -> Procs.mib(OptionalLong.of(h.peak())))
                                        .orElse("-")
                                : "",
                        gateway ? held.map(DownloadBench::live).orElse("-") : "",
                        gateway ? Procs.mib(Procs.rssKiB(gwPid)) : "");
            }
        } finally {
            client.close();
        }
        t.note("Gateway before: heap after GC " + Procs.mib(heapBefore) + " MiB, RSS " + Procs.mib(rssBefore)
                + " MiB; it runs with -Xmx256m. From the gateway's own memory beans over local JMX during the transfer:"
                + " the heap peak is the sum of each heap pool's peak (garbage included, so an upper bound of what the"
                + " stream holds); the heap after its GCs is the largest heap left by a collection, which grows with"
                + " the body only if the gateway holds it.");
        report.add(t);
    }

    private static String live(HeapPeak.Heap h) {
        return h.collections() == 0
                ? "- (0)"
                : Procs.mib(OptionalLong.of(h.largestLive())) + " (" + h.collections() + ")";
    }

    private static int download(Vertx vertx, HttpClient client, Target target, String uri, AtomicLong bytes)
            throws Exception {
        RequestOptions o = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(target.port())
                .setURI(uri)
                .setHeaders(target.headers())
                .setIdleTimeout(60_000);
        return client.request(o)
                .compose(req -> req.send())
                .compose(resp -> {
                    resp.handler(b -> bytes.addAndGet(b.length()));
                    return resp.end().map(v -> resp.statusCode());
                })
                .toCompletionStage()
                .toCompletableFuture()
                .get(300, TimeUnit.SECONDS);
    }
}
