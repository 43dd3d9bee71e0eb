package io.cxbridge.retry.worker;

import io.cxbridge.common.messaging.ConsumerHolds;
import io.cxbridge.model.Channels;
import io.cxbridge.retry.metrics.RetryMetrics;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Pauses and resumes the failed-runs consumer for retry-svc's own reasons (the global breaker, a full schedule) as
 * named holds of {@link ConsumerHolds}, which also holds it while Kafka or Redis is away or Redis is rebuilt: paused,
 * no new record is taken from Kafka, the backlog waits there uncommitted, and consumer lag grows (a metric).
 */
@ApplicationScoped
public class Intake {

    /** Hold names. */
    public static final String BREAKER = "breaker";

    public static final String FULL = "max-pending";

    private final ConsumerHolds holds;
    private final RetryMetrics metrics;

    public Intake(ConsumerHolds holds, RetryMetrics metrics) {
        this.holds = holds;
        this.metrics = metrics;
    }

    /** Holds ({@code true}) or releases the consumer for the global breaker; nothing when it already is so. */
    public void paused(boolean paused, String why) {
        held(BREAKER, paused, why);
    }

    /** Holds or releases the consumer under {@code hold}. */
    public void held(String hold, boolean held, String why) {
        holds.set(Channels.FAILED_RUNS_IN, hold, held, why);
        metrics.intakePaused(isPaused());
    }

    public boolean isPaused() {
        return holds.held(Channels.FAILED_RUNS_IN);
    }
}
