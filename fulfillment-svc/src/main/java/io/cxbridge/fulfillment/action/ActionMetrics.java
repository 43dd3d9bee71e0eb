package io.cxbridge.fulfillment.action;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The Data Action endpoint's meters (Prometheus names), per action:
 * {@code cxbridge_action_answer_seconds{action,outcome}} (answer time; outcome {@code ok}, {@code hit}, {@code stale}
 * or the error code), {@code cxbridge_action_cache_total{action,result}} (hit, stale, miss),
 * {@code cxbridge_action_attempts_total{action,result}} (ok, rejected, unavailable, timeout) and
 * {@code cxbridge_action_breaker_state{action}} (0 closed, 1 open, 2 half-open).
 */
@ApplicationScoped
public class ActionMetrics {

    private final MeterRegistry registry;

    public ActionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void register(String action, ActionBreaker breaker) {
        Gauge.builder("cxbridge.action.breaker.state", breaker, b -> b.state().ordinal())
                .description("the action's circuit breaker: 0 closed, 1 open, 2 half-open")
                .tag("action", action)
                .register(registry);
        answered(action, "ok", Duration.ZERO, false);
        for (String result : new String[] {"hit", "stale", "miss"}) {
            cache(action, result, false);
        }
    }

    void answered(String action, String outcome, Duration took) {
        answered(action, outcome, took, true);
    }

    private void answered(String action, String outcome, Duration took, boolean record) {
        Timer timer = Timer.builder("cxbridge.action.answer")
                .tag("action", action)
                .tag("outcome", outcome)
                .description("time to answer a Data Action call, by outcome")
                .publishPercentileHistogram()
                .register(registry);
        if (record) {
            timer.record(took);
        }
    }

    void cache(String action, String result) {
        cache(action, result, true);
    }

    private void cache(String action, String result, boolean count) {
        Counter c = Counter.builder("cxbridge.action.cache")
                .tag("action", action)
                .tag("result", result)
                .description("answer cache lookups by result")
                .register(registry);
        if (count) {
            c.increment();
        }
    }

    void attempt(String action, String result) {
        Counter.builder("cxbridge.action.attempts")
                .tag("action", action)
                .tag("result", result)
                .description("external API attempts by result")
                .register(registry)
                .increment();
    }
}
