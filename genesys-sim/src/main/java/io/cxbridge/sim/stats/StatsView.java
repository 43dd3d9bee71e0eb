package io.cxbridge.sim.stats;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** The exact JSON of {@code GET /sim/stats}. */
@JsonPropertyOrder({"tokenRequests", "requestsTotal", "requests", "executions", "callbacks", "duplicateCallbacks",
        "externalCalls", "externalMaxConcurrent"})
public record StatsView(long tokenRequests, long requestsTotal, List<RequestCount> requests,
                        Map<String, Long> executions, Map<String, Long> callbacks,
                        Map<String, Long> duplicateCallbacks, long externalCalls, int externalMaxConcurrent) {

    /** Requests grouped by method, path (without query) and status; status 0 means the connection was dropped. */
    @JsonPropertyOrder({"method", "path", "status", "count"})
    public record RequestCount(String method, String path, int status, long count) {
    }
}
