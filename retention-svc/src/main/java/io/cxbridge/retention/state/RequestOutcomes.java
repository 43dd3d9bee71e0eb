package io.cxbridge.retention.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code cxbridge_retention_requests_total{outcome}}: retention requests finished, by outcome ({@code deployed},
 * {@code failed}), counted when the outcome is recorded. Both series exist from start-up at 0, so an alert on the
 * first failure sees it.
 */
@ApplicationScoped
@Startup // made at start-up, not on the first request: the series exist before anything happened
public class RequestOutcomes {

    private final Map<RequestState, Counter> counters = new EnumMap<>(RequestState.class);

    public RequestOutcomes(MeterRegistry registry) {
        for (RequestState state : RequestState.TERMINAL) {
            counters.put(
                    state,
                    Counter.builder("cxbridge.retention.requests")
                            .description("Retention requests finished, by outcome")
                            .tag("outcome", state.name())
                            .register(registry));
        }
    }

    /** Counts a request that reached {@code state}; a state that is not an outcome counts nothing. */
    public void finished(RequestState state) {
        Counter c = counters.get(state);
        if (c != null) {
            c.increment();
        }
    }
}
