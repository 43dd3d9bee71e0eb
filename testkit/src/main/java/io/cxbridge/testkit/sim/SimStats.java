package io.cxbridge.testkit.sim;

import java.util.List;
import java.util.Map;

/** {@code GET /sim/stats} of genesys-sim, with helpers for the usual questions. */
public record SimStats(long tokenRequests, long requestsTotal, List<RequestCount> requests,
                       Map<String, Long> executions, Map<String, Long> callbacks,
                       Map<String, Long> duplicateCallbacks, long externalCalls, long externalMaxConcurrent) {

    /** The key of {@code executions} for requests without an {@code X-Cxbridge-Request-Id} header. */
    public static final String NO_REQUEST_ID = "(none)";

    /** Requests of one method, path (without query) and status; status 0: the connection was dropped. */
    public record RequestCount(String method, String path, int status, long count) {
    }

    public SimStats {
        requests = requests == null ? List.of() : List.copyOf(requests);
        executions = executions == null ? Map.of() : Map.copyOf(executions);
        callbacks = callbacks == null ? Map.of() : Map.copyOf(callbacks);
        duplicateCallbacks = duplicateCallbacks == null ? Map.of() : Map.copyOf(duplicateCallbacks);
    }

    /** Requests of a method and path, whatever their status. */
    public long requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equalsIgnoreCase(method) && r.path().equals(path))
                .mapToLong(RequestCount::count).sum();
    }

    public long requests(String method, String path, int status) {
        return requests.stream().filter(r -> r.method().equalsIgnoreCase(method) && r.path().equals(path)
                && r.status() == status).mapToLong(RequestCount::count).sum();
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
