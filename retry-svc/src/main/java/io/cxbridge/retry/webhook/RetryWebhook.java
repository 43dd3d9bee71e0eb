package io.cxbridge.retry.webhook;

import io.cxbridge.genesys.webhook.WebhookSender;
import io.cxbridge.genesys.webhook.WebhookTarget;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.webhook.RetryWebhookEvent;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.metrics.RetryMetrics;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * The optional webhook ({@code cxbridge.retry.webhook-url}): a {@link RetryWebhookEvent} ({@code retry_success},
 * {@code retry_exhausted}) through genesys-client's {@link WebhookSender}, each attempt within {@code webhook-timeout}
 * (3 s). It is posted after the outcome is stored and never holds the work up: a failed delivery is logged and
 * counted ({@code cxbridge_retry_webhook_failures_total}). A crash right after the outcome was stored loses the post.
 */
// Created first at start-up: a URL without a secret stops start-up (the constructor throws, naming the property).
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@ApplicationScoped
public class RetryWebhook {

    public static final String SUCCESS = RetryWebhookEvent.SUCCESS;
    public static final String EXHAUSTED = RetryWebhookEvent.EXHAUSTED;

    private final WebhookSender sender;
    private final RetryMetrics metrics;
    private final Clock clock;
    private final Optional<WebhookTarget> target;

    public RetryWebhook(RetryConfig config, WebhookSender sender, RetryMetrics metrics, Clock clock) {
        this.sender = sender;
        this.metrics = metrics;
        this.clock = clock;
        this.target = WebhookTarget.of(
                "retry",
                "cxbridge.retry.webhook-url",
                config.webhookUrl(),
                "cxbridge.retry.webhook-secret",
                config.webhookSecret(),
                config.webhookTimeout());
    }

    /** Posts the event in the background; returns at once. */
    public void notify(String event, RunRecord run) {
        if (target.isEmpty()) {
            return;
        }
        RetryWebhookEvent body = new RetryWebhookEvent(
                event,
                UUID.randomUUID().toString(),
                run.requestId(),
                run.actionId(),
                run.run() == null ? null : run.run().originalRunId(),
                run.attempts(),
                run.lastStatus(),
                clock.instant(),
                run.run() == null ? null : run.run().traceId());
        sender.deliver(target.get(), body).subscribe().with(ok -> {
            if (!ok) {
                metrics.webhookFailures().increment();
            }
        });
    }
}
