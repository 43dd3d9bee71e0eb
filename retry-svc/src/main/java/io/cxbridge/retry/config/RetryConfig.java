package io.cxbridge.retry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

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

    /**
     * How often the due set is polled while runs are due now (one script reads them and when the next is due): the
     * shortest time between two polls.
     */
    @WithDefault("100ms")
    Duration pollInterval();

    /**
     * The longest the poll loop sleeps when no run is due soon. It wakes for the earliest scheduled run, when this
     * instance schedules one earlier or has rebuilt Redis, and polls every {@code poll-interval} while Redis is away;
     * so this bounds only how late a run starts that another replica scheduled and then could not run (it stopped).
     */
    @WithDefault("5s")
    Duration idlePollInterval();

    /** Due runs taken per scheduler tick. */
    @WithDefault("20")
    int batchSize();

    /** A claimed run whose attempt never finished (the instance died) becomes due again after this lease. */
    @WithDefault("60s")
    Duration claimLease();

    /**
     * Wait before the first resubmission of a newly consumed run when longer than the backoff's step for its
     * incoming {@code attempt} (step 0 is {@code backoff.base}). A benchmark sets it long (e.g. 1h) to hold many
     * runs pending in Redis without calling Genesys.
     */
    @WithDefault("0s")
    Duration initialDelay();

    /**
     * Runs admitted into the schedule (pending in Redis) at most; beyond it the consumer is held and the backlog
     * waits in Kafka (consumer lag).
     */
    @WithDefault("100000")
    int maxPending();

    /** A failed-run record larger than this (its value, in bytes) is dead-lettered as invalid. */
    @WithDefault("1048576")
    int maxRecordBytes();

    /**
     * The largest run state (its journal record, in bytes) retry-svc writes; below the {@code retry-state-out}
     * producer's {@code max.request.size} (1 MiB) with room for the record's key and headers. The state keeps the
     * payload twice (the run and the consumed value), so a run is refused at intake (dead-lettered as invalid) when
     * its state, with room for {@code max-attempts} attempts and an error, would be larger: in practice a value over
     * about 480 KiB.
     */
    @WithDefault("1000000")
    int maxStateBytes();

    /** How long reading a topic for a Redis rebuild may take before the rebuild is retried. */
    @WithDefault("5m")
    Duration rebuildTimeout();

    /** Resubmissions in flight at once in this instance; the rest waits in Redis (and in Kafka while paused). */
    @WithDefault("64")
    int maxInFlight();

    /**
     * Records of one poll worked at once by the consumer (each waits for its journal write and Redis): one at a time
     * tops out at a few hundred runs a second. Runs with the same requestId still go one after the other.
     */
    @WithDefault("32")
    int intakeConcurrency();

    /** How often the pending gauge (due-set size) and the consumer-lag gauge are refreshed. */
    @WithDefault("5s")
    Duration gaugeInterval();

    /**
     * A run still waiting this long after its due time is late ({@code cxbridge_retry_overdue}): the instances do
     * not keep up, or the due-set poller stalled.
     */
    @WithDefault("30s")
    Duration lateAfter();

    /** On shutdown, how long in-flight resubmissions are given to finish before the process goes on stopping. */
    @WithDefault("15s")
    Duration shutdownGrace();

    /** Optional webhook for {@code retry_success} and {@code retry_exhausted}; none when unset. */
    Optional<String> webhookUrl();

    /** HMAC-SHA256 secret of the webhook signature; required when {@code webhook-url} is set. */
    Optional<String> webhookSecret();

    /**
     * Timeout of each delivery attempt; a webhook is tried at most 3 times (genesys-client's
     * {@code WebhookSender}).
     */
    @WithDefault("3s")
    Duration webhookTimeout();

    /** How long a replay waits for the broker to take the republished record before it answers 503. */
    @WithDefault("5s")
    Duration replayPublishTimeout();

    /** How long a dead letter stays listed and replayable (the DLQ topic's retention). */
    @WithDefault("30d")
    Duration dlqTtl();

    Backoff backoff();

    Breaker breaker();

    /** Circuit breakers, one per actionId, and the global one. */
    interface Breaker {
        /** Consecutive failures (408, 5xx, no answer) of one action that open its breaker. */
        @WithDefault("3")
        int failureThreshold();

        /** How long an open action breaker holds that action's runs before one probe goes through. */
        @WithDefault("15s")
        Duration halfOpenAfter();

        /** While a probe is out, the action's other due runs are looked at again after this long. */
        @WithDefault("1s")
        Duration probeWait();

        Global global();
    }

    /**
     * The global breaker opens when at least {@code min-open-actions} action breakers opened within {@code window}
     * and they are at least {@code open-ratio} of the actions attempted within {@code window} (an outage), or after
     * {@code token-failure-threshold} token fetches in a row failed (bad credentials, login host down). While open,
     * intake is paused and nothing is resubmitted; after {@code half-open-after} one probe run goes; its success
     * closes it.
     */
    interface Global {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("3")
        int minOpenActions();

        @WithDefault("0.5")
        double openRatio();

        @WithDefault("60s")
        Duration window();

        /** How long the open global breaker holds every run before one probe goes through. */
        @WithDefault("15s")
        Duration halfOpenAfter();

        @WithDefault("3")
        int tokenFailureThreshold();
    }

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
