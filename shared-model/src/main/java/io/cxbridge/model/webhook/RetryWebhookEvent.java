package io.cxbridge.model.webhook;

import java.time.Instant;

/**
 * The body of retry-svc's webhook ({@code docs/webhooks/retry-webhook.schema.json}): a run's final outcome.
 * {@code eventId} stays the same across the sender's attempts, so a receiver can drop a repeat.
 */
public record RetryWebhookEvent(
        String event,
        String eventId,
        String requestId,
        String actionId,
        String originalRunId,
        int attempts,
        Integer lastStatus,
        Instant at,
        String traceId) {

    public static final String SUCCESS = "retry_success";
    public static final String EXHAUSTED = "retry_exhausted";
}
