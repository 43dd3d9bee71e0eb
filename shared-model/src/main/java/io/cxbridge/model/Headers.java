package io.cxbridge.model;

/** Kafka and HTTP header names of the contract. */
public final class Headers {

    /** Dead-letter record headers (SPEC "Kafka topics"). */
    public static final String ERROR_CLASS = "cxbridge-error-class";

    public static final String ERROR_REASON = "cxbridge-error-reason";
    public static final String ATTEMPTS = "cxbridge-attempts";
    public static final String FIRST_SEEN = "cxbridge-first-seen";

    /** On a failed run republished by a DLQ replay: the instant of the replay (lets it pass its dedupe mark once). */
    public static final String REPLAYED_AT = "cxbridge-replayed-at";
    /** Optional on a source record: the payload's schema version; absent means 1, the only one known. */
    public static final String SCHEMA_VERSION = "cxbridge-schema-version";
    /** On a dead-letter record: the id of its DLQ entry (the requestId, or one derived for an invalid record). */
    public static final String DLQ_ID = "cxbridge-dlq-id";

    public static final String REQUEST_ID = "X-Cxbridge-Request-Id";
    public static final String ATTEMPT = "X-Cxbridge-Attempt";
    public static final String ASYNC_RETRY = "X-Cxbridge-Async-Retry";
    public static final String SIGNATURE = "X-Cxbridge-Signature";
    public static final String TRACEPARENT = "traceparent";

    private Headers() {}
}
