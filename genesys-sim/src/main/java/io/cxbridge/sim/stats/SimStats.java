package io.cxbridge.sim.stats;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything {@code GET /sim/stats} reports. Lock-free counters; a snapshot is consistent per counter, and
 * {@code requestsTotal} is always the sum of {@code requests}.
 */
@ApplicationScoped
public class SimStats {

    /** The key {@code executions} uses for requests without an {@code X-Cxbridge-Request-Id} header. */
    public static final String NO_REQUEST_ID = "(none)";

    private record RequestKey(String method, String path, int status) {
    }

    private final AtomicLong tokenRequests = new AtomicLong();
    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> executions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> callbacks = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> duplicateCallbacks = new ConcurrentHashMap<>();
    private final AtomicLong externalCalls = new AtomicLong();
    private final AtomicInteger externalInFlight = new AtomicInteger();
    private final AtomicInteger externalMaxConcurrent = new AtomicInteger();

    public void tokenRequest() {
        tokenRequests.incrementAndGet();
    }

    /** One answered (or dropped: status 0) request on /api/v2/**, /oauth/** or /external/**. */
    public void request(String method, String path, int status) {
        requests.computeIfAbsent(new RequestKey(method, path, status), k -> new LongAdder()).increment();
    }

    public void execution(String requestId) {
        String key = requestId == null || requestId.isBlank() ? NO_REQUEST_ID : requestId.trim();
        executions.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    public void callback(String fulfillmentId) {
        callbacks.computeIfAbsent(fulfillmentId, k -> new LongAdder()).increment();
    }

    public void duplicateCallback(String fulfillmentId) {
        duplicateCallbacks.computeIfAbsent(fulfillmentId, k -> new LongAdder()).increment();
    }

    /** An external API call arrived; returns the number in flight now. */
    public int externalStarted() {
        externalCalls.incrementAndGet();
        int now = externalInFlight.incrementAndGet();
        externalMaxConcurrent.accumulateAndGet(now, Math::max);
        return now;
    }

    public void externalFinished() {
        externalInFlight.decrementAndGet();
    }

    /** Forgets every count. Calls in flight stay in flight (they still finish), but the maximum starts again. */
    public void reset() {
        tokenRequests.set(0);
        requests.clear();
        executions.clear();
        callbacks.clear();
        duplicateCallbacks.clear();
        externalCalls.set(0);
        externalMaxConcurrent.set(0);
    }

    public StatsView snapshot() {
        List<StatsView.RequestCount> list = new ArrayList<>();
        long total = 0;
        for (Map.Entry<RequestKey, LongAdder> e : requests.entrySet()) {
            long count = e.getValue().sum();
            total += count;
            list.add(new StatsView.RequestCount(e.getKey().method(), e.getKey().path(), e.getKey().status(), count));
        }
        list.sort(Comparator.comparing(StatsView.RequestCount::path).thenComparing(StatsView.RequestCount::method)
                .thenComparingInt(StatsView.RequestCount::status));
        return new StatsView(tokenRequests.get(), total, list, sums(executions), sums(callbacks),
                sums(duplicateCallbacks), externalCalls.get(), externalMaxConcurrent.get());
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
