package io.cxbridge.retry.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.genesys.webhook.WebhookSender;
import io.cxbridge.model.Json;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.metrics.RetryMetrics;
import io.cxbridge.model.retry.RunRecord;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The optional webhook ({@code cxbridge.retry.webhook-url}): {@code retry_success} and {@code retry_exhausted}, a
 * signed JSON POST through genesys-client's {@link WebhookSender} with {@code webhook-timeout} (3 s). It is posted
 * after the outcome is stored and never holds the work up: its failure is logged and counted
 * ({@code cxbridge_retry_webhook_failures_total}). At most once per outcome (a crash right after the outcome was
 * stored loses the post).
 */
@ApplicationScoped
public class RetryWebhook {

    private static final Logger LOG = Logger.getLogger(RetryWebhook.class);

    public static final String SUCCESS = "retry_success";
    public static final String EXHAUSTED = "retry_exhausted";

    private final RetryConfig config;
    private final WebhookSender sender;
    private final RetryMetrics metrics;
    private final Clock clock;

    public RetryWebhook(RetryConfig config, WebhookSender sender, RetryMetrics metrics, Clock clock) {
        this.config = config;
        this.sender = sender;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A webhook URL without a secret cannot be signed: refuse to start rather than post unsigned. */
    void check(@Observes StartupEvent start) {
        if (config.webhookUrl().isPresent() && config.webhookSecret().filter(s -> !s.isBlank()).isEmpty()) {
            throw new IllegalStateException("cxbridge.retry.webhook-url is set but cxbridge.retry.webhook-secret is "
                    + "not: webhooks are signed");
        }
    }

    /** Posts the event in the background; returns at once. */
    public void notify(String event, RunRecord run) {
        if (config.webhookUrl().isEmpty()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("requestId", run.requestId());
        body.put("actionId", run.actionId());
        body.put("originalRunId", run.run() == null ? null : run.run().originalRunId());
        body.put("attempts", run.attempts());
        body.put("lastStatus", run.lastStatus());
        body.put("at", clock.instant().toString());
        body.put("traceId", run.run() == null ? null : run.run().traceId());
        String json;
        try {
            json = Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Uni.createFrom().deferred(() -> sender.post(config.webhookUrl().get(), config.webhookSecret().orElse(""), json,
                        config.webhookTimeout()))
                .onFailure().recoverWithItem(false)
                .subscribe().with(ok -> {
                    if (!ok) {
                        metrics.webhookFailures().increment();
                        LOG.warnf("%s webhook for run %s was not delivered", event, run.requestId());
                    }
                });
    }
}
