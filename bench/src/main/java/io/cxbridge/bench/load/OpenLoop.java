package io.cxbridge.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Fixed-rate (open-loop) HTTP load on Vert.x: a pacing thread hands every due request to the client at once, never
 * waiting for earlier answers; requests that find no free connection wait in the client's queue and the wait counts
 * in their latency (measured from the due time, see {@link Pacer}). Keep-alive connections, no pipelining.
 */
public final class OpenLoop {

    private final Vertx vertx;
    private final HttpClient client;
    private final Context context;

    public OpenLoop(Vertx vertx, int maxConnections) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setPipelining(false)
                        .setConnectTimeout(5000)
                        .setIdleTimeout(60)
                        .setMaxInitialLineLength(8192),
                new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
        // Every request is started on one event-loop context, in batches, so the pacing thread only hands over.
        this.context = vertx.getOrCreateContext();
    }

    public HttpClient client() {
        return client;
    }

    /**
     * Sends {@code warmupSeconds} of requests unrecorded, then {@code seconds} recorded, at {@code rate} a second.
     * {@code onResponse} (optional) sees each recorded response's status and headers.
     */
    public LatencySummary run(
            String label,
            double rate,
            double seconds,
            double warmupSeconds,
            LongFunction<RequestSpec> requests,
            BiConsumer<Integer, MultiMap> onResponse) {
        if (warmupSeconds > 0) {
            phase(label, rate, warmupSeconds, requests, null, false);
        }
        return phase(label, rate, seconds, requests, onResponse, true);
    }

    private LatencySummary phase(
            String label,
            double rate,
            double seconds,
            LongFunction<RequestSpec> requests,
            BiConsumer<Integer, MultiMap> onResponse,
            boolean record) {
        Pacer pacer = new Pacer(rate, Pacer.countFor(rate, seconds));
        Recorder corrected = new Recorder(60_000_000L, 3);
        Recorder raw = new Recorder(60_000_000L, 3);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder errors = new LongAdder();
        AtomicLong lastEnd = new AtomicLong();
        CountDownLatch done = new CountDownLatch((int) pacer.total());
        long start = System.nanoTime() + 1_000_000;
        long sent = 0;
        while (sent < pacer.total()) {
            long now = System.nanoTime();
            long due = pacer.dueBy(now - start);
            if (sent < due) {
                List<RequestSpec> batch = new ArrayList<>((int) (due - sent));
                long first = sent;
                for (; sent < due; sent++) {
                    batch.add(requests.apply(sent));
                }
                context.runOnContext(v -> {
                    for (int k = 0; k < batch.size(); k++) {
                        long intended = start + pacer.dueOffsetNanos(first + k);
                        send(batch.get(k), intended, corrected, raw, statuses, errors, lastEnd, done, onResponse);
                    }
                });
            }
            if (sent < pacer.total()) {
                long next = start + pacer.dueOffsetNanos(sent);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(Math.min(wait, 1_000_000));
                }
            }
        }
        try {
            if (!done.await((long) (seconds + 60), TimeUnit.SECONDS)) {
                errors.add(done.getCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double elapsed = Math.max(seconds, (lastEnd.get() - start) / 1e9);
        Map<Integer, Long> counts = new ConcurrentHashMap<>();
        statuses.forEach((k, v) -> counts.put(k, v.sum()));
        Histogram c = corrected.getIntervalHistogram();
        Histogram r = raw.getIntervalHistogram();
        return new LatencySummary(
                label, rate, elapsed, pacer.total(), c.getTotalCount(), errors.sum(), Map.copyOf(counts), c, r);
    }

    private void send(
            RequestSpec spec,
            long intended,
            Recorder corrected,
            Recorder raw,
            Map<Integer, LongAdder> statuses,
            LongAdder errors,
            AtomicLong lastEnd,
            CountDownLatch done,
            BiConsumer<Integer, MultiMap> onResponse) {
        long handedOver = System.nanoTime();
        RequestOptions options = new RequestOptions()
                .setMethod(spec.method())
                .setHost("127.0.0.1")
                .setPort(spec.port())
                .setURI(spec.uri());
        if (spec.headers() != null) {
            options.setHeaders(spec.headers());
        }
        client.request(options)
                .compose(req -> spec.body() == null ? req.send() : req.send(spec.body()))
                .compose(resp -> resp.end().map(v -> {
                    long end = System.nanoTime();
                    corrected.recordValue(Math.max(0, (end - intended) / 1000));
                    raw.recordValue(Math.max(0, (end - handedOver) / 1000));
                    statuses.computeIfAbsent(resp.statusCode(), k -> new LongAdder())
                            .increment();
                    lastEnd.accumulateAndGet(end, Math::max);
                    if (onResponse != null) {
                        onResponse.accept(resp.statusCode(), resp.headers());
                    }
                    return v;
                }))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        errors.increment();
                    }
                    done.countDown();
                });
    }

    /** Closes the client's connections. */
    public Future<Void> close() {
        return client.close();
    }
}
