package io.cxbridge.fulfillment.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * fulfillment-svc's own meters (Prometheus names): {@code cxbridge_fulfillment_jobs_in_flight} (gauge),
 * {@code cxbridge_fulfillment_external_latency_seconds{outcome}} and
 * {@code cxbridge_fulfillment_callback_latency_seconds{outcome}} (timers, one sample per attempt) and
 * {@code cxbridge_fulfillment_jobs_total{outcome}} (complete, failed, dead-lettered, callback-failed, skipped).
 */
@ApplicationScoped
public class FulfillmentMetrics {

    public static final String COMPLETE = "complete";
    public static final String FAILED = "failed";
    public static final String DEAD_LETTERED = "dead-lettered";
    public static final String CALLBACK_FAILED = "callback-failed";
    public static final String SKIPPED = "skipped";

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong inFlightBytes = new AtomicLong();

    public FulfillmentMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("cxbridge.fulfillment.jobs.in.flight", inFlight, AtomicInteger::get)
                .description("fulfillment jobs being worked by this instance")
                .register(registry);
        Gauge.builder("cxbridge.fulfillment.jobs.in.flight.bytes", inFlightBytes, AtomicLong::get)
                .description(
                        "bytes of the job records being worked by this instance (cxbridge.fulfillment.in-flight-bytes)")
                .baseUnit("bytes")
                .register(registry);
        for (String outcome : new String[] {COMPLETE, FAILED, DEAD_LETTERED, CALLBACK_FAILED, SKIPPED}) {
            outcome(outcome); // registered at start so every series is visible at 0
        }
        externalTimer("ok");
        callbackTimer("ok");
        ackToPostTimer(COMPLETE);
        ackToPostTimer(FAILED);
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }

    public AtomicLong inFlightBytes() {
        return inFlightBytes;
    }

    private Counter outcome(String outcome) {
        return Counter.builder("cxbridge.fulfillment.jobs")
                .tag("outcome", outcome)
                .description("fulfillment jobs by how they ended")
                .register(registry);
    }

    public void jobEnded(String outcome) {
        outcome(outcome).increment();
    }

    /** One external API attempt; outcome {@code ok}, {@code http-error}, {@code timeout} or {@code unreachable}. */
    public void externalAttempt(Duration took, String outcome) {
        externalTimer(outcome).record(took);
    }

    /** One post of a result; outcome {@code ok}, {@code http-error} or {@code unreachable}. */
    public void callbackAttempt(Duration took, String outcome) {
        callbackTimer(outcome).record(took);
    }

    /**
     * A result ({@code complete} or {@code failed}) posted: the time since the gateway acknowledged the job
     * ({@code receivedAt}), what the flow waiting on the fulfillment URL sees.
     */
    private static final Duration MAX_SAMPLE = Duration.ofDays(365);

    public void resultPosted(Duration sinceAck, String outcome) {
        // saturated: receivedAt comes from the record, and a Duration past ~292 years overflows toNanos
        Duration d = sinceAck.isNegative() ? Duration.ZERO : sinceAck.compareTo(MAX_SAMPLE) > 0 ? MAX_SAMPLE : sinceAck;
        ackToPostTimer(outcome).record(d);
    }

    private Timer ackToPostTimer(String outcome) {
        return Timer.builder("cxbridge.fulfillment.ack.to.post")
                .tag("outcome", outcome)
                .description("from the gateway's 202 to the result posted")
                .publishPercentileHistogram()
                .register(registry);
    }

    private Timer externalTimer(String outcome) {
        return Timer.builder("cxbridge.fulfillment.external.latency")
                .tag("outcome", outcome)
                .description("external API attempts")
                .publishPercentileHistogram()
                .register(registry);
    }

    private Timer callbackTimer(String outcome) {
        return Timer.builder("cxbridge.fulfillment.callback.latency")
                .tag("outcome", outcome)
                .description("result posts to fulfillment URLs")
                .publishPercentileHistogram()
                .register(registry);
    }
}
