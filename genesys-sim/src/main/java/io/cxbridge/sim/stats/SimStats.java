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

    private record RequestKey(String method, String path, int status) {}

    private final AtomicLong tokenRequests = new AtomicLong();
    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> executions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> callbacks = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> duplicateCallbacks = new ConcurrentHashMap<>();
    private final AtomicLong externalCalls = new AtomicLong();
    private final AtomicInteger externalInFlight = new AtomicInteger();
    private final AtomicInteger externalMaxConcurrent = new AtomicInteger();
    private final Map<String, Map<Integer, LongAdder>> executionsByStatus = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> externalCallsByKey = new ConcurrentHashMap<>();
    private final LongAdder uploadsCompleted = new LongAdder();
    private final LongAdder uploadsAborted = new LongAdder();
    private final LongAdder downloadsCompleted = new LongAdder();
    private final LongAdder downloadsCancelled = new LongAdder();
    private final Map<PageKey, LongAdder> pages = new ConcurrentHashMap<>();
    private final LongAdder actionSuccess = new LongAdder();
    private final LongAdder actionError = new LongAdder();
    private final LongAdder actionTimeout = new LongAdder();

    private record PageKey(String path, String query) {}

    /** How a {@code POST /sim/actions/run} call ended. */
    public enum ActionOutcome {
        SUCCESS,
        ERROR,
        TIMEOUT
    }

    public void tokenRequest() {
        tokenRequests.incrementAndGet();
    }

    /** One answered (or dropped: status 0) request on /api/v2/**, /oauth/** or /external/**. */
    public void request(String method, String path, int status) {
        requests.computeIfAbsent(new RequestKey(method, path, status), k -> new LongAdder())
                .increment();
    }

    public void execution(String requestId) {
        executions.computeIfAbsent(key(requestId), k -> new LongAdder()).increment();
    }

    /** The status an execute request was answered with (0: the connection closed without an answer). */
    public void executionAnswered(String requestId, int status) {
        executionsByStatus
                .computeIfAbsent(key(requestId), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, k -> new LongAdder())
                .increment();
    }

    /** The key of per-request-id counts: the trimmed header, {@link #NO_REQUEST_ID} when absent or blank. */
    public static String key(String header) {
        return header == null || header.isBlank() ? NO_REQUEST_ID : header.trim();
    }

    public void uploadCompleted() {
        uploadsCompleted.increment();
    }

    public void uploadAborted() {
        uploadsAborted.increment();
    }

    public void downloadCompleted() {
        downloadsCompleted.increment();
    }

    public void downloadCancelled() {
        downloadsCancelled.increment();
    }

    /** One listing page served; {@code query} is the raw query string (null or empty without one). */
    public void page(String path, String query) {
        pages.computeIfAbsent(new PageKey(path, query == null ? "" : query), k -> new LongAdder())
                .increment();
    }

    public void actionRun(ActionOutcome outcome) {
        switch (outcome) {
            case SUCCESS -> actionSuccess.increment();
            case ERROR -> actionError.increment();
            case TIMEOUT -> actionTimeout.increment();
        }
    }

    public void callback(String fulfillmentId) {
        callbacks.computeIfAbsent(fulfillmentId, k -> new LongAdder()).increment();
    }

    public void duplicateCallback(String fulfillmentId) {
        duplicateCallbacks.computeIfAbsent(fulfillmentId, k -> new LongAdder()).increment();
    }

    /** An external API call arrived (by its {@code Idempotency-Key}); returns the number in flight now. */
    public int externalStarted(String idempotencyKey) {
        externalCalls.incrementAndGet();
        externalCallsByKey
                .computeIfAbsent(key(idempotencyKey), k -> new LongAdder())
                .increment();
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
        executionsByStatus.clear();
        externalCallsByKey.clear();
        for (LongAdder adder : List.of(
                uploadsCompleted,
                uploadsAborted,
                downloadsCompleted,
                downloadsCancelled,
                actionSuccess,
                actionError,
                actionTimeout)) {
            adder.reset();
        }
        pages.clear();
    }

    public StatsView snapshot() {
        List<StatsView.RequestCount> list = new ArrayList<>();
        long total = 0;
        for (Map.Entry<RequestKey, LongAdder> e : requests.entrySet()) {
            long count = e.getValue().sum();
            total += count;
            list.add(new StatsView.RequestCount(
                    e.getKey().method(), e.getKey().path(), e.getKey().status(), count));
        }
        list.sort(Comparator.comparing(StatsView.RequestCount::path)
                .thenComparing(StatsView.RequestCount::method)
                .thenComparingInt(StatsView.RequestCount::status));
        Map<String, Map<Integer, Long>> byStatus = new TreeMap<>();
        executionsByStatus.forEach((id, statuses) -> {
            Map<Integer, Long> counts = new TreeMap<>();
            statuses.forEach((status, n) -> counts.put(status, n.sum()));
            byStatus.put(id, counts);
        });
        List<StatsView.PageCount> pageList = new ArrayList<>();
        pages.forEach((k, v) -> pageList.add(new StatsView.PageCount(k.path(), k.query(), v.sum())));
        pageList.sort(Comparator.comparing(StatsView.PageCount::path).thenComparing(StatsView.PageCount::query));
        return new StatsView(
                tokenRequests.get(),
                total,
                list,
                sums(executions),
                sums(callbacks),
                sums(duplicateCallbacks),
                externalCalls.get(),
                externalMaxConcurrent.get(),
                byStatus,
                sums(externalCallsByKey),
                new StatsView.Uploads(uploadsCompleted.sum(), uploadsAborted.sum()),
                new StatsView.Downloads(downloadsCompleted.sum(), downloadsCancelled.sum()),
                pageList,
                new StatsView.ActionRuns(actionSuccess.sum(), actionError.sum(), actionTimeout.sum()));
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
