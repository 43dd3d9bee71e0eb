package io.cxbridge.model.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The body of retention-svc's webhook when the drift check finds managed policies changed or deleted outside
 * cxbridge ({@code docs/webhooks/retention-drift-webhook.schema.json}). {@code drifted} lists each policy as
 * {@code {name, policyId, change: changed|deleted, diff: [{path, before, after}]}}.
 */
public record RetentionDriftWebhookEvent(
        String event,
        String eventId,
        String target,
        int applied,
        List<Map<String, Object>> drifted,
        Instant checkedAt,
        String traceId) {

    public static final String DRIFT_DETECTED = "retention_drift_detected";
}
