package io.cxbridge.model;

import java.time.Duration;
import java.util.List;

/** Every Kafka topic of the contract, with its retention (SPEC "Kafka topics"). */
public final class Topics {

    public static final String AUDIT = "cxbridge.audit.v1";
    public static final String FAILED_RUNS = "cxbridge.dataactions.failed-runs.v1";
    public static final String FAILED_RUNS_DLQ = "cxbridge.dataactions.failed-runs.dlq.v1";
    public static final String RETRY_STATE = "cxbridge.dataactions.retry-state.v1";
    public static final String FULFILLMENT_JOBS = "cxbridge.fulfillment.jobs.v1";
    public static final String FULFILLMENT_JOBS_DLQ = "cxbridge.fulfillment.jobs.dlq.v1";
    public static final String RETENTION_REQUESTS = "cxbridge.retention.requests.v1";
    public static final String RETENTION_REQUESTS_DLQ = "cxbridge.retention.requests.dlq.v1";
    /** retention-svc's journal of request states (compacted: the last state of each requestId). */
    public static final String RETENTION_STATE = "cxbridge.retention.state.v1";

    public static final String DIRECTORY_INVALIDATIONS = "cxbridge.directory.invalidations.v1";
    public static final String DIRECTORY_UPDATES = "cxbridge.directory.updates.v1";

    /**
     * A topic's name, how long the broker keeps its records and its {@code cleanup.policy} ({@code delete}, or
     * {@code compact,delete} for a journal: the latest state of each key, aged out after the retention).
     */
    public record TopicSpec(String name, Duration retention, String cleanupPolicy) {
        public static final String DELETE = "delete";
        public static final String COMPACT_DELETE = "compact,delete";
        /** A journal whose keys must outlive any retention (they are removed by a tombstone). */
        public static final String COMPACT = "compact";

        public TopicSpec(String name, Duration retention) {
            this(name, retention, DELETE);
        }

        public long retentionMs() {
            return retention.toMillis();
        }
    }

    public static final TopicSpec AUDIT_SPEC = new TopicSpec(AUDIT, Duration.ofDays(7));
    public static final TopicSpec FAILED_RUNS_SPEC = new TopicSpec(FAILED_RUNS, Duration.ofDays(7));
    public static final TopicSpec FAILED_RUNS_DLQ_SPEC = new TopicSpec(FAILED_RUNS_DLQ, Duration.ofDays(30));
    /**
     * retry-svc's journal of run states (key requestId): a run lives at most 7 days pending (the source topic's
     * retention), its dedupe mark 24 h more; 9 days keeps every state a rebuild needs.
     */
    public static final TopicSpec RETRY_STATE_SPEC =
            new TopicSpec(RETRY_STATE, Duration.ofDays(9), TopicSpec.COMPACT_DELETE);

    public static final TopicSpec FULFILLMENT_JOBS_SPEC = new TopicSpec(FULFILLMENT_JOBS, Duration.ofDays(1));
    public static final TopicSpec FULFILLMENT_JOBS_DLQ_SPEC = new TopicSpec(FULFILLMENT_JOBS_DLQ, Duration.ofDays(7));
    public static final TopicSpec RETENTION_REQUESTS_SPEC = new TopicSpec(RETENTION_REQUESTS, Duration.ofDays(7));
    public static final TopicSpec RETENTION_REQUESTS_DLQ_SPEC =
            new TopicSpec(RETENTION_REQUESTS_DLQ, Duration.ofDays(7));
    /** Compacted only: a request's last state stays until retention-svc writes its tombstone. */
    public static final TopicSpec RETENTION_STATE_SPEC =
            new TopicSpec(RETENTION_STATE, Duration.ofDays(30), TopicSpec.COMPACT);

    public static final TopicSpec DIRECTORY_INVALIDATIONS_SPEC =
            new TopicSpec(DIRECTORY_INVALIDATIONS, Duration.ofDays(1));
    public static final TopicSpec DIRECTORY_UPDATES_SPEC = new TopicSpec(DIRECTORY_UPDATES, Duration.ofDays(7));

    public static final List<TopicSpec> ALL = List.of(
            AUDIT_SPEC,
            FAILED_RUNS_SPEC,
            FAILED_RUNS_DLQ_SPEC,
            RETRY_STATE_SPEC,
            FULFILLMENT_JOBS_SPEC,
            FULFILLMENT_JOBS_DLQ_SPEC,
            RETENTION_REQUESTS_SPEC,
            RETENTION_REQUESTS_DLQ_SPEC,
            RETENTION_STATE_SPEC,
            DIRECTORY_INVALIDATIONS_SPEC,
            DIRECTORY_UPDATES_SPEC);

    /** The spec's naming rule for retry delay topics: {@code <source topic>.retry.<delay>}. */
    public static String retryTopic(String sourceTopic, Duration delay) {
        return sourceTopic + ".retry." + formatDelay(delay);
    }

    static String formatDelay(Duration delay) {
        long ms = delay.toMillis();
        if (ms <= 0) {
            throw new IllegalArgumentException("a retry delay must be positive: " + delay);
        }
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1_000 == 0) return ms / 1_000 + "s";
        return ms + "ms";
    }

    public static TopicSpec spec(String name) {
        return ALL.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a cxbridge topic: " + name));
    }

    private Topics() {}
}
