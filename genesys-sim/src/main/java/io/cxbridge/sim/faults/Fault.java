package io.cxbridge.sim.faults;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** One registered fault and how often it has hit. */
public final class Fault {

    /** The JSON of a fault in {@code POST /sim/faults} answers and {@code GET /sim/faults}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({
        "id",
        "method",
        "path",
        "status",
        "count",
        "probability",
        "latencyMs",
        "retryAfter",
        "drop",
        "listing",
        "hits",
        "active"
    })
    public record View(
            String id,
            String method,
            String path,
            Integer status,
            Long count,
            Double probability,
            Long latencyMs,
            JsonNode retryAfter,
            boolean drop,
            String listing,
            long hits,
            boolean active) {}

    private final String id;
    private final FaultSpec spec;
    private final Glob glob;
    private final AtomicLong hits = new AtomicLong();

    Fault(String id, FaultSpec spec) {
        this.id = id;
        this.spec = spec;
        this.glob = new Glob(spec.path());
    }

    public String id() {
        return id;
    }

    public FaultSpec spec() {
        return spec;
    }

    boolean matches(String method, String path) {
        return (spec.method() == null || spec.method().equalsIgnoreCase(method)) && glob.matches(path);
    }

    boolean active() {
        return spec.count() == null || hits.get() < spec.count();
    }

    /** Rolls the probability and claims one hit within {@code count}; false when this fault does not fire. */
    boolean tryHit() {
        double p = spec.probability() == null ? 1.0 : spec.probability();
        if (p < 1.0 && ThreadLocalRandom.current().nextDouble() >= p) {
            return false;
        }
        if (spec.count() == null) {
            hits.incrementAndGet();
            return true;
        }
        long limit = spec.count();
        while (true) {
            long current = hits.get();
            if (current >= limit) {
                return false;
            }
            if (hits.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public View view() {
        return new View(
                id,
                spec.method(),
                spec.path(),
                spec.status(),
                spec.count(),
                spec.probability(),
                spec.latencyMs(),
                spec.retryAfterJson(),
                spec.drop(),
                spec.listing() == null ? null : spec.listing().json(),
                hits.get(),
                active());
    }
}
