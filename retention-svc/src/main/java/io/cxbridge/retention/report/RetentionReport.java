package io.cxbridge.retention.report;

import io.cxbridge.retention.state.RequestStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report, computed from the counters the API and the worker record in Redis as requests are queued and
 * finish (shared by every replica): nothing in it is a fixed value.
 */
@ApplicationScoped
public class RetentionReport {

    static final List<String> COUNTERS = List.of("submitted", "deployed", "failed", "conflicts", "latencySumMs");

    private final RequestStore store;

    public RetentionReport(RequestStore store) {
        this.store = store;
    }

    public Uni<Void> submitted() {
        return store.count(Map.of("submitted", 1L));
    }

    public Uni<Map<String, Object>> compute() {
        return store.counters(COUNTERS).map(RetentionReport::of);
    }

    static Map<String, Object> of(Map<String, Long> c) {
        long total = c.get("submitted");
        long deployed = c.get("deployed");
        long failed = c.get("failed");
        long finished = deployed + failed;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("totalRequests", total);
        out.put("deployed", deployed);
        out.put("failed", failed);
        out.put("inFlight", Math.max(0, total - finished));
        out.put("conflicts", c.get("conflicts"));
        out.put("successRate", ratio(deployed, finished));
        out.put("conflictRate", ratio(c.get("conflicts"), finished));
        out.put("averageLatencyMs", finished == 0 ? null : c.get("latencySumMs") / finished);
        return out;
    }

    static Double ratio(long part, long whole) {
        return whole == 0
                ? null
                : BigDecimal.valueOf(part)
                        .divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP)
                        .doubleValue();
    }
}
