package io.cxbridge.model.audit;

import java.util.List;

/** The CloudEvents {@code type} of every audit event (SPEC "Audit events"). */
public final class AuditTypes {

    public static final String GATEWAY_REQUEST = "io.cxbridge.gateway.request";

    public static final String RETRY_SUCCEEDED = "io.cxbridge.retry.succeeded";
    public static final String RETRY_ATTEMPT_FAILED = "io.cxbridge.retry.attempt-failed";
    public static final String RETRY_EXHAUSTED = "io.cxbridge.retry.exhausted";
    public static final String RETRY_DEAD_LETTERED = "io.cxbridge.retry.dead-lettered";
    public static final String RETRY_REPLAYED = "io.cxbridge.retry.replayed";

    public static final String FULFILLMENT_COMPLETED = "io.cxbridge.fulfillment.completed";
    public static final String FULFILLMENT_FAILED = "io.cxbridge.fulfillment.failed";
    public static final String FULFILLMENT_CALLBACK_FAILED = "io.cxbridge.fulfillment.callback-failed";
    public static final String FULFILLMENT_DEAD_LETTERED = "io.cxbridge.fulfillment.dead-lettered";
    public static final String FULFILLMENT_REPLAYED = "io.cxbridge.fulfillment.replayed";

    public static final String RETENTION_SUBMITTED = "io.cxbridge.retention.submitted";
    public static final String RETENTION_OVERLAP_DETECTED = "io.cxbridge.retention.overlap-detected";
    public static final String RETENTION_DEPLOYED = "io.cxbridge.retention.deployed";
    public static final String RETENTION_FAILED = "io.cxbridge.retention.failed";
    public static final String RETENTION_DRIFT_DETECTED = "io.cxbridge.retention.drift-detected";

    public static final String DIRECTORY_POPULATED = "io.cxbridge.directory.populated";
    public static final String DIRECTORY_REFRESHED = "io.cxbridge.directory.refreshed";
    public static final String DIRECTORY_INVALIDATED = "io.cxbridge.directory.invalidated";
    public static final String DIRECTORY_CONSISTENCY_MISMATCH = "io.cxbridge.directory.consistency-mismatch";

    public static final String ACTION_COMPLETED = "io.cxbridge.action.completed";
    public static final String ACTION_FAILED = "io.cxbridge.action.failed";
    public static final String ACTION_SERVED_STALE = "io.cxbridge.action.served-stale";

    public static final List<String> ALL = List.of(
            GATEWAY_REQUEST,
            RETRY_SUCCEEDED,
            RETRY_ATTEMPT_FAILED,
            RETRY_EXHAUSTED,
            RETRY_DEAD_LETTERED,
            RETRY_REPLAYED,
            FULFILLMENT_COMPLETED,
            FULFILLMENT_FAILED,
            FULFILLMENT_CALLBACK_FAILED,
            FULFILLMENT_DEAD_LETTERED,
            FULFILLMENT_REPLAYED,
            RETENTION_SUBMITTED,
            RETENTION_OVERLAP_DETECTED,
            RETENTION_DEPLOYED,
            RETENTION_FAILED,
            RETENTION_DRIFT_DETECTED,
            DIRECTORY_POPULATED,
            DIRECTORY_REFRESHED,
            DIRECTORY_INVALIDATED,
            DIRECTORY_CONSISTENCY_MISMATCH,
            ACTION_COMPLETED,
            ACTION_FAILED,
            ACTION_SERVED_STALE);

    private AuditTypes() {}
}
