package io.cxbridge.retry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code cxbridge.retry.*}: defaults are the spec's. */
@ConfigMapping(prefix = "cxbridge.retry")
public interface RetryConfig {

    /** The Data Action execute endpoint; {actionId} is replaced. */
    @WithDefault("/api/v2/integrations/actions/{actionId}/execute")
    String executePath();

    /** Resubmissions of one run before it is dead-lettered as exhausted. */
    @WithDefault("5")
    int maxAttempts();

    /** Redis key prefix for run state and the due set. */
    @WithDefault("cxbridge:retry")
    String keyPrefix();

    /** How long a finished run (succeeded or dead-lettered) is remembered: a redelivery inside it is skipped. */
    @WithDefault("24h")
    Duration doneTtl();

    /** How long a pending run's state is kept (the source topic's retention). */
    @WithDefault("7d")
    Duration pendingTtl();

    /** How often the due set is polled (read by the scheduler as {@code ${cxbridge.retry.poll-interval}}). */
    @WithDefault("500ms")
    Duration pollInterval();

    /** Due runs taken per scheduler tick. */
    @WithDefault("20")
    int batchSize();

    /** A claimed run whose attempt never finished (the instance died) becomes due again after this lease. */
    @WithDefault("60s")
    Duration claimLease();

    Backoff backoff();

    interface Backoff {
        @WithDefault("1s")
        Duration base();

        @WithDefault("2")
        double factor();

        @WithDefault("30s")
        Duration max();

        @WithDefault("0.1")
        double jitter();
    }
}
