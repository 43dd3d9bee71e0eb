package io.cxbridge.testkit.sim;

import java.util.List;
import java.util.Map;

/** {@code GET /sim/stats} of genesys-sim, with helpers for the usual questions. */
public record SimStats(
        long tokenRequests,
        long requestsTotal,
        List<RequestCount> requests,
        Map<String, Long> executions,
        Map<String, Long> callbacks,
        Map<String, Long> duplicateCallbacks,
        long externalCalls,
        long externalMaxConcurrent,
        Map<String, Map<Integer, Long>> executionsByStatus,
        Map<String, Long> externalCallsByKey,
        Uploads uploads,
        Downloads downloads,
        List<PageCount> pages,
        ActionRuns actionRuns) {

    /** The key of {@code executions} for requests without an {@code X-Cxbridge-Request-Id} header. */
    public static final String NO_REQUEST_ID = "(none)";

    /** Requests of one method, path (without query) and status; status 0: the connection was dropped. */
    public record RequestCount(String method, String path, int status, long count) {}

    /** Uploads whose body ended normally, and those whose connection closed or was reset before the end. */
    public record Uploads(long completed, long aborted) {}

    /** Downloads written to the end, and those whose client went away first. */
    public record Downloads(long completed, long cancelled) {}

    /** Listing pages served by path and raw query string ({@code ""} without one). */
    public record PageCount(String path, String query, long count) {}

    /** How {@code POST /sim/actions/run} calls ended. */
    public record ActionRuns(long success, long error, long timeout) {}

    public SimStats {
        requests = requests == null ? List.of() : List.copyOf(requests);
        executions = executions == null ? Map.of() : Map.copyOf(executions);
        callbacks = callbacks == null ? Map.of() : Map.copyOf(callbacks);
        duplicateCallbacks = duplicateCallbacks == null ? Map.of() : Map.copyOf(duplicateCallbacks);
        executionsByStatus = executionsByStatus == null ? Map.of() : Map.copyOf(executionsByStatus);
        externalCallsByKey = externalCallsByKey == null ? Map.of() : Map.copyOf(externalCallsByKey);
        uploads = uploads == null ? new Uploads(0, 0) : uploads;
        downloads = downloads == null ? new Downloads(0, 0) : downloads;
        pages = pages == null ? List.of() : List.copyOf(pages);
        actionRuns = actionRuns == null ? new ActionRuns(0, 0, 0) : actionRuns;
    }

    /** Execute requests with this {@code X-Cxbridge-Request-Id} answered with this status (0: dropped). */
    public long executions(String requestId, int status) {
        return executionsByStatus.getOrDefault(requestId, Map.of()).getOrDefault(status, 0L);
    }

    /** External API calls with this {@code Idempotency-Key} ({@link #NO_REQUEST_ID} for those without). */
    public long externalCalls(String idempotencyKey) {
        return externalCallsByKey.getOrDefault(idempotencyKey, 0L);
    }

    /** Listing pages served on a path, whatever their query. */
    public long pages(String path) {
        return pages.stream()
                .filter(p -> p.path().equals(path))
                .mapToLong(PageCount::count)
                .sum();
    }

    /** Listing pages served on a path with exactly this raw query string. */
    public long pages(String path, String query) {
        return pages.stream()
                .filter(p -> p.path().equals(path) && p.query().equals(query))
                .mapToLong(PageCount::count)
                .sum();
    }

    /** Requests of a method and path, whatever their status. */
    public long requests(String method, String path) {
        return requests.stream()
                .filter(r -> r.method().equalsIgnoreCase(method) && r.path().equals(path))
                .mapToLong(RequestCount::count)
                .sum();
    }

    public long requests(String method, String path, int status) {
        return requests.stream()
                .filter(r -> r.method().equalsIgnoreCase(method) && r.path().equals(path) && r.status() == status)
                .mapToLong(RequestCount::count)
                .sum();
    }

    public long executions(String requestId) {
        return executions.getOrDefault(requestId, 0L);
    }

    public long callbacks(String fulfillmentId) {
        return callbacks.getOrDefault(fulfillmentId, 0L);
    }

    public long duplicateCallbacks(String fulfillmentId) {
        return duplicateCallbacks.getOrDefault(fulfillmentId, 0L);
    }
}
