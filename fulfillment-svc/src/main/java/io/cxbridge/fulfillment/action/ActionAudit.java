package io.cxbridge.fulfillment.action;

/**
 * The data of {@code io.cxbridge.action.completed}, {@code .failed} and {@code .served-stale}: never the body,
 * never a header. {@code cache} is HIT, MISS, STALE or NONE (no cache); {@code errorCode} only on failures.
 */
public record ActionAudit(
        String action,
        int status,
        long durationMs,
        int attempts,
        String cache,
        String errorCode,
        String requestId,
        String traceId) {}
