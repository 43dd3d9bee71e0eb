package io.cxbridge.genesys.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Optional outbound webhooks: a signed JSON POST with a timeout. A failure is logged and counted
 * ({@code cxbridge_webhook_deliveries_total{outcome}}) and never fails the work that triggered it.
 */
public final class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);

    private final WebClient web;
    private final Clock clock;
    private final MeterRegistry registry;

    public WebhookSender(WebClient web, Clock clock, MeterRegistry registry) {
        this.web = web;
        this.clock = clock;
        this.registry = registry;
    }

    /** Completes with true when the receiver answered 2xx, false otherwise; never fails. */
    public Uni<Boolean> post(String url, String secret, String jsonBody, Duration timeout) {
        long now = clock.instant().getEpochSecond();
        return web.postAbs(url)
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Cxbridge-Signature", WebhookSigner.signature(secret, now, jsonBody))
                .sendBuffer(Buffer.buffer(jsonBody))
                .ifNoItem().after(timeout).fail()
                .map(r -> r.statusCode() >= 200 && r.statusCode() < 300)
                .onFailure().recoverWithItem(false)
                .invoke(ok -> {
                    registry.counter("cxbridge.webhook.deliveries", "outcome", ok ? "delivered" : "failed").increment();
                    if (!ok) {
                        LOG.warnf("webhook to %s was not accepted", host(url));
                    }
                });
    }

    /** Only the host goes into a log line: webhook URLs often carry tokens in their path or query. */
    static String host(String url) {
        try {
            return java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return "an invalid URL";
        }
    }
}
