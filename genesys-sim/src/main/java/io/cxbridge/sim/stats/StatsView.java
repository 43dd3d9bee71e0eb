package io.cxbridge.sim.stats;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** The exact JSON of {@code GET /sim/stats}. */
@JsonPropertyOrder({
    "tokenRequests",
    "requestsTotal",
    "requests",
    "executions",
    "callbacks",
    "duplicateCallbacks",
    "externalCalls",
    "externalMaxConcurrent",
    "executionsByStatus",
    "externalCallsByKey",
    "uploads",
    "downloads",
    "pages",
    "actionRuns"
})
public record StatsView(
        long tokenRequests,
        long requestsTotal,
        List<RequestCount> requests,
        Map<String, Long> executions,
        Map<String, Long> callbacks,
        Map<String, Long> duplicateCallbacks,
        long externalCalls,
        int externalMaxConcurrent,
        Map<String, Map<Integer, Long>> executionsByStatus,
        Map<String, Long> externalCallsByKey,
        Uploads uploads,
        Downloads downloads,
        List<PageCount> pages,
        ActionRuns actionRuns) {

    /** Requests grouped by method, path (without query) and status; status 0 means the connection was dropped. */
    @JsonPropertyOrder({"method", "path", "status", "count"})
    public record RequestCount(String method, String path, int status, long count) {}

    /** Uploads whose body ended normally, and those whose connection closed or was reset before the end. */
    @JsonPropertyOrder({"completed", "aborted"})
    public record Uploads(long completed, long aborted) {}

    /** Downloads written to the end, and those whose client went away first. */
    @JsonPropertyOrder({"completed", "cancelled"})
    public record Downloads(long completed, long cancelled) {}

    /** Listing pages served, by path and raw query string ("" without one). */
    @JsonPropertyOrder({"path", "query", "count"})
    public record PageCount(String path, String query, long count) {}

    /** How {@code POST /sim/actions/run} calls ended. */
    @JsonPropertyOrder({"success", "error", "timeout"})
    public record ActionRuns(long success, long error, long timeout) {}
}
