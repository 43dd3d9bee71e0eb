package io.cxbridge.retry.metrics;

import io.cxbridge.retry.breaker.Breakers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * retry-svc's meters (Prometheus names): {@code cxbridge_retry_attempts_total{outcome}},
 * {@code cxbridge_retry_successes_total}, {@code cxbridge_retry_exhausted_total},
 * {@code cxbridge_retry_dead_lettered_total{reason}} (invalid | rejected | exhausted),
 * {@code cxbridge_retry_deferred_total{cause}} (action | global | client: waits that spent no attempt),
 * {@code cxbridge_retry_replayed_total}, {@code cxbridge_retry_webhook_failures_total},
 * gauges {@code cxbridge_retry_breakers_open}, {@code cxbridge_retry_global_breaker_open},
 * {@code cxbridge_retry_intake_paused}, {@code cxbridge_retry_in_flight}, {@code cxbridge_retry_pending},
 * {@code cxbridge_retry_consumer_lag}, and the timer {@code cxbridge_retry_submit_latency_seconds}.
 */
@Singleton
public class RetryMetrics {

    private final MeterRegistry registry;
    private final Counter successes;
    private final Counter exhausted;
    private final Counter replayed;
    private final Counter webhookFailures;
    private final Timer submitLatency;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong consumerLag = new AtomicLong();
    private final AtomicLong overdue = new AtomicLong();
    private final AtomicInteger intakePaused = new AtomicInteger();

    public RetryMetrics(MeterRegistry registry, Breakers breakers) {
        this.registry = registry;
        this.successes = Counter.builder("cxbridge.retry.successes")
                .description("runs that succeeded on a resubmission")
                .register(registry);
        this.exhausted = Counter.builder("cxbridge.retry.exhausted")
                .description("runs dead-lettered after max-attempts")
                .register(registry);
        this.replayed = Counter.builder("cxbridge.retry.replayed")
                .description("dead letters replayed")
                .register(registry);
        this.webhookFailures = Counter.builder("cxbridge.retry.webhook.failures")
                .description("webhook posts not accepted (timeout, error, non-2xx)")
                .register(registry);
        this.submitLatency = Timer.builder("cxbridge.retry.submit.latency")
                .description("time of one resubmission to Genesys, sent to answered")
                .register(registry);
        Gauge.builder("cxbridge.retry.breakers.open", breakers, Breakers::openCount)
                .description("action circuit breakers open (or half-open, waiting for their probe)")
                .register(registry);
        Gauge.builder("cxbridge.retry.global.breaker.open", breakers, b -> b.globalOpen() ? 1 : 0)
                .description("1 while the global breaker is open (intake paused)")
                .register(registry);
        Gauge.builder("cxbridge.retry.intake.paused", intakePaused, AtomicInteger::get)
                .description("1 while the failed-runs consumer is paused")
                .register(registry);
        Gauge.builder("cxbridge.retry.in.flight", inFlight, AtomicInteger::get)
                .description("resubmissions in flight in this instance")
                .register(registry);
        Gauge.builder("cxbridge.retry.pending", pending, AtomicLong::get)
                .description("runs waiting in the Redis due set (all instances)")
                .register(registry);
        Gauge.builder("cxbridge.retry.overdue", overdue, AtomicLong::get)
                .description("runs still waiting late-after past their due time (all instances)")
                .register(registry);
        Gauge.builder("cxbridge.retry.consumer.lag", consumerLag, AtomicLong::get)
                .description("records of the failed-runs topic not yet committed by the retry-svc group")
                .register(registry);
        // Registered up front so the series exist before the first event.
        for (String outcome : new String[] {"success", "failed", "rejected"}) {
            attempts(outcome);
        }
        for (String reason : new String[] {"invalid", "rejected", "exhausted"}) {
            deadLettered(reason);
        }
    }

    /** One resubmission sent: {@code success}, {@code failed} (retryable) or {@code rejected} (final 4xx). */
    public Counter attempts(String outcome) {
        return registry.counter("cxbridge.retry.attempts", "outcome", outcome);
    }

    public Counter deadLettered(String reason) {
        return registry.counter("cxbridge.retry.dead.lettered", "reason", reason);
    }

    public Counter deferred(String cause) {
        return registry.counter("cxbridge.retry.deferred", "cause", cause);
    }

    public Counter successes() {
        return successes;
    }

    public Counter exhausted() {
        return exhausted;
    }

    public Counter replayed() {
        return replayed;
    }

    public Counter webhookFailures() {
        return webhookFailures;
    }

    public void recordSubmit(Duration d) {
        submitLatency.record(d);
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }

    public void pending(long n) {
        pending.set(n);
    }

    public void overdue(long n) {
        overdue.set(n);
    }

    public void consumerLag(long n) {
        consumerLag.set(n);
    }

    public void intakePaused(boolean paused) {
        intakePaused.set(paused ? 1 : 0);
    }
}
