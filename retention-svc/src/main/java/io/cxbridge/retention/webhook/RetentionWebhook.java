package io.cxbridge.retention.webhook;

import io.cxbridge.genesys.webhook.WebhookSender;
import io.cxbridge.genesys.webhook.WebhookTarget;
import io.cxbridge.model.webhook.RetentionDriftWebhookEvent;
import io.cxbridge.model.webhook.RetentionWebhookEvent;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestState;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The optional webhook ({@code cxbridge.retention.webhook.url}): a {@link RetentionWebhookEvent} when a request is
 * deployed or failed, through genesys-client's {@link WebhookSender}. The body is the documented report, never the
 * request's state record. Sent after the outcome is stored, in the background: it never blocks or fails the work.
 */
// Created first at start-up: a URL without a secret stops start-up (the constructor throws, naming the property).
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@ApplicationScoped
public class RetentionWebhook {

    private final WebhookSender sender;
    private final Clock clock;
    private final Optional<WebhookTarget> target;

    public RetentionWebhook(RetentionConfig config, WebhookSender sender, Clock clock) {
        this.sender = sender;
        this.clock = clock;
        this.target = WebhookTarget.of(
                "retention",
                "cxbridge.retention.webhook.url",
                config.webhook().url(),
                "cxbridge.retention.webhook.secret",
                config.webhook().secret(),
                config.webhook().timeout());
    }

    /** Posts the report of a finished request in the background; returns at once. */
    public void notify(RequestRecord done, String traceId) {
        target.ifPresent(t -> sender.send(
                t,
                new RetentionWebhookEvent(
                        done.state() == RequestState.deployed
                                ? RetentionWebhookEvent.DEPLOYED
                                : RetentionWebhookEvent.FAILED,
                        UUID.randomUUID().toString(),
                        done.requestId(),
                        done.state().name(),
                        done.jobId(),
                        done.policyId(),
                        done.objectType(),
                        done.latencyMs(),
                        done.error(),
                        clock.instant(),
                        traceId)));
    }

    /** Posts a drift report (managed policies changed or deleted outside cxbridge) in the background. */
    public void notifyDrift(String checked, int applied, List<Map<String, Object>> drifted, String traceId) {
        target.ifPresent(t -> sender.send(
                t,
                new RetentionDriftWebhookEvent(
                        RetentionDriftWebhookEvent.DRIFT_DETECTED,
                        UUID.randomUUID().toString(),
                        checked,
                        applied,
                        drifted,
                        clock.instant(),
                        traceId)));
    }
}
