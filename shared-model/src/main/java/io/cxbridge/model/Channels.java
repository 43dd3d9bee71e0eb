package io.cxbridge.model;

/**
 * SmallRye Reactive Messaging channel names. Outgoing and incoming channels of one topic have
 * different names: SmallRye would otherwise wire them together in memory and skip the broker.
 */
public final class Channels {

    public static final String AUDIT_OUT = "audit-out";

    public static final String FAILED_RUNS_OUT = "failed-runs-out";
    public static final String FAILED_RUNS_IN = "failed-runs-in";
    public static final String FAILED_RUNS_DLQ_OUT = "failed-runs-dlq-out";
    public static final String RETRY_STATE_OUT = "retry-state-out";

    public static final String FULFILLMENT_JOBS_OUT = "fulfillment-jobs-out";
    public static final String FULFILLMENT_JOBS_IN = "fulfillment-jobs-in";
    public static final String FULFILLMENT_JOBS_DLQ_OUT = "fulfillment-jobs-dlq-out";

    public static final String RETENTION_REQUESTS_OUT = "retention-requests-out";
    public static final String RETENTION_REQUESTS_IN = "retention-requests-in";
    public static final String RETENTION_REQUESTS_DLQ_OUT = "retention-requests-dlq-out";
    public static final String RETENTION_STATE_OUT = "retention-state-out";

    public static final String DIRECTORY_INVALIDATIONS_OUT = "directory-invalidations-out";
    public static final String DIRECTORY_INVALIDATIONS_IN = "directory-invalidations-in";
    public static final String DIRECTORY_UPDATES_OUT = "directory-updates-out";

    private Channels() {}
}
