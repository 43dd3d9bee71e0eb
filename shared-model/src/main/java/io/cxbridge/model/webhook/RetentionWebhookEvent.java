package io.cxbridge.model.webhook;

import java.time.Instant;

/**
 * The body of retention-svc's webhook ({@code docs/webhooks/retention-webhook.schema.json}): a request's report
 * once it is deployed or failed. Never the service's internal state record. {@code eventId} stays the same across
 * the sender's attempts, so a receiver can drop a repeat.
 */
public record RetentionWebhookEvent(
        String event,
        String eventId,
        String requestId,
        String state,
        String jobId,
        String policyId,
        String objectType,
        Long latencyMs,
        String error,
        Instant at,
        String traceId) {

    public static final String DEPLOYED = "retention_deployed";
    public static final String FAILED = "retention_failed";
}
